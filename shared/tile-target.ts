/**
 * Which tiles watch the same extension (issue 12 §4: a duplicate tile is refused with the duplicate named). Used by
 * the settings validation, the key importers and the import preview. Pure.
 */

/** What a tile watches, for {@link TileTargetIndex}: its address and line (absent = the default line). */
export interface TileTargetRef {
  uri: string;
  line?: number | undefined;
}

/**
 * Finds tiles that watch the same extension, so a panel never shows one extension twice (issue 12 §4). The rule,
 * kept simple on purpose: two tiles are the same target when they are on the same line (a tile without a line is
 * on "the default line", which counts as its own line) and
 * - both are bare extensions and equal (`101` = `101`), or
 * - both are SIP URIs with the same user and host (host compared case-insensitively, RFC 3261 §19.1.4; port,
 *   parameters and headers ignored), or
 * - one is a bare extension and the other a SIP URI whose user part is that extension (`101` = `sip:101@pbx`): a
 *   bare extension takes the line's domain, and one line has one domain.
 * Anything else (different lines, different hosts) is a different target.
 */
export class TileTargetIndex<T> {
  private readonly byUser = new Map<string, { host: string | undefined; owner: T }[]>();

  /** Records `ref` for `owner`; returns the owner already recorded for the same target, if any (then not recorded). */
  claim(ref: TileTargetRef, owner: T): T | undefined {
    const target = splitTarget(ref.uri);
    if (!target) return undefined;
    const key = `${ref.line ?? 'default'}\n${target.user}`;
    const entries = this.byUser.get(key) ?? [];
    const same = entries.find((e) => e.host === undefined || target.host === undefined || e.host === target.host);
    if (same) return same.owner;
    entries.push({ host: target.host, owner });
    this.byUser.set(key, entries);
    return undefined;
  }
}

/** `101` → {user 101}; `sip:101@PBX:5060;x=y` → {user 101, host pbx}; a user-less `sip:pbx` → {user '', host pbx}. */
function splitTarget(uri: string): { user: string; host: string | undefined } | undefined {
  if (typeof uri !== 'string' || uri.trim() === '') return undefined;
  const scheme = /^sips?:/i.exec(uri);
  if (!scheme) return { user: uri, host: undefined };
  const rest = uri.slice(scheme[0].length);
  const at = rest.indexOf('@');
  const user = at < 0 ? '' : rest.slice(0, at);
  const host = (at < 0 ? rest : rest.slice(at + 1)).split(/[:;?]/)[0]!.toLowerCase();
  return { user, host };
}

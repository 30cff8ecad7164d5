/**
 * Imports the console's own key configuration (seed 000: `<key><keyConfiguration><function>…`) as tiles (issue 3 §2);
 * `exportKeyConfiguration` (shared/key-config-export.ts) writes it.
 *
 * A key = invocations (what pressing it does: `<invite><uri>` → call action) + reactions (what it shows:
 * `<presence><subscribe type="dialog|presence"><uri>…</uri><line><id>1</id></line></subscribe>` → the tile's URI,
 * watched events and 1-based line). Rules:
 * - `<key>` elements are found anywhere: one bare key, several keys side by side, or keys inside any root element.
 * - A key without any `<subscribe>` (a plain speed dial or another function) has nothing to show on a busy lamp
 *   field and is skipped (with a warning); if no key has one, the import fails.
 * - `type` missing means `dialog` (the only type phones support, seed 000); `presence` and `reg` (what the console
 *   itself exports) are read too; other types are refused.
 * - All subscriptions of a key must name the same URI and line (a tile watches one extension).
 * - The name is the key's `<label>` or `<name>` (on the key, its keyConfiguration or its function), else the URI;
 *   the key's `<group>` and `<park>true</park>` are kept (the export writes them).
 * - Every tile is checked with the settings rules ({@link tileErrors}); an error names the key by its 1-based number
 *   among all `<key>` elements, so people can find it in their file. Unlike the vendor formats, a bad key fails the
 *   whole import: this is the console's own format, so a bad key is a mistake to fix, not a phone feature to skip.
 */
import { randomUUID } from 'node:crypto';
import type { Result } from '../../../../shared/result';
import { fail, ok } from '../../../../shared/result';
import { MAX_KEY_FILE_CHARS } from '../../../../shared/key-import';
import { MAX_TILES } from '../../../../shared/settings';
import type { TileAction, TileConfig, WatchEvent } from '../../../../shared/tiles';
import { tileErrors } from '../../../../shared/tiles-validate';
import { asArray, child, collect, isNode, readXml, text, type XmlNode } from './xml-input';

export { MAX_KEY_XML_DEPTH } from './xml-input';

/** Largest key configuration accepted (2,000 keys at ~1 KB each). */
export const MAX_KEY_XML_BYTES = MAX_KEY_FILE_CHARS;

export interface KeyImportOptions {
  /** Id for each new tile; defaults to `tile-<uuid>`. */
  newId?: () => string;
  /** Number of configured lines, to check `<line><id>` against; unchecked (only ≥ 1) when absent. */
  lineCount?: number;
}

/** The elements read as arrays by every XML key format. */
export const CONSOLE_ARRAYS: ReadonlySet<string> = new Set(['key', 'invocation', 'invite', 'reaction', 'presence', 'subscribe']);
const WHAT = 'Key configuration';

class KeyError extends Error {
  constructor(
    readonly index: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Parses key configuration XML into tiles. Never throws on bad input. */
export function importKeyConfiguration(xml: string, options: KeyImportOptions = {}): Result<TileConfig[]> {
  if (xml.length > MAX_KEY_XML_BYTES)
    return fail('invalid-argument', `${WHAT} is larger than ${MAX_KEY_XML_BYTES >> 20} MB`);
  const root = readXml(xml, CONSOLE_ARRAYS, WHAT);
  if (!root.ok) return root;
  const read = readConsoleKeys(root.value, options);
  return read.ok ? ok(read.value.tiles) : read;
}

/** Whether a parsed document holds the console's `<key>` elements. */
export function hasConsoleKeys(root: XmlNode): boolean {
  return collect(root, 'key').length > 0;
}

/** The tiles of an already parsed key configuration, with a warning per skipped key. */
export function readConsoleKeys(
  root: XmlNode,
  options: KeyImportOptions = {},
): Result<{ tiles: TileConfig[]; warnings: string[] }> {
  const keys = collect(root, 'key');
  if (keys.length === 0) return fail('invalid-argument', `${WHAT} has no <key> element`);
  const newId = options.newId ?? (() => `tile-${randomUUID()}`);
  const tiles: TileConfig[] = [];
  const warnings: string[] = [];
  try {
    keys.forEach((key, index) => {
      const tile = tileFromKey(key, index, newId);
      if (!tile) {
        warnings.push(`Key ${index + 1}: has no <subscribe>, so nothing to show on the busy lamp field: skipped`);
        return;
      }
      const problem = tileErrors(tile, index, options.lineCount)[0];
      if (problem)
        throw new KeyError(
          index,
          problem.message.replace(/^Key \d+: /, ''),
          problem.field.replace(/^tiles\.\d+\.?/, ''),
        );
      tiles.push(tile);
    });
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    return fail('invalid-argument', `Key ${error.index + 1}: ${error.message}`, {
      field: `keys.${error.index}${error.field ? `.${error.field}` : ''}`,
    });
  }
  if (tiles.length === 0)
    return fail('invalid-argument', 'No <key> has a <subscribe> reaction: nothing to show on the busy lamp field');
  if (tiles.length > MAX_TILES)
    return fail('invalid-argument', `At most ${MAX_TILES} keys are supported, the file has ${tiles.length}`);
  return ok({ tiles, warnings });
}

function tileFromKey(key: XmlNode, index: number, newId: () => string): TileConfig | undefined {
  const fn = child(child(key, 'keyConfiguration'), 'function');
  const subscribes = asArray(child(child(fn, 'reactions'), 'reaction'))
    .flatMap((reaction) => asArray(child(reaction, 'presence')))
    .flatMap((presence) => asArray(child(presence, 'subscribe')));
  if (subscribes.length === 0) return undefined;

  let uri: string | undefined;
  let line: number | undefined;
  const watch: WatchEvent[] = [];
  subscribes.forEach((sub, i) => {
    const type = (text(child(sub, '@_type')) ?? 'dialog').toLowerCase();
    if (type !== 'dialog' && type !== 'presence' && type !== 'reg')
      throw new KeyError(index, `subscribe type "${type}" is not supported (dialog, presence or reg)`, 'watch');
    const subUri = text(child(sub, 'uri'));
    if (!subUri) throw new KeyError(index, 'a <subscribe> has no <uri>', 'uri');
    const subLine = lineOf(sub, index);
    if (i > 0 && (subUri !== uri || subLine !== line))
      throw new KeyError(
        index,
        `its subscriptions name different addresses or lines (${uri} and ${subUri}); a tile watches one extension`,
        'uri',
      );
    uri = subUri;
    line = subLine;
    if (!watch.includes(type)) watch.push(type);
  });

  const inviteUri = asArray(child(child(fn, 'invocations'), 'invocation'))
    .flatMap((invocation) => asArray(child(invocation, 'invite')))
    .map((invite) => text(child(invite, 'uri')))
    .find((u) => !!u);
  const action: TileAction = inviteUri ? { kind: 'call', uri: inviteUri } : { kind: 'none' };
  const name = [key, child(key, 'keyConfiguration'), fn]
    .map((n) => text(child(n, 'label')) ?? text(child(n, 'name')))
    .find((n) => !!n);
  const tile: TileConfig = { id: newId(), name: name ?? uri!, uri: uri!, watch, action };
  if (line !== undefined) tile.line = line;
  const group = text(child(key, 'group'));
  if (group) tile.group = group;
  if (text(child(key, 'park'))?.toLowerCase() === 'true') tile.park = true;
  return tile;
}

/** `<line><id>2</id></line>` (seed 000) or `<line>2</line>`. */
function lineOf(sub: unknown, index: number): number | undefined {
  const node = child(sub, 'line');
  if (node === undefined) return undefined;
  const raw = text(isNode(node) && 'id' in node ? node.id : node);
  if (raw === undefined || !/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1)
    throw new KeyError(index, `line id "${raw ?? ''}" must be a line number from 1`, 'line');
  return Number(raw);
}

/**
 * snom function keys (issue 12 §5), in both forms a snom phone writes its settings:
 * - XML settings: `<fkey idx="0" context="active" label="Anna" perm="">blf sip:101@pbx</fkey>` anywhere in the
 *   document (usually `<settings><functionKeys>`);
 * - plain settings ("settings.txt"): `fkey0: blf sip:101@pbx`, `fkey0$: …`, `fkey0!: …` (the character before the
 *   colon is snom's permission flag), with `fkey_label0: Anna` for the label.
 * Values: `blf <uri>` (a busy lamp: dialog), `dest <uri>` (snom's "destination" key, which shows the extension's
 * state: dialog and presence), `speed <number>` (a speed dial without a lamp: skipped with a warning), `line`,
 * `none` or empty (nothing: skipped quietly), anything else (skipped with a warning). A `|*8…` pickup suffix is
 * ignored. `context` is the identity: `active` (or absent) = the default line, `1`… = that line.
 */
import type { WatchEvent } from '../../../../shared/tiles';
import type { VendorKey } from './vendor-key';
import { collect, text, type XmlNode } from './xml-input';

const KINDS: Record<string, WatchEvent[]> = { blf: ['dialog'], dest: ['dialog', 'presence'] };
const QUIET = new Set(['', 'line', 'none']);

/** A snom fkey value (`blf sip:101@pbx`) as a key, or a warning, or nothing. */
function keyFromValue(
  position: string,
  value: string,
  context: string | undefined,
  label: string | undefined,
  warnings: string[],
): VendorKey | undefined {
  const m = /^\s*([A-Za-z_]*)\s*(.*)$/s.exec(value)!;
  const kind = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  const watch = KINDS[kind];
  if (!watch) {
    if (kind === 'speed') warnings.push(`${position}: a speed dial to ${rest || '?'} has no lamp: skipped`);
    else if (!QUIET.has(kind)) warnings.push(`${position}: "${kind}" keys have no lamp: skipped`);
    return undefined;
  }
  const line = context && /^[1-9][0-9]{0,3}$/.test(context) ? Number(context) : undefined;
  return { position, target: rest, watch, label, line };
}

/** Whether a parsed XML document holds snom `<fkey>` elements. */
export function hasSnomKeys(root: XmlNode): boolean {
  return collect(root, 'fkey').length > 0;
}

/** The keys of snom XML settings. */
export function snomXmlKeys(root: XmlNode, warnings: string[]): VendorKey[] {
  const keys: VendorKey[] = [];
  collect(root, 'fkey').forEach((fkey, n) => {
    const idx = text(fkey['@_idx']) ?? String(n);
    const label = text(fkey['@_label']) ?? text(fkey['@_short_label']);
    const key = keyFromValue(`fkey ${idx}`, text(fkey) ?? '', text(fkey['@_context']), label, warnings);
    if (key) keys.push(key);
  });
  return keys;
}

const PLAIN = /^\s*fkey(_label|_context)?([0-9]{1,4})\s*[!$&]?\s*:\s?(.*)$/i;

/** Whether plain text holds snom `fkeyN:` settings. */
export function hasSnomPlainKeys(lines: readonly string[]): boolean {
  return lines.some((line) => PLAIN.test(line));
}

/** The keys of snom plain settings (`fkey0: blf sip:101@pbx`, `fkey_label0: Anna`, `fkey_context0: 1`). */
export function snomPlainKeys(lines: readonly string[], warnings: string[]): VendorKey[] {
  const byIndex = new Map<string, { value?: string; label?: string; context?: string }>();
  for (const line of lines) {
    const m = PLAIN.exec(line);
    if (!m) continue;
    const entry = byIndex.get(m[2]!) ?? {};
    const value = m[3]!.trim();
    if (!m[1]) entry.value = value;
    else if (m[1].toLowerCase() === '_label') entry.label = value;
    else entry.context = value;
    byIndex.set(m[2]!, entry);
  }
  const keys: VendorKey[] = [];
  for (const [idx, entry] of [...byIndex].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    if (entry.value === undefined) continue;
    const key = keyFromValue(`fkey${idx}`, entry.value, entry.context, entry.label || undefined, warnings);
    if (key) keys.push(key);
  }
  return keys;
}

/**
 * What a settings file with problems confined to single lines, keys, lists or custom presence states still loads
 * as (docs/config.md, "When the file is invalid"). A hand-edited display name with a CR in it must not cost the
 * receptionist every other line, nor crash every start: the bad line is kept in its place (tiles and the default
 * line refer to lines by number) but disabled, and bad keys, lists and custom states are left out. Anything else (not
 * an object, wrong version, SIP timers, …) is a whole-file problem: the caller refuses the file as before.
 */
import { hasControlCharacters } from '../../shared/control-characters';
import type { LineConfig, LineTransport, Settings } from '../../shared/settings';
import type { FieldError } from '../../shared/settings-validate';
import { validateSettings } from '../../shared/settings-validate';

type Rec = Record<string, unknown>;

/** Settings loaded from a file with some parts set aside. */
export interface SalvagedSettings {
  /** Valid everywhere except in the disabled lines, which keep the texts the user wrote so Settings can show them. */
  settings: Settings;
  /** What was set aside, for the user: `line 2 disabled`, `keys 4, 9 left out`. */
  setAside: string[];
}

/** Parts of a file whose problems stay inside them. A line must be an object to be kept as a disabled line. */
const PARTS = [
  { key: 'lines', pattern: /^lines\.(\d+)\./, one: 'line', many: 'lines', verb: 'disabled' },
  { key: 'tiles', pattern: /^tiles\.(\d+)(?:\.|$)/, one: 'key', many: 'keys', verb: 'left out' },
  { key: 'tileLists', pattern: /^tileLists\.(\d+)(?:\.|$)/, one: 'list', many: 'lists', verb: 'left out' },
  { key: 'customStates', pattern: /^presence\.customStates\.(\d+)(?:\.|$)/, one: 'custom state', many: 'custom states', verb: 'left out' },
] as const;
type PartKey = (typeof PARTS)[number]['key'];

const TRANSPORTS: readonly LineTransport[] = ['udp', 'tcp', 'tls'];
const MAX_LISTED = 10;

const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * `raw` (a parsed file, passwords decoded) with the parts named by `errors` set aside, or undefined when any error
 * is a whole-file problem or the rest still does not validate.
 */
export function salvageSettings(raw: unknown, errors: readonly FieldError[]): SalvagedSettings | undefined {
  if (!isRecord(raw) || errors.length === 0) return undefined;
  const bad: Record<PartKey, Set<number>> = { lines: new Set(), tiles: new Set(), tileLists: new Set(), customStates: new Set() };
  for (const { field } of errors) {
    const part = PARTS.find((p) => p.pattern.test(field));
    if (!part) return undefined;
    bad[part.key].add(Number(part.pattern.exec(field)?.[1]));
  }
  const lines = Array.isArray(raw.lines) ? (raw.lines as unknown[]) : [];
  const keep = (list: unknown, set: Set<number>): unknown => (Array.isArray(list) ? list.filter((_, i) => !set.has(i)) : list);
  const presence = isRecord(raw.presence)
    ? { ...raw.presence, customStates: keep(raw.presence.customStates, bad.customStates) }
    : raw.presence;
  // Stand-ins keep the bad lines' places while the rest is validated; they never leave this function.
  const candidate = {
    ...raw,
    lines: lines.map((line, i) => (bad.lines.has(i) ? standIn(i) : line)),
    tiles: keep(raw.tiles, bad.tiles),
    tileLists: keep(raw.tileLists, bad.tileLists),
    ...(presence === undefined ? {} : { presence }),
  };
  const result = validateSettings(candidate);
  if (!result.ok) return undefined;
  const settings = result.value;
  const ids = new Set(settings.lines.filter((_, i) => !bad.lines.has(i)).map((l) => l.id));
  settings.lines = settings.lines.map((line, i) => (bad.lines.has(i) ? disabledLine(lines[i] as Rec, i, ids) : line));
  const setAside = PARTS.flatMap((p) => {
    const numbers = [...bad[p.key]].sort((a, b) => a - b).map((i) => i + 1);
    if (numbers.length === 0) return [];
    const listed = numbers.slice(0, MAX_LISTED).join(', ') + (numbers.length > MAX_LISTED ? ', …' : '');
    return [`${numbers.length === 1 ? p.one : p.many} ${listed} ${p.verb}`];
  });
  return { settings, setAside };
}

function standIn(i: number): LineConfig {
  return { id: `set-aside-line-${i + 1}`, enabled: false, displayName: '', user: 'x', domain: 'invalid', transport: 'udp', expires: 3600 };
}

/**
 * Line `i` of the file, disabled, with the shape of a {@link LineConfig}: texts as written (Settings flags them),
 * anything of the wrong type replaced by a default, and an id of its own so passwords and line state stay apart.
 */
function disabledLine(raw: Rec, i: number, ids: Set<string>): LineConfig {
  let id = typeof raw.id === 'string' && raw.id.trim() !== '' && raw.id.length <= 64 && !hasControlCharacters(raw.id) ? raw.id : `line-${i + 1}`;
  for (let n = 2; ids.has(id); n++) id = `line-${i + 1}-${n}`;
  ids.add(id);
  const line: LineConfig = {
    id,
    enabled: false,
    displayName: text(raw.displayName),
    user: text(raw.user),
    domain: text(raw.domain),
    transport: TRANSPORTS.includes(raw.transport as LineTransport) ? (raw.transport as LineTransport) : 'udp',
    expires: typeof raw.expires === 'number' && Number.isInteger(raw.expires) ? raw.expires : 3600,
  };
  for (const key of ['authUser', 'password', 'registrar', 'outboundProxy'] as const) if (text(raw[key]) !== '') line[key] = text(raw[key]);
  if (isRecord(raw.tls)) {
    const tls = { fingerprint256: text(raw.tls.fingerprint256), caFile: text(raw.tls.caFile) };
    line.tls = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== ''));
  }
  if (isRecord(raw.featureCodes))
    line.featureCodes = Object.fromEntries(Object.entries(raw.featureCodes).filter(([, v]) => typeof v === 'string'));
  if (raw.watcherInfo === true) line.watcherInfo = true;
  return line;
}

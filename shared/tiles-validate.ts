/**
 * Validation of the busy lamp field settings (`tiles`, `tileLists`, `notify`; issue 3), called by
 * `settings-validate.ts` and by the key-configuration import. Pure. Field paths use 0-based indexes
 * (`tiles.3.uri`); messages use the key numbers people see ("Key 4: …").
 *
 * A settings file written before the busy lamp field has none of these fields: missing means the defaults (no tiles,
 * no lists, the `console` profile), so old files load.
 *
 * Throttle profiles: for `console` and `phone` the stored numbers are *normalised* to {@link NOTIFY_PROFILES} (they
 * may be omitted; if present they must still be in range). The profile is the user's choice and its numbers are ours:
 * a better `console` default in a later version reaches every user of that profile, and switching profile in the UI
 * never leaves numbers that contradict it. Only `custom` keeps the numbers as given.
 */
import { controlCharactersMessage, hasControlCharacters } from './control-characters';
import type { FieldError } from './settings-validate';
import { isValidHostPort } from './host-syntax';
import { MAX_TILES } from './settings';
import { TileTargetIndex } from './tile-target';
import {
  type NotifyThrottleSettings,
  NOTIFY_PROFILES,
  type TileAction,
  type TileConfig,
  type TileListConfig,
  type WatchEvent,
} from './tiles';

type Rec = Record<string, unknown>;

const TILE_KEYS = ['id', 'name', 'uri', 'line', 'watch', 'action', 'group', 'park'];
const LIST_KEYS = ['id', 'name', 'uri', 'line', 'event'];
const NOTIFY_KEYS = ['profile', 'ratePerSecond', 'queueBound'];
const WATCH_EVENTS: readonly WatchEvent[] = ['dialog', 'presence', 'reg', 'message-summary'];
/** Events a resource list carries (RFC 4662): registration state is subscribed per AoR only (RFC 3680). */
const LIST_EVENTS: readonly WatchEvent[] = ['dialog', 'presence'];

/** A dialable extension or feature code as people type it on a key (`101`, `*8`, `reception`, `+4930123`). */
const EXTENSION = /^[0-9*#+A-Za-z._-]{1,64}$/;
/** RFC 3261 §25.1 `user` characters (unreserved / escaped / user-unreserved). */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
/** RFC 3261 §25.1 `uri-parameter`: `;name[=value]` of paramchars. */
const URI_PARAMS =
  /^(?:;(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+(?:=(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+)?)*$/;
/** RFC 3261 §25.1 `headers`: `?hname=hvalue&…`. */
const URI_HEADERS =
  /^(?:\?[A-Za-z0-9\-_.!~*'()[\]/?:+$%]+=[A-Za-z0-9\-_.!~*'()[\]/?:+$%]*(?:&[A-Za-z0-9\-_.!~*'()[\]/?:+$%]+=[A-Za-z0-9\-_.!~*'()[\]/?:+$%]*)*)?$/;
/** Ids end up in patch keys and list member ids (`<list id>/<uri>`): no slash, no blanks. */
const ID = /^[^\s/]{1,64}$/;

/** A `sip:` or `sips:` URI (RFC 3261 §19.1.1): optional user, host[:port], parameters and headers; no password. */
export function isSipUri(value: string): boolean {
  if (value.length > 256) return false;
  const m = /^sips?:/i.exec(value);
  if (!m) return false;
  let rest = value.slice(m[0].length);
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!SIP_USER.test(rest.slice(0, at))) return false;
    rest = rest.slice(at + 1);
  }
  const hostEnd = rest.search(/[;?]/);
  const hostport = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
  const tail = hostEnd < 0 ? '' : rest.slice(hostEnd);
  const q = tail.indexOf('?');
  const params = q < 0 ? tail : tail.slice(0, q);
  const headers = q < 0 ? '' : tail.slice(q);
  return isValidHostPort(hostport) && URI_PARAMS.test(params) && URI_HEADERS.test(headers);
}

/** A bare extension (`[0-9*#+A-Za-z._-]{1,64}`, taking the line's domain). */
export function isExtension(value: string): boolean {
  return EXTENSION.test(value);
}

/** What a tile, list or call action may point at: an extension or a SIP URI. */
export function isTileUri(value: string): boolean {
  return isExtension(value) || isSipUri(value);
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function unknownKeys(
  out: FieldError[],
  obj: Rec,
  allowed: readonly string[],
  path: string,
  label: string,
): void {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key))
      out.push({ field: `${path}.${key}`, message: `${label}unknown setting "${key}"` });
}

/**
 * Adds the control-character problem when `v` is text holding one (names and addresses reach SUBSCRIBE headers and
 * the grid), and says so: the field's other rules are then not repeated on top of it.
 */
function injected(out: FieldError[], v: unknown, path: string, label: string, what: string): boolean {
  if (typeof v !== 'string' || !hasControlCharacters(v)) return false;
  out.push({ field: path, message: controlCharactersMessage(label, what) });
  return true;
}

function checkId(out: FieldError[], v: unknown, path: string, label: string): void {
  if (!injected(out, v, path, label, 'id') && (typeof v !== 'string' || !ID.test(v)))
    out.push({ field: path, message: `${label}id must be 1 to 64 characters without spaces or slashes` });
}

function checkName(out: FieldError[], v: unknown, path: string, label: string): void {
  if (injected(out, v, path, label, 'name')) return;
  if (typeof v !== 'string' || v.trim() === '' || v.length > 64)
    out.push({ field: path, message: `${label}name must be text of 1 to 64 characters` });
}

function checkLineRef(
  out: FieldError[],
  v: unknown,
  path: string,
  label: string,
  lineCount: number | undefined,
): void {
  if (isUnset(v)) return;
  if (lineCount === undefined) {
    if (!isInt(v, 1, Number.MAX_SAFE_INTEGER))
      out.push({ field: path, message: `${label}line must be a line number from 1` });
  } else if (!isInt(v, 1, Math.max(1, lineCount)) || lineCount === 0) {
    const range = lineCount > 0 ? `must be a line number from 1 to ${lineCount}` : 'cannot be set when no line is configured';
    out.push({ field: path, message: `${label}line ${range}` });
  }
}

const URI_MESSAGE = 'must be an extension (digits, letters, * # + . _ -, at most 64) or a sip:/sips: URI';

/**
 * Problems of one tile. `lineCount` = number of configured lines, or undefined when not known (import): then `line`
 * need only be a positive whole number.
 */
export function tileErrors(tile: unknown, index: number, lineCount: number | undefined): FieldError[] {
  const out: FieldError[] = [];
  const path = `tiles.${index}`;
  const label = `Key ${index + 1}: `;
  if (!isRecord(tile)) return [{ field: path, message: `${label}must be an object` }];
  unknownKeys(out, tile, TILE_KEYS, path, label);
  checkId(out, tile.id, `${path}.id`, label);
  checkName(out, tile.name, `${path}.name`, label);
  if (!injected(out, tile.uri, `${path}.uri`, label, 'address') && (typeof tile.uri !== 'string' || !isTileUri(tile.uri)))
    out.push({ field: `${path}.uri`, message: `${label}address ${URI_MESSAGE}` });
  checkLineRef(out, tile.line, `${path}.line`, label, lineCount);
  const watch = tile.watch;
  if (
    !Array.isArray(watch) ||
    watch.length === 0 ||
    !watch.every((w) => WATCH_EVENTS.includes(w as WatchEvent)) ||
    new Set(watch).size !== watch.length
  )
    out.push({ field: `${path}.watch`, message: `${label}watch must list dialog, presence, reg and/or message-summary, each once` });
  // A mailbox count alone would leave the lamp without a state: it rides on a tile that shows one (issue 12 §6).
  else if (watch.length === 1 && watch[0] === 'message-summary')
    out.push({ field: `${path}.watch`, message: `${label}message-summary adds a mailbox count: watch dialog, presence or reg too` });
  checkAction(out, tile.action, `${path}.action`, label);
  if (tile.park !== undefined && typeof tile.park !== 'boolean')
    out.push({ field: `${path}.park`, message: `${label}park must be true or false` });
  const group = tile.group;
  if (!injected(out, group, `${path}.group`, label, 'group') && !isUnset(group) && (typeof group !== 'string' || group.length > 64))
    out.push({ field: `${path}.group`, message: `${label}group must be text of at most 64 characters` });
  return out;
}

function checkAction(out: FieldError[], action: unknown, path: string, label: string): void {
  if (!isRecord(action) || (action.kind !== 'call' && action.kind !== 'none'))
    return void out.push({
      field: path,
      message: `${label}action must be {kind: "call", uri} or {kind: "none"}`,
    });
  unknownKeys(out, action, action.kind === 'call' ? ['kind', 'uri'] : ['kind'], path, label);
  if (action.kind !== 'call' || injected(out, action.uri, `${path}.uri`, label, 'call address')) return;
  if (typeof action.uri !== 'string' || !isTileUri(action.uri))
    out.push({ field: `${path}.uri`, message: `${label}call address ${URI_MESSAGE}` });
}

function listErrors(list: unknown, index: number, lineCount: number): FieldError[] {
  const out: FieldError[] = [];
  const path = `tileLists.${index}`;
  const label = `List ${index + 1}: `;
  if (!isRecord(list)) return [{ field: path, message: `${label}must be an object` }];
  unknownKeys(out, list, LIST_KEYS, path, label);
  checkId(out, list.id, `${path}.id`, label);
  checkName(out, list.name, `${path}.name`, label);
  if (!injected(out, list.uri, `${path}.uri`, label, 'list address') && (typeof list.uri !== 'string' || !isTileUri(list.uri)))
    out.push({ field: `${path}.uri`, message: `${label}list address ${URI_MESSAGE}` });
  checkLineRef(out, list.line, `${path}.line`, label, lineCount);
  if (!LIST_EVENTS.includes(list.event as WatchEvent))
    out.push({ field: `${path}.event`, message: `${label}event must be dialog or presence` });
  return out;
}

function notifyErrors(notify: unknown): FieldError[] {
  if (notify === undefined) return [];
  if (!isRecord(notify)) return [{ field: 'notify', message: 'NOTIFY throttling must be an object' }];
  const out: FieldError[] = [];
  unknownKeys(out, notify, NOTIFY_KEYS, 'notify', 'NOTIFY throttling: ');
  const custom = notify.profile === 'custom';
  if (!custom && notify.profile !== 'console' && notify.profile !== 'phone')
    out.push({
      field: 'notify.profile',
      message: 'NOTIFY throttling: profile must be console, phone or custom',
    });
  if ((custom || notify.ratePerSecond !== undefined) && !isInt(notify.ratePerSecond, 1, 100000))
    out.push({
      field: 'notify.ratePerSecond',
      message: 'NOTIFY throttling: rate must be a whole number of bodies per second from 1 to 100000',
    });
  if ((custom || notify.queueBound !== undefined) && !isInt(notify.queueBound, 10, 1000000))
    out.push({
      field: 'notify.queueBound',
      message: 'NOTIFY throttling: queue bound must be a whole number from 10 to 1000000',
    });
  return out;
}

/** The first problem for each tile that repeats an earlier tile's target ({@link TileTargetIndex}), naming it. */
function duplicateTileErrors(tiles: readonly unknown[]): FieldError[] {
  const out: FieldError[] = [];
  const index = new TileTargetIndex<number>();
  tiles.forEach((tile, i) => {
    if (!isRecord(tile) || typeof tile.uri !== 'string' || !isTileUri(tile.uri)) return;
    const line = isInt(tile.line, 1, Number.MAX_SAFE_INTEGER) ? tile.line : undefined;
    const earlier = index.claim({ uri: tile.uri, line }, i);
    if (earlier === undefined) return;
    const other = tiles[earlier] as Rec;
    const name = typeof other.name === 'string' && other.name.trim() ? other.name : other.uri;
    out.push({
      field: `tiles.${i}.uri`,
      message: `Key ${i + 1}: address ${tile.uri} is already on the panel as '${String(name)}' (key ${earlier + 1})`,
    });
  });
  return out;
}

/** Every problem in the busy lamp field part of a settings object (`tiles`, `tileLists`, `notify`). */
export function tileSettingsErrors(input: Rec, lineCount: number): FieldError[] {
  const out: FieldError[] = [];
  const ids = new Map<string, string>();
  const claim = (id: unknown, field: string, label: string): void => {
    if (typeof id !== 'string' || !ID.test(id)) return;
    const owner = ids.get(id);
    if (owner !== undefined) out.push({ field, message: `${label}id "${id}" is already used by ${owner}` });
    else ids.set(id, label.replace(/: $/, '').toLowerCase());
  };
  const { tiles, tileLists } = input;
  if (tiles !== undefined && !Array.isArray(tiles))
    out.push({ field: 'tiles', message: 'tiles must be a list' });
  else if (tiles) {
    if (tiles.length > MAX_TILES)
      out.push({ field: 'tiles', message: `At most ${MAX_TILES} keys are supported` });
    tiles.forEach((tile: unknown, i) => {
      out.push(...tileErrors(tile, i, lineCount));
      if (isRecord(tile)) claim(tile.id, `tiles.${i}.id`, `Key ${i + 1}: `);
    });
    out.push(...duplicateTileErrors(tiles));
  }
  if (tileLists !== undefined && !Array.isArray(tileLists))
    out.push({ field: 'tileLists', message: 'tileLists must be a list' });
  else if (tileLists) {
    if (tileLists.length > MAX_TILES)
      out.push({ field: 'tileLists', message: `At most ${MAX_TILES} lists are supported` });
    tileLists.forEach((list: unknown, i) => {
      out.push(...listErrors(list, i, lineCount));
      if (isRecord(list)) claim(list.id, `tileLists.${i}.id`, `List ${i + 1}: `);
    });
  }
  out.push(...notifyErrors(input.notify));
  return out;
}

function withOptional<T extends object>(base: T, optional: Partial<T>): T {
  for (const [k, v] of Object.entries(optional)) if (!isUnset(v)) (base as Rec)[k] = v;
  return base;
}

/** Copies only the known fields of an already validated object, filling defaults for missing fields. */
export function normalizeTileSettings(input: Rec): {
  tiles: TileConfig[];
  tileLists: TileListConfig[];
  notify: NotifyThrottleSettings;
} {
  const tiles = ((input.tiles as Rec[] | undefined) ?? []).map((t): TileConfig => {
    const a = t.action as Rec;
    const action: TileAction = a.kind === 'call' ? { kind: 'call', uri: a.uri as string } : { kind: 'none' };
    const base: TileConfig = {
      id: t.id as string,
      name: t.name as string,
      uri: t.uri as string,
      watch: [...(t.watch as WatchEvent[])],
      action,
    };
    return withOptional(base, { line: t.line as number, group: t.group as string, ...(t.park === true ? { park: true } : {}) });
  });
  const tileLists = ((input.tileLists as Rec[] | undefined) ?? []).map((l): TileListConfig => {
    const base: TileListConfig = {
      id: l.id as string,
      name: l.name as string,
      uri: l.uri as string,
      event: l.event as WatchEvent,
    };
    return withOptional(base, { line: l.line as number });
  });
  const n = input.notify as Rec | undefined;
  const profile = (n?.profile as NotifyThrottleSettings['profile'] | undefined) ?? 'console';
  const notify: NotifyThrottleSettings =
    profile === 'custom'
      ? { profile, ratePerSecond: n?.ratePerSecond as number, queueBound: n?.queueBound as number }
      : { profile, ...NOTIFY_PROFILES[profile] };
  return { tiles, tileLists, notify };
}

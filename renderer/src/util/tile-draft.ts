/**
 * The editable form of the busy lamp field keys (tiles, resource-list groups, NOTIFY throttling). As with lines,
 * inputs stay as typed and only {@link tilesToInput} turns them into the shapes `settings.save` validates.
 */
import type { NotifyThrottleSettings, TileConfig, TileListConfig, WatchEvent } from '../../../shared/tiles';

/** A fresh id for a new key or list (ids, not positions, identify tiles across reorders and patches). */
export function newId(prefix: string): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return `${prefix}-${crypto.randomUUID()}`;
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface DraftTile {
  id: string;
  name: string;
  uri: string;
  /** `''` = the default outgoing line (and follow it when it changes), else a 1-based line number as text. */
  line: string;
  watchDialog: boolean;
  watchPresence: boolean;
  /** Registration state (RFC 3680 `reg`); opt-in: only some PBXs offer it (Kamailio presence_reginfo, not Asterisk). */
  watchReg: boolean;
  /** The extension's mailbox count (RFC 3842 `message-summary`, issue 12 §6); only beside another event. */
  watchMwi: boolean;
  /** `call` or `none` (issue 3 §2: what activating the tile does). */
  actionKind: 'call' | 'none';
  /** `''` = call the tile's own URI. */
  actionUri: string;
  group: string;
  /** A park slot (issue 11). */
  park: boolean;
}

export interface DraftTileList {
  id: string;
  name: string;
  uri: string;
  line: string;
  event: WatchEvent;
}

export interface DraftNotify {
  profile: NotifyThrottleSettings['profile'];
  ratePerSecond: string;
  queueBound: string;
}

/** Editor fields of a tile and where each sits in `SettingsInput` below `tiles.<index>`. */
export const TILE_FIELD_PATHS = {
  name: 'name',
  uri: 'uri',
  line: 'line',
  watchDialog: 'watch',
  watchPresence: 'watch',
  watchReg: 'watch',
  watchMwi: 'watch',
  actionKind: 'action',
  actionUri: 'action.uri',
  group: 'group',
  park: 'park',
} as const satisfies Record<Exclude<keyof DraftTile, 'id'>, string>;

export type TileField = keyof typeof TILE_FIELD_PATHS;

export const TILE_LIST_FIELD_PATHS = { name: 'name', uri: 'uri', line: 'line', event: 'event' } as const;
export type TileListField = keyof typeof TILE_LIST_FIELD_PATHS;

export function draftTileFrom(tile: TileConfig): DraftTile {
  const callUri = tile.action.kind === 'call' ? tile.action.uri : '';
  return {
    id: tile.id,
    name: tile.name,
    uri: tile.uri,
    line: tile.line === undefined ? '' : String(tile.line),
    watchDialog: tile.watch.includes('dialog'),
    watchPresence: tile.watch.includes('presence'),
    watchReg: tile.watch.includes('reg'),
    watchMwi: tile.watch.includes('message-summary'),
    actionKind: tile.action.kind,
    actionUri: callUri === tile.uri ? '' : callUri,
    group: tile.group ?? '',
    park: tile.park === true,
  };
}

export function emptyDraftTile(group = ''): DraftTile {
  return {
    id: newId('tile'),
    name: '',
    uri: '',
    line: '',
    watchDialog: true,
    watchPresence: true,
    watchReg: false,
    watchMwi: false,
    actionKind: 'call',
    actionUri: '',
    group,
    park: false,
  };
}

export function draftTileListFrom(list: TileListConfig): DraftTileList {
  return { id: list.id, name: list.name, uri: list.uri, line: list.line === undefined ? '' : String(list.line), event: list.event };
}

export function emptyDraftTileList(): DraftTileList {
  return { id: newId('list'), name: '', uri: '', line: '', event: 'dialog' };
}

export function draftNotifyFrom(notify: NotifyThrottleSettings): DraftNotify {
  return { profile: notify.profile, ratePerSecond: String(notify.ratePerSecond), queueBound: String(notify.queueBound) };
}

/** A typed number as a number; anything else becomes NaN so validation names the field. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** `''` → absent (the default line); anything else as a number, NaN when it is not one. */
function lineInput(text: string): number | undefined {
  return text.trim() === '' ? undefined : num(text);
}

export function tileToInput(tile: DraftTile): TileConfig {
  const uri = tile.uri.trim();
  const watch: WatchEvent[] = [];
  if (tile.watchDialog) watch.push('dialog');
  if (tile.watchPresence) watch.push('presence');
  if (tile.watchReg) watch.push('reg');
  if (tile.watchMwi) watch.push('message-summary');
  const out: TileConfig = {
    id: tile.id,
    name: tile.name.trim(),
    uri,
    watch,
    action: tile.actionKind === 'call' ? { kind: 'call', uri: tile.actionUri.trim() || uri } : { kind: 'none' },
  };
  const line = lineInput(tile.line);
  if (line !== undefined) out.line = line;
  const group = tile.group.trim();
  if (group) out.group = group;
  if (tile.park) out.park = true;
  return out;
}

export function tileListToInput(list: DraftTileList): TileListConfig {
  const out: TileListConfig = { id: list.id, name: list.name.trim(), uri: list.uri.trim(), event: list.event };
  const line = lineInput(list.line);
  if (line !== undefined) out.line = line;
  return out;
}

export function notifyToInput(notify: DraftNotify): NotifyThrottleSettings {
  return { profile: notify.profile, ratePerSecond: num(notify.ratePerSecond), queueBound: num(notify.queueBound) };
}

/**
 * Imported tiles get fresh ids where theirs are already taken, so appending an import twice (or an import whose
 * ids collide with existing keys) never produces duplicate ids.
 */
export function appendImported(existing: readonly DraftTile[], imported: readonly TileConfig[]): DraftTile[] {
  const taken = new Set(existing.map((tile) => tile.id));
  return imported.map((tile) => {
    const draft = draftTileFrom(tile);
    if (taken.has(draft.id) || draft.id.trim() === '') draft.id = newId('tile');
    taken.add(draft.id);
    return draft;
  });
}

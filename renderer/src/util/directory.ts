/**
 * One name everywhere (issue 12 "Names"), first slice: a directory that turns a number or SIP/tel address into the
 * name the receptionist knows — the configured tile for that extension first (the console's own key labels), then a
 * resource-list member the list server named, then an imported contact (CSV/vCard, shared/contacts-import.ts), then a
 * name the PBX sent on an earlier call (the call history).
 *
 * Keys are normalised so `sip:101@pbx`, `sips:101@pbx;transport=tls`, `<sip:101@pbx>`, `101`, `tel:+49 30 123`
 * and `+49-30-123` meet: the user part of an address, visual separators dropped from phone numbers
 * (shared/directory-key.ts, which the contacts import and the settings validator use too).
 */
import { directoryKey } from '../../../shared/directory-key';
import type { DirectoryContact } from '../../../shared/settings';
import type { Party } from '../../../shared/tiles';
import { tileNumber } from './tile-number';

export { directoryKey };

/** Number (or address user part) → name. */
export type Directory = ReadonlyMap<string, string>;

/** What a directory entry is built from: a tile's label and address. */
export interface DirectoryTile {
  name: string;
  uri: string;
  listId?: string;
  park?: boolean;
}

/**
 * Whether a label is only the address again ("101", "sip:101@pbx"): a list member the list server gave no name,
 * or a tile set up without one. Such a label names nobody and never enters the directory.
 */
export function isBareLabel(name: string | undefined, uri: string): boolean {
  const label = name?.trim();
  if (!label) return true;
  if (/^(?:sips?|tel):/i.test(label)) return true;
  return directoryKey(label) === directoryKey(uri);
}

/** The sources of a directory besides the tiles, each optional. */
export interface DirectorySources {
  /** Contacts imported from a CSV or vCard file (`settings.directory.contacts`). */
  contacts?: readonly DirectoryContact[];
  /** Number → name pairs the PBX sent on earlier calls (the call history). */
  historyNames?: Iterable<readonly [string, string]>;
}

/**
 * Builds the directory, in this precedence: configured tiles (not park slots), then named list members, then
 * imported contacts, then history names; within a source the first entry for a number wins (panel or file order).
 * Contacts rank below the panel because a key's label is what the receptionist chose for that extension; they rank
 * above history because a name the PBX once sent may be a trunk's or a stranger's guess.
 */
export function buildDirectory(tiles: readonly DirectoryTile[], sources: DirectorySources = {}): Directory {
  const out = new Map<string, string>();
  const add = (key: string | undefined, name: string | undefined): void => {
    const label = name?.trim();
    if (key && label && !out.has(key)) out.set(key, label);
  };
  for (const tile of tiles) if (!tile.listId && !tile.park && !isBareLabel(tile.name, tile.uri)) add(directoryKey(tile.uri), tile.name);
  for (const tile of tiles) if (tile.listId && !tile.park && !isBareLabel(tile.name, tile.uri)) add(directoryKey(tile.uri), tile.name);
  for (const contact of sources.contacts ?? []) if (!isBareLabel(contact.name, contact.number)) add(directoryKey(contact.number), contact.name);
  for (const [number, name] of sources.historyNames ?? []) if (!isBareLabel(name, number)) add(directoryKey(number), name);
  return out;
}

/** The name for a number or address, if the directory knows one. */
export function lookupName(directory: Directory, numberOrUri: string | undefined): string | undefined {
  const key = directoryKey(numberOrUri);
  return key === undefined ? undefined : directory.get(key);
}

/** A lookup function: what components and text helpers take, so they need not know the directory's shape. */
export type NameLookup = (numberOrUri: string | undefined) => string | undefined;

export function lookupIn(directory: Directory): NameLookup {
  return (numberOrUri) => lookupName(directory, numberOrUri);
}

/**
 * The name a tile shows: its own label, unless that is only its address — then the directory's name for the
 * extension, else the bare number (`101`, never `sip:101@test.local`).
 */
export function tileDisplayName(tile: Pick<DirectoryTile, 'name' | 'uri'>, lookup?: NameLookup): string {
  if (!isBareLabel(tile.name, tile.uri)) return tile.name;
  return lookup?.(tile.uri) ?? tileNumber(tile.uri);
}

/**
 * The name of the other party of a call or dialog: the name the PBX sent (unless it is only the number again),
 * else the directory's name for its number or address.
 */
export function partyName(party: Pick<Party, 'name' | 'number' | 'uri'> | undefined, lookup?: NameLookup): string | undefined {
  if (!party) return undefined;
  const number = party.number ?? (party.uri ? tileNumber(party.uri) : undefined);
  const sent = party.name?.trim();
  if (sent && !isBareLabel(sent, party.uri ?? number ?? '') && directoryKey(sent) !== directoryKey(number)) return sent;
  return lookup?.(number) ?? lookup?.(party.uri);
}

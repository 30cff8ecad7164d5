/**
 * Words and rules for moving calls (issue 11): the transfer progress and its outcome on a call, park slots, when a
 * ringing tile offers pickup, and the tile search the transfer dialog uses. Pure helpers, no stores.
 */
import type { CallTransfer, CallView } from '../../../shared/calls';
import type { PublicSettings } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import { foldText } from './fold-text';
import { partyText } from './tile-text';
import type { NameLookup } from './directory';
import { tileNumber } from './tile-number';

/** The tile of a transfer target given as a number or address, if it is a colleague on the panel. */
export function tileForTarget(tiles: readonly TileView[], target: string): TileView | undefined {
  const number = tileNumber(target);
  return tiles.find((tile) => tile.uri === target || tileNumber(tile.uri) === number);
}

/** "Anna Schmidt" for a colleague on the panel, else the number as given ("0301234", "sip:x@y" → "x"). */
export function targetName(tiles: readonly TileView[], target: string): string {
  return tileForTarget(tiles, target)?.name ?? tileNumber(target);
}

/** What a call may be transferred or parked from: answered (talking or held) and not over. */
export function canTransfer(call: Pick<CallView, 'state'>): boolean {
  return call.state === 'connected' || call.state === 'held';
}

/** Why a transfer failed, in words: "Anna is busy (486)", "Anna did not answer", "The PBX refused the transfer (405)". */
function failureText(transfer: CallTransfer, name: string): string {
  const status = transfer.sipStatus;
  const code = status ? ` (${status})` : '';
  if (status === 486 || status === 600) return t('transfer.failed.busy', { name }) + code;
  if (status === 603) return t('transfer.failed.declined', { name }) + code;
  if (status === 404 || status === 484 || status === 604) return t('transfer.failed.notFound', { name }) + code;
  if (status === 405 || status === 501 || status === 403) return t('transfer.failed.refused') + code;
  if (status === undefined || status === 408 || status === 480 || status === 487) return t('transfer.failed.noAnswer', { name }) + code;
  return t('transfer.failed.other', { name }) + code;
}

/**
 * The line a call shows about its transfer: "Transferring to Anna…", "Transferring to Anna… ringing",
 * "Transferred to Anna", or for a failure "Anna is busy (486) — caller is back with you". `detail` is the PBX's
 * reason for the tooltip.
 */
export function transferText(transfer: CallTransfer, tiles: readonly TileView[]): { text: string; detail?: string } {
  const name = targetName(tiles, transfer.target);
  const via = transfer.viaFeatureCode ? t('transfer.viaCode') : undefined;
  switch (transfer.state) {
    case 'trying':
      return { text: t('transfer.trying', { name }), detail: via };
    case 'ringing':
      return { text: t('transfer.ringing', { name }), detail: via };
    case 'succeeded':
      return { text: t('transfer.succeeded', { name }), detail: via };
    case 'failed': {
      const detail = [transfer.reason, via].filter(Boolean).join(' · ') || undefined;
      return { text: t('transfer.failedBack', { why: failureText(transfer, name) }), detail };
    }
  }
}

/** A park slot's state: `free` (idle lamp), `parked` (a call waits there) or `unknown` (no fresh lamp). */
export type ParkState = 'free' | 'parked' | 'unknown';

export function parkState(tile: Pick<TileView, 'state' | 'staleSince'>): ParkState {
  if (tile.staleSince !== undefined) return 'unknown';
  if (tile.state === 'idle') return 'free';
  if (tile.state === 'busy' || tile.state === 'hold' || tile.state === 'ringing') return 'parked';
  return 'unknown';
}

/** Who is parked at a slot, when the lamp says ("Bob", "0301234"). */
export function parkedParty(tile: TileView, lookup?: NameLookup): string | undefined {
  return partyText(tile.party, lookup) ?? partyText(tile.caller, lookup);
}

/** Whether one of our own outgoing calls is what rings at this tile (then there is nothing to pick up). */
export function ownCallRingsAt(tile: Pick<TileView, 'uri'>, calls: readonly CallView[]): boolean {
  const number = tileNumber(tile.uri);
  return calls.some(
    (call) =>
      call.direction === 'outgoing' &&
      (call.state === 'dialling' || call.state === 'ringing' || call.state === 'early') &&
      (call.far.uri === tile.uri || call.far.number === number),
  );
}

/** A ringing colleague's call can be picked up: a fresh ringing lamp that is not a park slot and not our own call. */
export function pickupOffered(tile: TileView, calls: readonly CallView[]): boolean {
  return tile.state === 'ringing' && !tile.park && tile.staleSince === undefined && !ownCallRingsAt(tile, calls);
}

/** Whether dropping a call on this tile should ask first: anything but a fresh idle lamp (busy, ringing, offline…). */
export function dropAsksFirst(tile: Pick<TileView, 'state' | 'staleSince' | 'park'>): boolean {
  return !tile.park && (tile.state !== 'idle' || tile.staleSince !== undefined);
}

/** The line's transfer-related codes (empty text counts as absent). */
export function lineTransferCodes(settings: PublicSettings | undefined, line: number): { voicemailPrefix?: string; parkCode?: string } {
  const config = settings?.lines[line - 1];
  return {
    voicemailPrefix: config?.voicemailTransferPrefix?.trim() || undefined,
    parkCode: config?.parkCode?.trim() || undefined,
  };
}

/**
 * Tiles matching `query` by name or number (diacritics and case ignored, as the panel search); with an empty query
 * the first tiles of the panel. Ranked: the exact extension number first (typing "101" puts 101 on top), then names
 * or numbers that start with it (a word of the name: "sch" finds "Anna Schmidt"), then the rest, each in panel order.
 */
export function searchTiles(tiles: readonly TileView[], query: string, limit = 8): TileView[] {
  const needle = foldText(query.trim());
  if (!needle) return tiles.slice(0, limit);
  const ranks: TileView[][] = [[], [], []];
  for (const tile of tiles) {
    const number = foldText(tileNumber(tile.uri));
    const name = foldText(tile.name);
    if (number === needle) ranks[0]?.push(tile);
    else if (number.startsWith(needle) || name.split(/[\s-]+/).some((word) => word.startsWith(needle))) ranks[1]?.push(tile);
    else if (name.includes(needle) || number.includes(needle)) ranks[2]?.push(tile);
    if ((ranks[0]?.length ?? 0) >= limit) break;
  }
  return ranks.flat().slice(0, limit);
}

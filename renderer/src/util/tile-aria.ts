// What a BLF tile (views/panel/BlfTile.vue) says beyond what it shows: the word a park slot shows, the screen
// reader label and the native tooltip. Pure: the tile passes in what it has already worked out (its display name,
// park state, context line), so its computed values still re-run only when their own inputs change.
import type { TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import type { NameLookup } from './directory';
import { tileNumber } from './tile-number';
import { isTimed, registrationStateWord, spokenDuration, staleText, stateWord, tileLabel } from './tile-text';
import type { ParkState } from './transfer-text';

/** The word a park slot shows: "free", "parked", else the lamp's own word (offline, unknown…). */
export function parkWord(tile: Pick<TileView, 'state' | 'unknownReason'>, park: ParkState | undefined): string {
  if (park === 'free') return t('park.free');
  if (park === 'parked') return t('park.parkedShort');
  return stateWord(tile);
}

export interface TileAriaParts {
  name: string;
  park?: ParkState;
  parkWord: string;
  parkedWho?: string;
  missed?: boolean;
  pickup?: boolean;
  lookup?: NameLookup;
}

/** What a screen reader says: the park slot's word, or the tile label; plus the missed-call mark and Pick up. */
export function tileAriaLabel(tile: TileView, now: number, parts: TileAriaParts): string {
  const out: string[] = [];
  const park = parts.park;
  if (park && park !== 'unknown') {
    const who = parts.parkedWho;
    out.push(parts.name, tileNumber(tile.uri), who ? t('park.parked', { who }) : park === 'parked' ? t('park.parkedAnon') : parts.parkWord);
    if (park === 'parked' && isTimed(tile) && now > 0) out.push(spokenDuration(tile.since, now));
  } else out.push(tileLabel(tile, now, parts.lookup));
  if (parts.missed) out.push(t('tile.missed'));
  if (parts.pickup) out.push(t('tile.aria.pickup'));
  return out.join(', ');
}

/** Full text for the native tooltip: everything the tile may have truncated, and since when it may be stale. */
export function tileTitle(tile: TileView, name: string, context: string | undefined, missed?: boolean): string {
  const stale = staleText(tile);
  const state = stale ? `${stale} (${t('tile.aria.lastKnown', { state: stateWord(tile) })})` : registrationStateWord(tile);
  const head = `${name} · ${tileNumber(tile.uri)} · ${state}`;
  const lines = [head, context, missed ? t('tile.missed') : undefined];
  return lines.filter(Boolean).join('\n');
}

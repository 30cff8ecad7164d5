/**
 * Words for tiles: the state word shown on the tile, the context line (caller, party, note, why unknown), the
 * since-duration, the stale mark, and the accessible label read out for the whole tile.
 */
import type { Party, TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import { tileNumber } from './tile-number';
import { formatHourMinute } from './format';
import { partyName, tileDisplayName, type NameLookup } from './directory';

/** States whose tile shows how long they have lasted. */
const TIMED = new Set<TileView['state']>(['ringing', 'busy', 'hold']);

/**
 * "Bob Miller · 102", "Bob Miller", "102" — whatever of the party is known, the name first (the receptionist reads
 * names; a narrow tile truncates the end). Without a name from the PBX, `lookup` (the directory, issue 12) names
 * the number: a ringing tile whose caller is another tile's extension shows that tile's name.
 */
export function partyText(party: Party | undefined, lookup?: NameLookup): string | undefined {
  if (!party) return undefined;
  const number = party.number ?? (party.uri ? tileNumber(party.uri) : undefined);
  const text = [partyName(party, lookup), number].filter(Boolean).join(' · ');
  return text || undefined;
}

/** The state word on the tile; an unknown tile says why ("not subscribed", "rejected", "error"). */
export function stateWord(tile: Pick<TileView, 'state' | 'unknownReason'>): string {
  if (tile.state === 'unknown') return t(`tile.reason.${tile.unknownReason ?? 'not-subscribed'}`);
  return t(`tile.state.${tile.state}`);
}

/**
 * The state word with what is known of the phone's registration (issue 12): an idle tile says "idle (registration
 * unknown)" when neither the `reg` event (RFC 3680) nor presence `<basic>` (RFC 3863 §4.1.4) tells whether the phone
 * is registered (the dialog package cannot: an unregistered phone has no dialogs either); an offline tile says
 * "offline (not registered)" when the `reg` event is why.
 */
export function registrationStateWord(tile: Pick<TileView, 'state' | 'unknownReason' | 'registered' | 'presence'>): string {
  const word = stateWord(tile);
  if (tile.state === 'idle' && tile.registered === undefined && tile.presence?.basic === undefined)
    return t('tile.reg.unknown', { state: word });
  if (tile.state === 'offline' && tile.registered === false) return t('tile.reg.notRegistered', { state: word });
  return word;
}

/** Whole minutes/seconds since `since`, compact for a tile: "0:42", "12:05", "1:02:10". */
export function sinceText(since: number, now: number): string {
  const total = Math.max(0, Math.floor((now - since) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A duration as a screen reader hears it, by whole minutes ("under a minute", "3 min", "1 h 5 min"): a label that
 * counted seconds would change every second, and the tile with it (issue 13: the 1 s clock re-rendered every timed
 * tile in one frame). The seconds are on screen (views/panel/TileSince.vue).
 */
export function spokenDuration(since: number, now: number): string {
  const minutes = wholeMinutes(since, now);
  if (minutes < 1) return t('a11y.underMinute');
  const h = Math.floor(minutes / 60);
  return h > 0 ? t('a11y.hoursMinutes', { h, m: minutes % 60 }) : t('a11y.minutes', { m: minutes });
}

/**
 * The clock a tile's label reads: `now` rounded down to a whole minute of the tile's duration (0 when the tile shows
 * none), so a computed label built from it keeps its value — and its tile is not re-rendered — between minutes.
 */
export function labelClock(tile: Pick<TileView, 'state' | 'since' | 'staleSince'>, now: number): number {
  return isTimed(tile) ? tile.since + wholeMinutes(tile.since, now) * 60_000 : 0;
}

/** Whole minutes from `since` to `now`, never negative. */
function wholeMinutes(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 60_000));
}

/**
 * Whether the tile shows a running duration (and so needs the clock). A stale tile does not: a call timer still
 * counting would claim the call is still going, and without the clock a stale tile never re-renders on its own.
 */
export function isTimed(tile: Pick<TileView, 'state' | 'since' | 'staleSince'>): boolean {
  return TIMED.has(tile.state) && tile.since > 0 && tile.staleSince === undefined;
}

/** "stale since 14:02" while the tile's state may be out of date (its line is down or its lamps are renewing). */
export function staleText(tile: Pick<TileView, 'staleSince'>): string | undefined {
  return tile.staleSince === undefined ? undefined : t('tile.staleSince', { time: formatHourMinute(tile.staleSince) });
}

/** The third line of the tile: who calls (ringing), who is on the call (busy/hold), else note or reason detail. */
export function contextText(tile: TileView, lookup?: NameLookup): { kind: 'caller' | 'party' | 'note' | 'detail'; text: string } | undefined {
  if (tile.state === 'ringing') {
    const caller = partyText(tile.caller, lookup);
    if (caller) return { kind: 'caller', text: caller };
  }
  if (tile.state === 'busy' || tile.state === 'hold') {
    const party = partyText(tile.party, lookup);
    if (party) return { kind: 'party', text: party };
  }
  const note = tile.presence?.note?.trim();
  if (note) return { kind: 'note', text: note };
  if (tile.state === 'unknown' && tile.detail) return { kind: 'detail', text: tile.detail };
  return undefined;
}

/**
 * What a screen reader says for a tile, e.g. "Anna Schmidt, 101, ringing, caller Bob · 102" or
 * "Tom Weber, 104, busy for 3 min, with 0301234567, note: Back at 2", and for a stale one
 * "Marie Weber, 105, stale since 14:02, last known: idle". The full presence note is also the tile's accessible
 * description, so the label may stay short.
 */
export function tileLabel(tile: TileView, now: number, lookup?: NameLookup): string {
  const name = tileDisplayName(tile, lookup);
  const number = tileNumber(tile.uri);
  const parts = name === number ? [number] : [name, number];
  const word = registrationStateWord(tile);
  const stale = staleText(tile);
  // A stale tile's registration is as much in doubt as its state: the last known state word is enough.
  if (stale) parts.push(stale, t('tile.aria.lastKnown', { state: stateWord(tile) }));
  else parts.push(isTimed(tile) && now > 0 ? t('tile.aria.stateFor', { state: word, duration: spokenDuration(tile.since, now) }) : word);
  const caller = tile.state === 'ringing' ? partyText(tile.caller, lookup) : undefined;
  if (caller) parts.push(t('tile.aria.caller', { caller }));
  const party = tile.state === 'busy' || tile.state === 'hold' ? partyText(tile.party, lookup) : undefined;
  if (party) parts.push(t('tile.aria.party', { party }));
  if (tile.state === 'dnd' || tile.state === 'offline' || tile.state === 'idle') {
    const note = tile.presence?.note?.trim();
    if (note) parts.push(t('tile.aria.note', { note }));
  }
  if (tile.messagesWaiting) parts.push(t('tile.mwi'));
  return parts.join(', ');
}

/**
 * Screen-reader announcements (issue 12 §8): one polite and one assertive live region for the whole app
 * (components/LiveAnnouncer.vue renders them), and the two events worth interrupting for — a new incoming call
 * (assertive) and a watched extension that starts ringing (polite, at most one announcement per 2 s, several
 * ringing tiles summed up as "3 extensions are ringing"). Other lamp changes stay silent: a busy panel changes
 * colour many times a minute, and reading each out would drown everything else.
 */
import { onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { Party, TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import { useCallsStore } from '../stores/calls';
import { useDirectoryStore } from '../stores/directory';
import { useSettingsStore } from '../stores/settings';
import { useTilesStore } from '../stores/tiles';
import { lineName } from '../util/call-text';
import { partyName, tileDisplayName, type NameLookup } from '../util/directory';
import { tileNumber } from '../util/tile-number';
import { useCallerName } from './use-caller-name';

export type Politeness = 'polite' | 'assertive';

/** A message in a live region; `id` changes with every announcement so the same text is read again. */
export interface Announcement {
  text: string;
  id: number;
}

/** The least time between two tile announcements (ms). */
export const TILE_ANNOUNCE_GAP_MS = 2000;

let nextId = 0;
const regions: Record<Politeness, ShallowRef<Announcement>> = {
  polite: shallowRef({ text: '', id: 0 }),
  assertive: shallowRef({ text: '', id: 0 }),
};

/** Puts `text` into the polite (default) or assertive live region. */
export function announce(text: string, politeness: Politeness = 'polite'): void {
  regions[politeness].value = { text, id: ++nextId };
}

/** The two live regions' current messages, for the component that renders them. */
export function useAnnouncer(): Record<Politeness, Readonly<ShallowRef<Announcement>>> {
  return regions;
}

/** "Anna Alt (101)", or "101" when no name is known. */
function nameAndNumber(name: string | undefined, number: string): string {
  return name && name !== number ? `${name} (${number})` : number;
}

function callerText(caller: Party | undefined, lookup: NameLookup): string | undefined {
  const number = caller?.number ?? (caller?.uri ? tileNumber(caller.uri) : undefined);
  if (!number) return undefined;
  return nameAndNumber(partyName(caller, lookup), number);
}

/** "Extension Bob (102) is ringing — caller Anna Alt (101)". */
export function tileRingingText(tile: TileView, lookup: NameLookup): string {
  const who = nameAndNumber(tileDisplayName(tile, lookup), tileNumber(tile.uri));
  const caller = callerText(tile.caller, lookup);
  return caller ? t('a11y.tileRingingCaller', { who, caller }) : t('a11y.tileRinging', { who });
}

/** Announces a new incoming call (assertive) and watched extensions that start ringing (polite, rate-limited). */
export function useCallAnnouncements(gapMs: number = TILE_ANNOUNCE_GAP_MS): void {
  const calls = useCallsStore();
  const tiles = useTilesStore();
  const directory = useDirectoryStore();
  const settings = useSettingsStore();
  const callerName = useCallerName();

  function incomingText(call: CallView): string {
    const who = nameAndNumber(callerName(call.far), call.far.number);
    return t('incoming.announce', { who, line: lineName(settings.saved, call.line) });
  }

  watch(
    () => calls.calls,
    (list, previous) => {
      const known = new Set((previous ?? []).map((call) => call.id));
      for (const call of list)
        if (call.direction === 'incoming' && call.state === 'ringing' && !known.has(call.id))
          announce(incomingText(call), 'assertive');
    },
    // Every list, even two within one tick: a call that rang and ended at once was still offered.
    { flush: 'sync' },
  );

  /** Tiles that turned ringing since the last announcement → their sentence. */
  const pending = new Map<string, string>();
  let lastAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    timer = undefined;
    if (!pending.size) return;
    const [first = '', ...more] = pending.values();
    pending.clear();
    lastAt = Date.now();
    announce(more.length ? t('a11y.tilesRinging', { count: more.length + 1 }) : first);
  }

  function schedule(): void {
    if (timer !== undefined || !pending.size) return;
    // A zero wait still defers to a task, so tiles that turn ringing in one patch are announced together.
    timer = setTimeout(flush, Math.max(0, lastAt + gapMs - Date.now()));
  }

  /** Last seen state by tile id; tiles first seen ringing (a fresh snapshot) are not news. */
  let states: Map<string, TileView['state']> | undefined;
  watch(
    () => tiles.tiles,
    (list) => {
      const before = states;
      states = new Map(list.map((tile) => [tile.id, tile.state]));
      if (!before) return;
      for (const tile of list) {
        const was = before.get(tile.id);
        if (tile.state !== 'ringing' || tile.staleSince !== undefined) pending.delete(tile.id);
        else if (was !== undefined && was !== 'ringing')
          pending.set(tile.id, tileRingingText(tile, directory.lookup));
      }
      for (const id of pending.keys()) if (!states.has(id)) pending.delete(id);
      schedule();
    },
    { immediate: true },
  );

  onScopeDispose(() => clearTimeout(timer));
}

/**
 * Busy lamp field tiles, fed by `snapshot` and batched `tiles.patch` events (issue 3 §6, §8).
 *
 * A 1,000-tile panel receives up to ~20 patches a second, so the tiles are kept out of Vue's deep reactivity: a
 * plain Map by id plus an ordered id list, and one `shallowRef` array that is replaced (and so triggers) once per
 * patch. Tile objects are frozen with `markRaw`; a changed tile arrives as a new object, so only its own tile
 * component re-renders. Filtering uses a search key computed once per upsert, never per keystroke per tile.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { NotifyQueueStats, TileAction, TileState, TilesPatch, TileView } from '../../../shared/tiles';
import { foldText } from '../util/fold-text';
import { tileNumber } from '../util/tile-number';
import { useConsoleApiStore } from './console-api';
import { useSettingsStore } from './settings';

/** Tiles of one group (department or resource list), in panel order. */
export interface TileSection {
  /** Group name; `''` for tiles without a group. */
  name: string;
  tiles: readonly TileView[];
}

/** A tile activation the UI reports back (the panel then dials the action's URI through the calls store). */
export interface TileActivation {
  tileId: string;
  name: string;
  number: string;
  action: TileAction;
  at: number;
}

function searchKey(tile: TileView): string {
  return foldText(`${tile.name}\u0000${tileNumber(tile.uri)}\u0000${tile.uri}`);
}

export const useTilesStore = defineStore('tiles', () => {
  const byId = new Map<string, TileView>();
  const keys = new Map<string, string>();
  let order: string[] = [];
  /** Every tile in panel order; replaced once per snapshot or patch. */
  const tiles = shallowRef<readonly TileView[]>([]);
  const stats = shallowRef<NotifyQueueStats | undefined>();
  const query = ref('');
  /** Selected group, or `undefined` for all groups. */
  const group = ref<string | undefined>();
  const lastActivation = shallowRef<TileActivation | undefined>();
  const statsError = ref<string | undefined>();

  const settings = useSettingsStore();

  /** The section a tile is shown under: its group, or its resource list's name. */
  function groupOf(tile: TileView): string {
    if (tile.group) return tile.group;
    if (tile.listId) return settings.saved?.tileLists.find((list) => list.id === tile.listId)?.name ?? tile.listId;
    return '';
  }

  /**
   * Panel order: configured tiles in settings order, then list members by list in settings order. A reorder in the
   * tile editor changes no TileView, so the order must follow the saved settings rather than patch arrival; ties
   * (members of one list, tiles unknown to the settings) keep their arrival order because the sort is stable.
   */
  function sortOrder(): void {
    const saved = settings.saved;
    if (!saved) return;
    const tileRank = new Map(saved.tiles.map((tile, index) => [tile.id, index]));
    const listRank = new Map(saved.tileLists.map((list, index) => [list.id, index]));
    const configured = saved.tiles.length;
    const lists = saved.tileLists.length;
    const rank = (id: string): number => {
      const tile = byId.get(id);
      if (!tile?.listId) return tileRank.get(id) ?? configured;
      return configured + 1 + (listRank.get(tile.listId) ?? lists);
    };
    const ranks = new Map(order.map((id) => [id, rank(id)]));
    order.sort((a, b) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0));
  }

  function publish(): void {
    tiles.value = order.map((id) => byId.get(id) as TileView);
  }

  function put(tile: TileView): void {
    byId.set(tile.id, markRaw(tile));
    keys.set(tile.id, searchKey(tile));
  }

  /** Replaces every tile (snapshot after a (re)connect), keeping the snapshot's order. */
  function applySnapshot(views: readonly TileView[], queue?: NotifyQueueStats): void {
    byId.clear();
    keys.clear();
    order = [];
    for (const tile of views) {
      if (!byId.has(tile.id)) order.push(tile.id);
      put(tile);
    }
    if (queue) stats.value = queue;
    publish();
  }

  /** Applies one batch: removes first, then upserts (a tile removed and re-added in one batch ends up present). */
  function applyPatch(patch: TilesPatch): void {
    let added = false;
    if (patch.remove.length) {
      const gone = new Set(patch.remove);
      for (const id of gone) {
        byId.delete(id);
        keys.delete(id);
      }
      order = order.filter((id) => !gone.has(id));
    }
    for (const tile of patch.upsert) {
      if (!byId.has(tile.id)) {
        order.push(tile.id);
        added = true;
      }
      put(tile);
    }
    if (added) sortOrder();
    if (added || patch.remove.length || patch.upsert.length) publish();
  }

  function applyStats(next: NotifyQueueStats): void {
    stats.value = next;
  }

  /** Asks main for fresh queue figures (the diagnostics view does on open). */
  async function refreshStats(): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    const result = await api.invoke('blf.stats', undefined);
    if (result.ok) {
      stats.value = result.value;
      statsError.value = undefined;
    } else statsError.value = result.error.message;
  }

  const groups = computed(() => {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const tile of tiles.value) {
      const name = groupOf(tile);
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
    return names;
  });

  const filtered = computed<readonly TileView[]>(() => {
    const needle = foldText(query.value.trim());
    const wanted = group.value;
    if (!needle && wanted === undefined) return tiles.value;
    return tiles.value.filter(
      (tile) => (wanted === undefined || groupOf(tile) === wanted) && (!needle || (keys.get(tile.id) ?? '').includes(needle)),
    );
  });

  /** The filtered tiles split by group, groups in order of first appearance. */
  const sections = computed<TileSection[]>(() => {
    const map = new Map<string, TileView[]>();
    for (const tile of filtered.value) {
      const name = groupOf(tile);
      let list = map.get(name);
      if (!list) map.set(name, (list = []));
      list.push(tile);
    }
    return [...map].map(([name, list]) => ({ name, tiles: list }));
  });

  /**
   * How many tiles are in each state (for the summary above the grid). A stale tile's state is only the last known
   * one, so it is counted as stale rather than as, say, ringing.
   */
  const counts = computed(() => {
    const out: Record<TileState | 'stale', number> = { idle: 0, ringing: 0, busy: 0, hold: 0, offline: 0, dnd: 0, unknown: 0, stale: 0 };
    for (const tile of tiles.value) out[tile.staleSince === undefined ? tile.state : 'stale'] += 1;
    return out;
  });

  function get(id: string): TileView | undefined {
    return byId.get(id);
  }

  /**
   * Activates a tile: records its action for the UI to report. The call itself is placed by the caller
   * (`useCallsStore().dial`), so this store stays free of commands that have side effects on the PBX.
   */
  function activate(id: string): TileActivation | undefined {
    const tile = byId.get(id);
    if (!tile) return undefined;
    const activation: TileActivation = {
      tileId: id,
      name: tile.name,
      number: tileNumber(tile.action.kind === 'call' ? tile.action.uri : tile.uri),
      action: tile.action,
      at: Date.now(),
    };
    lastActivation.value = activation;
    return activation;
  }

  function clearQuery(): void {
    query.value = '';
  }

  watch(
    () => settings.saved,
    () => {
      sortOrder();
      publish();
    },
  );

  return {
    tiles,
    stats,
    statsError,
    query,
    group,
    groups,
    filtered,
    sections,
    counts,
    lastActivation,
    groupOf,
    get,
    applySnapshot,
    applyPatch,
    applyStats,
    refreshStats,
    activate,
    clearQuery,
  };
});

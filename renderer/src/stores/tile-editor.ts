/**
 * Editing the busy lamp field keys. The keys live in the settings draft ({@link useSettingsStore}), so they share
 * its dirty state, validation and Save/Revert; this store adds the selection, list operations and the XML import.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { MAX_TILES } from '../../../shared/settings';
import type { TileConfig } from '../../../shared/tiles';
import type { KeyFileFormat } from '../../../shared/key-import';
import { appendImported, emptyDraftTile, emptyDraftTileList, type DraftTile, type DraftTileList } from '../util/tile-draft';
import { planImport } from '../util/import-plan';
import { useConsoleApiStore } from './console-api';
import { useSettingsStore } from './settings';

/** Which entry the editor shows: a key or a resource-list group, by id. */
export type TileSelection = { kind: 'tile'; id: string } | { kind: 'list'; id: string };

/** Where the XML import is: nothing, reading, a preview of what was found, or why it failed. */
export type ImportState =
  | { step: 'idle' }
  | { step: 'reading' }
  | { step: 'preview'; format: KeyFileFormat; tiles: TileConfig[]; warnings: string[] }
  | { step: 'failed'; message: string };

function move<T>(items: T[], from: number, delta: -1 | 1): boolean {
  const to = from + delta;
  if (from < 0 || to < 0 || to >= items.length) return false;
  const [item] = items.splice(from, 1);
  if (item !== undefined) items.splice(to, 0, item);
  return true;
}

export const useTileEditorStore = defineStore('tileEditor', () => {
  const settings = useSettingsStore();
  const selection = ref<TileSelection | undefined>();
  const importState = shallowRef<ImportState>({ step: 'idle' });

  const tiles = computed(() => settings.draft.tiles);
  const lists = computed(() => settings.draft.tileLists);
  const selectedTileIndex = computed(() =>
    selection.value?.kind === 'tile' ? tiles.value.findIndex((tile) => tile.id === selection.value?.id) : -1,
  );
  const selectedListIndex = computed(() =>
    selection.value?.kind === 'list' ? lists.value.findIndex((list) => list.id === selection.value?.id) : -1,
  );
  const selectedTile = computed<DraftTile | undefined>(() => tiles.value[selectedTileIndex.value]);
  const selectedList = computed<DraftTileList | undefined>(() => lists.value[selectedListIndex.value]);
  const canAdd = computed(() => tiles.value.length < MAX_TILES);
  /** Groups already used, offered as suggestions in the group field. */
  const groupNames = computed(() => [...new Set(tiles.value.map((tile) => tile.group.trim()).filter(Boolean))]);

  function select(next: TileSelection | undefined): void {
    selection.value = next;
  }

  /** Adds an empty key after the selected one (or at the end), in the selected key's group. */
  function addTile(): DraftTile | undefined {
    if (!canAdd.value) return undefined;
    const at = selectedTileIndex.value;
    const tile = emptyDraftTile(selectedTile.value?.group ?? '');
    if (at >= 0) tiles.value.splice(at + 1, 0, tile);
    else tiles.value.push(tile);
    select({ kind: 'tile', id: tile.id });
    return tile;
  }

  function removeTile(id: string): void {
    const index = tiles.value.findIndex((tile) => tile.id === id);
    if (index < 0) return;
    tiles.value.splice(index, 1);
    if (selection.value?.kind === 'tile' && selection.value.id === id) {
      const next = tiles.value[Math.min(index, tiles.value.length - 1)];
      select(next ? { kind: 'tile', id: next.id } : undefined);
    }
  }

  /** Moves a key up (-1) or down (+1) in panel order. */
  function moveTile(id: string, delta: -1 | 1): boolean {
    return move(
      tiles.value,
      tiles.value.findIndex((tile) => tile.id === id),
      delta,
    );
  }

  function addList(): DraftTileList {
    const list = emptyDraftTileList();
    lists.value.push(list);
    select({ kind: 'list', id: list.id });
    return list;
  }

  function removeList(id: string): void {
    const index = lists.value.findIndex((list) => list.id === id);
    if (index < 0) return;
    lists.value.splice(index, 1);
    if (selection.value?.kind === 'list' && selection.value.id === id) select(undefined);
  }

  function moveList(id: string, delta: -1 | 1): boolean {
    return move(
      lists.value,
      lists.value.findIndex((list) => list.id === id),
      delta,
    );
  }

  /** Sends the pasted or loaded key file to main's importer (any supported format) and keeps the report to preview. */
  async function readXml(text: string): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    importState.value = { step: 'reading' };
    const result = await api.invoke('tiles.importKeys', { text });
    importState.value = result.ok ? { step: 'preview', ...result.value } : { step: 'failed', message: result.error.message };
  }

  /** The previewed keys split into new ones and ones already on the panel (by {@link TileTargetIndex}), named. */
  const importPlan = computed(() => {
    const state = importState.value;
    if (state.step !== 'preview') return { fresh: [], duplicates: [] };
    return planImport(tiles.value, state.tiles);
  });

  /** Appends the previewed keys to the draft (saved with the next Save). Returns how many were added. */
  function acceptImport(): number {
    const state = importState.value;
    if (state.step !== 'preview') return 0;
    const room = Math.max(0, MAX_TILES - tiles.value.length);
    const added = appendImported(tiles.value, importPlan.value.fresh.slice(0, room));
    tiles.value.push(...added);
    importState.value = { step: 'idle' };
    const first = added[0];
    if (first) select({ kind: 'tile', id: first.id });
    return added.length;
  }

  function cancelImport(): void {
    importState.value = { step: 'idle' };
  }

  return {
    selection,
    importState,
    importPlan,
    selectedTile,
    selectedTileIndex,
    selectedList,
    selectedListIndex,
    canAdd,
    groupNames,
    select,
    addTile,
    removeTile,
    moveTile,
    addList,
    removeList,
    moveList,
    readXml,
    acceptImport,
    cancelImport,
  };
});

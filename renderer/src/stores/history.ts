/**
 * Call history (issue 9 §5): the summary (unseen missed calls, their numbers, a revision) from `snapshot` and
 * `history.changed`, and the page the History view shows. While the view is open a moved `revision` refetches the
 * page (as deep as "Load more" had gone); opening the view marks the missed calls seen.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CommandResult } from '../../../shared/contract';
import type { HistoryEntry, HistoryFilter, HistorySummary } from '../../../shared/history';
import type { AppError } from '../../../shared/result';
import { useConsoleApiStore } from './console-api';

export const HISTORY_PAGE_SIZE = 50;

function emptySummary(): HistorySummary {
  return { unseenMissed: 0, unseenMissedNumbers: [], revision: 0 };
}

export const useHistoryStore = defineStore('history', () => {
  const summary = shallowRef<HistorySummary>(emptySummary());
  const filter = ref<HistoryFilter>('all');
  const entries = shallowRef<readonly HistoryEntry[]>([]);
  const nextCursor = ref<number | undefined>();
  const total = ref(0);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<AppError | undefined>();
  /** Whether the History view is on screen (it refetches on revision moves only then). */
  const open = ref(false);
  /** Names seen in the loaded history, by number: the banner names a caller the PBX sent no name for. */
  const names = new Map<string, string>();
  /** Moves when `names` learns a name, so the directory (issue 12) rebuilds; the map itself stays unreactive. */
  const namesVersion = ref(0);
  let request = 0;

  const unseenNumbers = computed(() => new Set(summary.value.unseenMissedNumbers));

  function remember(list: readonly HistoryEntry[]): void {
    let learned = false;
    for (const entry of list)
      if (entry.far.name && !names.has(entry.far.number)) {
        names.set(entry.far.number, entry.far.name);
        learned = true;
      }
    if (learned) namesVersion.value++;
  }

  /** Every name seen in the loaded history, by number (the directory's last source). */
  function knownNames(): ReadonlyMap<string, string> {
    return names;
  }

  function nameFor(number: string): string | undefined {
    return names.get(number);
  }

  /**
   * Fetches the first page for the filter; with `keep` as many entries as are shown now (a refetch after a change
   * keeps the user's "Load more" depth).
   */
  async function load(keep = false): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    const mine = ++request;
    const limit = keep ? Math.min(500, Math.max(HISTORY_PAGE_SIZE, entries.value.length)) : HISTORY_PAGE_SIZE;
    loading.value = true;
    const result = await api.invoke('history.list', { filter: filter.value, limit });
    if (mine !== request) return;
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = undefined;
    loaded.value = true;
    entries.value = result.value.entries;
    nextCursor.value = result.value.nextCursor;
    total.value = result.value.total;
    remember(result.value.entries);
  }

  /** Appends the next (older) page. */
  async function loadMore(): Promise<void> {
    const api = useConsoleApiStore().api;
    const before = nextCursor.value;
    if (!api || before === undefined || loading.value) return;
    const mine = ++request;
    loading.value = true;
    const result = await api.invoke('history.list', { filter: filter.value, before, limit: HISTORY_PAGE_SIZE });
    if (mine !== request) return;
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = undefined;
    entries.value = [...entries.value, ...result.value.entries];
    nextCursor.value = result.value.nextCursor;
    total.value = result.value.total;
    remember(result.value.entries);
  }

  function setFilter(next: HistoryFilter): Promise<void> {
    filter.value = next;
    return load();
  }

  /** Takes a summary (snapshot or `history.changed`); refetches the open view's page when the revision moved. */
  function applySummary(next: HistorySummary | undefined): void {
    if (!next) return;
    const moved = next.revision !== summary.value.revision;
    summary.value = next;
    if (moved && open.value) void load(true);
  }

  async function markSeen(): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    const result = await api.invoke('history.markSeen', undefined);
    if (result.ok) applySummary(result.value);
  }

  /** Forgets the whole history (the view asks for confirmation first). */
  async function clear(): Promise<CommandResult<'history.clear'> | undefined> {
    const api = useConsoleApiStore().api;
    if (!api) return undefined;
    const result = await api.invoke('history.clear', undefined);
    if (result.ok) {
      entries.value = [];
      nextCursor.value = undefined;
      total.value = 0;
      applySummary(result.value);
    } else error.value = result.error;
    return result;
  }

  /** The History view was shown (`true`) or left: shown loads the page and marks the missed calls seen. */
  async function setOpen(value: boolean): Promise<void> {
    open.value = value;
    if (!value) return;
    const first = load();
    if (summary.value.unseenMissed > 0) await markSeen();
    await first;
  }

  return { summary, filter, entries, nextCursor, total, loading, loaded, error, open, unseenNumbers, namesVersion, nameFor, knownNames, load, loadMore, setFilter, applySummary, markSeen, clear, setOpen };
});

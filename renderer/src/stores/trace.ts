/**
 * The SIP trace for the diagnostics view: the newest page loaded with `trace.list`, extended by `trace.appended`,
 * filtered here so typing in the filter box is instant. The newest {@link RENDER_CAP} matches are rendered;
 * "Load older" shows more, first from memory, then page by page from the engine (`before` = oldest seq held).
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { AppError } from '../../../shared/result';
import type { TraceEntry } from '../../../shared/trace';
import { useConsoleApiStore } from './console-api';

/** Rows rendered at most; more makes the table sluggish without helping anyone read it. */
export const RENDER_CAP = 2000;
/** Entries kept in memory; the engine's own ring buffer is the real bound, this only guards the window. */
export const KEEP_CAP = 20_000;
/** How many more rows "Load older" renders when they are already in memory. */
export const OLDER_STEP = 1000;

export interface TraceViewFilter {
  text: string;
  method: string;
  direction: '' | 'in' | 'out';
}

export const useTraceStore = defineStore('trace', () => {
  const entries = shallowRef<TraceEntry[]>([]);
  const filter = reactive<TraceViewFilter>({ text: '', method: '', direction: '' });
  const selectedSeq = ref<number | undefined>();
  const loadError = ref<AppError | undefined>();
  /** Whether the engine may hold entries older than the oldest one here. */
  const olderInEngine = ref(false);
  const loadingOlder = ref(false);
  /** How many of the newest matches are rendered; "Load older" raises it. */
  const renderLimit = ref(RENDER_CAP);

  const filtered = computed(() => {
    const text = filter.text.trim().toLowerCase();
    const method = filter.method.toUpperCase();
    return entries.value.filter(
      (entry) =>
        (!filter.direction || entry.direction === filter.direction) &&
        (!method || entry.method.toUpperCase() === method) &&
        (!text || entry.text.toLowerCase().includes(text)),
    );
  });
  const visible = computed(() =>
    filtered.value.length > renderLimit.value ? filtered.value.slice(-renderLimit.value) : filtered.value,
  );
  const canLoadOlder = computed(
    () => filtered.value.length > visible.value.length || (olderInEngine.value && entries.value.length < KEEP_CAP),
  );
  const methods = computed(() => [...new Set(entries.value.map((entry) => entry.method))].sort());
  const selected = computed(() => entries.value.find((entry) => entry.seq === selectedSeq.value));

  function cap(list: TraceEntry[]): TraceEntry[] {
    if (list.length <= KEEP_CAP) return list;
    olderInEngine.value = true;
    return list.slice(-KEEP_CAP);
  }

  function append(batch: TraceEntry[]): void {
    const last = entries.value.at(-1)?.seq ?? -Infinity;
    const fresh = batch.filter((entry) => entry.seq > last);
    if (fresh.length) entries.value = cap([...entries.value, ...fresh]);
  }

  /** Replaces the list with the engine's buffer, keeping events that arrived while the request was in flight. */
  async function load(): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    const result = await api.invoke('trace.list', {});
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    const list = result.value.entries;
    const last = list.at(-1)?.seq ?? -Infinity;
    olderInEngine.value = result.value.nextCursor !== undefined;
    renderLimit.value = RENDER_CAP;
    entries.value = cap([...list, ...entries.value.filter((entry) => entry.seq > last)]);
  }

  /** Renders older matches already in memory, or fetches the engine's next older page. */
  async function loadOlder(): Promise<void> {
    if (filtered.value.length > visible.value.length) {
      renderLimit.value += OLDER_STEP;
      return;
    }
    const api = useConsoleApiStore().api;
    const before = entries.value[0]?.seq;
    if (!api || before === undefined || !olderInEngine.value || loadingOlder.value) return;
    loadingOlder.value = true;
    try {
      const result = await api.invoke('trace.list', { before });
      if (!result.ok) {
        loadError.value = result.error;
        return;
      }
      loadError.value = undefined;
      // A clear or a reload meanwhile makes this page stale: only entries older than what is held now fit.
      const first = entries.value[0]?.seq ?? -Infinity;
      const older = result.value.entries.filter((entry) => entry.seq < first);
      olderInEngine.value = result.value.nextCursor !== undefined;
      entries.value = [...older, ...entries.value];
      renderLimit.value += older.length;
    } finally {
      loadingOlder.value = false;
    }
  }

  async function clear(): Promise<void> {
    const api = useConsoleApiStore().api;
    if (!api) return;
    const result = await api.invoke('trace.clear', undefined);
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    entries.value = [];
    selectedSeq.value = undefined;
    olderInEngine.value = false;
    renderLimit.value = RENDER_CAP;
  }

  return {
    entries,
    filter,
    selectedSeq,
    selected,
    loadError,
    filtered,
    visible,
    methods,
    canLoadOlder,
    loadingOlder,
    append,
    load,
    loadOlder,
    clear,
  };
});

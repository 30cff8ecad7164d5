/**
 * The SIP trace for the diagnostics view: loaded with `trace.list`, extended by `trace.appended`, filtered here so
 * typing in the filter box is instant. Only the newest {@link RENDER_CAP} matches are rendered.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { AppError } from '../../../shared/result';
import type { TraceEntry } from '../../../shared/trace';
import { useConnectionStore } from './connection';

/** Rows rendered at most; more makes the table sluggish without helping anyone read it. */
export const RENDER_CAP = 2000;
/** Entries kept in memory; the engine's own ring buffer is the real bound, this only guards the window. */
export const KEEP_CAP = 20_000;

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
    filtered.value.length > RENDER_CAP ? filtered.value.slice(-RENDER_CAP) : filtered.value,
  );
  const methods = computed(() => [...new Set(entries.value.map((entry) => entry.method))].sort());
  const selected = computed(() => entries.value.find((entry) => entry.seq === selectedSeq.value));

  function cap(list: TraceEntry[]): TraceEntry[] {
    return list.length > KEEP_CAP ? list.slice(-KEEP_CAP) : list;
  }

  function append(batch: TraceEntry[]): void {
    const last = entries.value.at(-1)?.seq ?? -Infinity;
    const fresh = batch.filter((entry) => entry.seq > last);
    if (fresh.length) entries.value = cap([...entries.value, ...fresh]);
  }

  /** Replaces the list with the engine's buffer, keeping events that arrived while the request was in flight. */
  async function load(): Promise<void> {
    const api = useConnectionStore().api;
    if (!api) return;
    const result = await api.invoke('trace.list', {});
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    const list = result.value;
    const last = list.at(-1)?.seq ?? -Infinity;
    entries.value = cap([...list, ...entries.value.filter((entry) => entry.seq > last)]);
  }

  async function clear(): Promise<void> {
    const api = useConnectionStore().api;
    if (!api) return;
    const result = await api.invoke('trace.clear', undefined);
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    entries.value = [];
    selectedSeq.value = undefined;
  }

  return { entries, filter, selectedSeq, selected, loadError, filtered, visible, methods, append, load, clear };
});

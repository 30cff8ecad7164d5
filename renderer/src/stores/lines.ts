/** Line registration states, fed by `snapshot` and `lines.changed`; the one action is `lines.reregister`. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LineState } from '../../../shared/lines';
import { useConsoleApiStore } from './console-api';

export const useLinesStore = defineStore('lines', () => {
  const lines = ref<LineState[]>([]);
  /** Line numbers with a `lines.reregister` in flight, so their button shows progress and cannot be hammered. */
  const busy = ref<Set<number>>(new Set());
  /** Last `lines.reregister` failure per line number. */
  const actionErrors = ref<Map<number, string>>(new Map());

  const enabled = computed(() => lines.value.filter((line) => line.enabled));
  const registeredCount = computed(() => enabled.value.filter((line) => line.status === 'registered').length);
  /** Enabled lines whose registration failed: these drive the "PBX unreachable" banner. */
  const failed = computed(() => enabled.value.filter((line) => line.status === 'failed'));

  function apply(next: LineState[]): void {
    lines.value = [...next].sort((a, b) => a.number - b.number);
  }

  function replaceOne(state: LineState): void {
    lines.value = lines.value.map((line) => (line.number === state.number ? state : line));
  }

  async function reregister(line: number): Promise<boolean> {
    const api = useConsoleApiStore().api;
    if (!api || busy.value.has(line)) return false;
    busy.value = new Set(busy.value).add(line);
    const errors = new Map(actionErrors.value);
    errors.delete(line);
    actionErrors.value = errors;
    try {
      const result = await api.invoke('lines.reregister', { line });
      if (result.ok) {
        replaceOne(result.value);
        return true;
      }
      actionErrors.value = new Map(actionErrors.value).set(line, result.error.message);
      return false;
    } finally {
      const next = new Set(busy.value);
      next.delete(line);
      busy.value = next;
    }
  }

  /** Re-registers every failed line at once (the banner's "Retry now"). */
  async function reregisterFailed(): Promise<void> {
    await Promise.all(failed.value.map((line) => reregister(line.number)));
  }

  return { lines, busy, actionErrors, enabled, registeredCount, failed, apply, reregister, reregisterFailed };
});

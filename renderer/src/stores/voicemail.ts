/** The lines' own mailboxes (issue 12 §6): the waiting total and "Call voicemail", over `LineState.voicemail`. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useConsoleApiStore } from './console-api';
import { useLinesStore } from './lines';
import { waitingTotal } from '../util/voicemail-text';

export const useVoicemailStore = defineStore('voicemail', () => {
  const lines = useLinesStore();
  /** Last "Call voicemail" failure per line number. */
  const errors = ref<Map<number, string>>(new Map());
  const total = computed(() => waitingTotal(lines.lines));

  /** Dials line `number`'s mailbox (its `voicemail.dial`) on that line; false when there is nothing to dial. */
  async function call(number: number): Promise<boolean> {
    const target = lines.lines.find((line) => line.number === number)?.voicemail?.dial;
    const api = useConsoleApiStore().api;
    if (!target || !api) return false;
    const result = await api.invoke('calls.dial', { line: number, target });
    const next = new Map(errors.value);
    if (result.ok) next.delete(number);
    else next.set(number, result.error.message);
    errors.value = next;
    return result.ok;
  }

  return { total, errors, call };
});

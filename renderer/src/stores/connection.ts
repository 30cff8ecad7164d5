/**
 * Whether the console engine is reachable, and what the last snapshot said about the app. Written by
 * `api/wire-events.ts`, which owns the subscriptions; this store imports no other store, so nothing circles back.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Snapshot } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting');
  /** Epoch ms of the next reconnect attempt, while reconnecting. */
  const nextAttemptAt = ref<number | undefined>();
  const app = ref<Snapshot['app'] | undefined>();
  const snapshotError = ref<AppError | undefined>();
  /** Whether a snapshot has ever arrived; until then "no lines" would be a guess, not a fact. */
  const loaded = ref(false);

  const connected = computed(() => state.value === 'connected');

  return { state, connected, loaded, nextAttemptAt, app, snapshotError };
});

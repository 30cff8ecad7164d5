/**
 * The {@link ConsoleApi} that stores send their commands through. It is injected once (by `api/wire-events.ts`, or
 * by a test), so a store that sends a command depends on this holder alone and never on the stores that feed it.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { ConsoleApi } from '../../../shared/contract';

export const useConsoleApiStore = defineStore('consoleApi', () => {
  /** Undefined until the app (or a test) injects the transport; commands are then simply not sent. */
  const api = shallowRef<ConsoleApi | undefined>();
  return { api };
});

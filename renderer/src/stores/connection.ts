/**
 * The console engine connection: which {@link ConsoleApi} the app talks to, whether it is reachable, and the wiring
 * that feeds the other stores from `snapshot` and events. After every (re)connect the snapshot is fetched again,
 * because events sent while the socket was down are lost.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ConsoleApi, Snapshot } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import type { WsConsoleApi, WsConnectionState } from '../api/ws-client';
import { useLinesStore } from './lines';
import { usePresenceStore } from './presence';
import { useSettingsStore } from './settings';
import { useTilesStore } from './tiles';
import { useTraceStore } from './trace';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

function isWsApi(api: ConsoleApi): api is WsConsoleApi {
  return typeof (api as Partial<WsConsoleApi>).onStateChange === 'function';
}

function toConnectionState(state: WsConnectionState): ConnectionState {
  if (state === 'open') return 'connected';
  return state === 'connecting' ? 'connecting' : 'reconnecting';
}

export const useConnectionStore = defineStore('connection', () => {
  const api = shallowRef<ConsoleApi | undefined>();
  const state = ref<ConnectionState>('connecting');
  /** Epoch ms of the next reconnect attempt, while reconnecting. */
  const nextAttemptAt = ref<number | undefined>();
  const app = ref<Snapshot['app'] | undefined>();
  const snapshotError = ref<AppError | undefined>();
  /** Whether a snapshot has ever arrived; until then "no lines" would be a guess, not a fact. */
  const loaded = ref(false);
  const unsubscribers: (() => void)[] = [];

  const connected = computed(() => state.value === 'connected');

  /** Applies a full snapshot to every store (the single source of truth after a (re)connect). */
  function applySnapshot(snapshot: Snapshot): void {
    app.value = snapshot.app;
    loaded.value = true;
    useLinesStore().apply(snapshot.lines);
    useSettingsStore().applySaved(snapshot.settings, snapshot.settingsProblem);
    useTilesStore().applySnapshot(snapshot.tiles, snapshot.blf);
    if (snapshot.presence) usePresenceStore().apply(snapshot.presence);
  }

  /** Fetches snapshot and trace; called on start and after each reconnect. */
  async function refresh(): Promise<void> {
    const current = api.value;
    if (!current) return;
    const result = await current.invoke('snapshot', undefined);
    if (!result.ok) {
      snapshotError.value = result.error;
      return;
    }
    snapshotError.value = undefined;
    applySnapshot(result.value);
    await useTraceStore().load();
  }

  /** Connects the stores to `consoleApi`: subscribes to events once, then refreshes on every (re)connect. */
  function start(consoleApi: ConsoleApi): Promise<void> {
    stop();
    api.value = consoleApi;
    const lines = useLinesStore();
    const settings = useSettingsStore();
    const trace = useTraceStore();
    const tiles = useTilesStore();
    const presence = usePresenceStore();
    unsubscribers.push(
      consoleApi.on('lines.changed', (payload) => lines.apply(payload)),
      consoleApi.on('settings.changed', (payload) => settings.applySaved(payload)),
      consoleApi.on('trace.appended', (payload) => trace.append(payload)),
      consoleApi.on('tiles.patch', (payload) => tiles.applyPatch(payload)),
      consoleApi.on('blf.stats', (payload) => tiles.applyStats(payload)),
      consoleApi.on('presence.changed', (payload) => presence.apply(payload)),
    );
    if (!isWsApi(consoleApi)) {
      state.value = 'connected';
      return refresh();
    }
    state.value = toConnectionState(consoleApi.state);
    unsubscribers.push(
      consoleApi.onStateChange((next) => {
        state.value = toConnectionState(next);
        nextAttemptAt.value = consoleApi.nextAttemptAt;
        if (next === 'open') void refresh();
      }),
    );
    return state.value === 'connected' ? refresh() : Promise.resolve();
  }

  /** Drops the event subscriptions (used by tests and before a restart). */
  function stop(): void {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  }

  return { api, state, connected, loaded, nextAttemptAt, app, snapshotError, start, stop, refresh, applySnapshot };
});

/**
 * The one place that feeds the stores from the engine: it injects the {@link ConsoleApi} for commands, subscribes
 * to the contract events, tracks the WebSocket state, and applies `snapshot` to every store. After every
 * (re)connect the snapshot is fetched again, because events sent while the socket was down are lost.
 */
import type { ConsoleApi, Snapshot } from '../../../shared/contract';
import { useCallsStore } from '../stores/calls';
import { useConnectionStore, type ConnectionState } from '../stores/connection';
import { useConsoleApiStore } from '../stores/console-api';
import { useHistoryStore } from '../stores/history';
import { useLinesStore } from '../stores/lines';
import { usePresenceStore } from '../stores/presence';
import { useSettingsStore } from '../stores/settings';
import { useTilesStore } from '../stores/tiles';
import { useTraceStore } from '../stores/trace';
import type { WsConsoleApi, WsConnectionState } from './ws-client';

export interface Wiring {
  /** Resolves once the first snapshot is applied, or at once when the socket is not open yet. */
  ready: Promise<void>;
  /** Fetches snapshot and trace again. */
  refresh(): Promise<void>;
  /** Drops the event subscriptions (used by tests and before a restart). */
  stop(): void;
}

/** Only one wiring may feed the stores; a new one replaces the previous. */
let active: Wiring | undefined;

function isWsApi(api: ConsoleApi): api is WsConsoleApi {
  return typeof (api as Partial<WsConsoleApi>).onStateChange === 'function';
}

function toConnectionState(state: WsConnectionState): ConnectionState {
  if (state === 'open') return 'connected';
  return state === 'connecting' ? 'connecting' : 'reconnecting';
}

/** Applies a full snapshot to every store (the single source of truth after a (re)connect). */
export function applySnapshot(snapshot: Snapshot): void {
  const connection = useConnectionStore();
  connection.app = snapshot.app;
  connection.loaded = true;
  useLinesStore().apply(snapshot.lines);
  useSettingsStore().applySaved(snapshot.settings, snapshot.settingsProblem);
  useTilesStore().applySnapshot(snapshot.tiles, snapshot.blf);
  if (snapshot.presence) usePresenceStore().apply(snapshot.presence);
  useCallsStore().apply(snapshot.calls ?? []);
  useHistoryStore().applySummary(snapshot.history);
}

/** Connects the stores to `api`: subscribes to events once, then refreshes on every (re)connect. */
export function wireEvents(api: ConsoleApi): Wiring {
  active?.stop();
  useConsoleApiStore().api = api;
  const connection = useConnectionStore();
  const lines = useLinesStore();
  const settings = useSettingsStore();
  const trace = useTraceStore();
  const tiles = useTilesStore();
  const presence = usePresenceStore();
  const calls = useCallsStore();
  const history = useHistoryStore();

  async function refresh(): Promise<void> {
    const result = await api.invoke('snapshot', undefined);
    if (!result.ok) {
      connection.snapshotError = result.error;
      return;
    }
    connection.snapshotError = undefined;
    applySnapshot(result.value);
    await trace.load();
  }

  const unsubscribers = [
    api.on('lines.changed', (payload) => lines.apply(payload)),
    api.on('settings.changed', (payload) => settings.applySaved(payload)),
    api.on('trace.appended', (payload) => trace.append(payload)),
    api.on('tiles.patch', (payload) => tiles.applyPatch(payload)),
    api.on('blf.stats', (payload) => tiles.applyStats(payload)),
    api.on('presence.changed', (payload) => presence.apply(payload)),
    api.on('calls.changed', (payload) => calls.apply(payload)),
    api.on('history.changed', (payload) => history.applySummary(payload)),
  ];
  let ready: Promise<void>;
  if (!isWsApi(api)) {
    connection.state = 'connected';
    ready = refresh();
  } else {
    connection.state = toConnectionState(api.state);
    unsubscribers.push(
      api.onStateChange((next) => {
        connection.state = toConnectionState(next);
        connection.nextAttemptAt = api.nextAttemptAt;
        if (next === 'open') void refresh();
      }),
    );
    ready = connection.state === 'connected' ? refresh() : Promise.resolve();
  }

  const wiring: Wiring = {
    ready,
    refresh,
    stop() {
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      if (active === wiring) active = undefined;
    },
  };
  active = wiring;
  return wiring;
}

/**
 * Test doubles for the renderer: an in-memory ConsoleApi with scripted command handlers and event emission, and a
 * realistic snapshot. Used by store and component tests only (nothing in the app imports this).
 */
import type { CallView } from '../../../shared/calls';
import type { CommandArgs, CommandName, CommandResult, ConsoleApi, EventName, Events, Snapshot } from '../../../shared/contract';
import type { HistoryEntry, HistorySummary } from '../../../shared/history';
import type { LineState } from '../../../shared/lines';
import type { PresenceSnapshot } from '../../../shared/presence';
import type { PublicSettings } from '../../../shared/settings';
import type { NotifyQueueStats, TileView } from '../../../shared/tiles';
import type { TraceEntry } from '../../../shared/trace';

export type Handlers = {
  [K in CommandName]?: (args: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>>;
};

export interface FakeConsoleApi {
  api: ConsoleApi;
  calls: { command: CommandName; args: unknown }[];
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  handlers: Handlers;
}

export function createFakeApi(handlers: Handlers = {}): FakeConsoleApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: FakeConsoleApi['calls'] = [];
  const api: ConsoleApi = {
    async invoke<K extends CommandName>(command: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      calls.push({ command, args });
      const handler = handlers[command] as ((a: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>>) | undefined;
      if (!handler) return { ok: false, error: { code: 'not-found', message: `no handler for ${command}` } };
      return handler(args);
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    api,
    calls,
    handlers,
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

export function makeLine(number: number, overrides: Partial<LineState> = {}): LineState {
  return {
    number,
    id: `l${number}`,
    displayName: `Line ${number}`,
    aor: `sip:${100 + number}@pbx.example.com`,
    transport: 'udp',
    enabled: true,
    isDefault: number === 1,
    status: 'registered',
    ...overrides,
  };
}

export function makeSettings(): PublicSettings {
  return {
    version: 1,
    defaultLine: 1,
    lines: [
      { id: 'l1', enabled: true, displayName: 'Reception', user: '101', domain: 'pbx.example.com', transport: 'udp', expires: 3600, hasPassword: true, watcherInfo: true },
      { id: 'l2', enabled: true, displayName: 'Sales', user: '200', domain: 'pbx.example.com', transport: 'tcp', expires: 3600, hasPassword: false },
    ],
    sip: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000, retryBaseSeconds: 30, retryMaxSeconds: 1800, keepAliveSeconds: 30, subscriptionExpiresSeconds: 600 },
    diagnostics: { traceToFile: false, traceBufferSize: 2000 },
    tiles: [],
    tileLists: [],
    notify: { profile: 'console', ratePerSecond: 10000, queueBound: 5000 },
    presence: {
      customStates: [
        { id: 'lunch', label: 'Lunch', base: 'away' },
        { id: 'meeting', label: 'In a meeting', base: 'dnd' },
      ],
      autoAwayMinutes: 10,
      onThePhone: true,
    },
    calls: { rtpPortMin: 20000, rtpPortMax: 20999, holdReminderSeconds: 60, notifications: true, historyLimit: 5000 },
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, ringerVolume: 80 },
    ui: { language: 'auto', theme: 'auto' },
    desktop: { startAtLogin: false, answerShortcut: 'CommandOrControl+Shift+F9' },
    directory: { contacts: [] },
  };
}

/**
 * Own presence as a Kamailio line and an Asterisk line report it: line 1 publishes (RFC 3903), line 2 fell back to
 * feature codes after a 501 to PUBLISH; three watchers in different winfo states (RFC 3857).
 */
export function makePresence(overrides: Partial<PresenceSnapshot> = {}): PresenceSnapshot {
  return {
    own: { state: 'available' },
    published: { state: 'available' },
    lines: [
      { line: 1, method: 'publish', state: 'published', sipStatus: 200 },
      { line: 2, method: 'feature-codes', state: 'published', sipStatus: 501, reason: 'the PBX answered 501 to PUBLISH' },
    ],
    watchers: [
      { uri: 'sip:102@pbx.example.com', displayName: 'Jonas Becker', status: 'active' },
      { uri: 'sip:205@pbx.example.com', displayName: 'Paul Zimmermann', status: 'active' },
      { uri: 'sip:310@pbx.example.com', status: 'pending' },
    ],
    ...overrides,
  };
}

export function makeStats(overrides: Partial<NotifyQueueStats> = {}): NotifyQueueStats {
  return { depth: 0, bound: 5000, ratePerSecond: 10000, received: 0, applied: 0, coalesced: 0, rejected: 0, subscriptions: 0, ...overrides };
}

/** A tile view for extension `number` (idle unless overridden). */
export function makeTile(number: number | string, overrides: Partial<TileView> = {}): TileView {
  return {
    id: `t${number}`,
    name: `Extension ${number}`,
    uri: `sip:${number}@pbx.example.com`,
    line: 1,
    state: 'idle',
    since: 1_700_000_000_000,
    dialogs: [],
    action: { kind: 'call', uri: `sip:${number}@pbx.example.com` },
    ...overrides,
  };
}

export function makeSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    app: { version: '0.1.0', mode: 'serve' },
    settings: makeSettings(),
    lines: [makeLine(1, { displayName: 'Reception' }), makeLine(2, { displayName: 'Sales', transport: 'tcp', status: 'registering' })],
    tiles: [],
    blf: makeStats(),
    presence: makePresence(),
    calls: [],
    history: makeHistorySummary(),
    ...overrides,
  };
}

export function makeTrace(seq: number, overrides: Partial<TraceEntry> = {}): TraceEntry {
  const method = overrides.method ?? 'REGISTER';
  return {
    seq,
    time: 1_700_000_000_000 + seq,
    direction: 'out',
    transport: 'udp',
    local: '127.0.0.1:5062',
    remote: '127.0.0.1:5060',
    firstLine: `${method} sip:pbx.example.com SIP/2.0`,
    method,
    callId: `call-${seq}`,
    text: `${method} sip:pbx.example.com SIP/2.0\r\nCall-ID: call-${seq}\r\n\r\n`,
    ...overrides,
  };
}

/** An incoming call ringing on line 1 from extension 102 (no display name unless overridden). */
export function makeCall(id: string, overrides: Partial<CallView> = {}): CallView {
  return {
    id,
    line: 1,
    direction: 'incoming',
    state: 'ringing',
    far: { number: '102', uri: 'sip:102@pbx.example.com' },
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function makeHistorySummary(overrides: Partial<HistorySummary> = {}): HistorySummary {
  return { unseenMissed: 0, unseenMissedNumbers: [], revision: 1, ...overrides };
}

/** A history row: an answered incoming call from `number` unless overridden. */
export function makeHistoryEntry(id: string, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id,
    line: 1,
    direction: 'incoming',
    outcome: 'answered',
    far: { number: '102', uri: 'sip:102@pbx.example.com' },
    startedAt: 1_700_000_000_000,
    answeredAt: 1_700_000_005_000,
    endedAt: 1_700_000_065_000,
    tries: 1,
    seen: true,
    ...overrides,
  };
}

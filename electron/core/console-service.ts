/**
 * The application service behind the contract (shared/contract.ts): implements every command and emits every event.
 * Transport-free: electron/main/ipc.ts and electron/serve/server.ts expose it.
 */
import type { AudioSettings } from '../../shared/audio';
import { mergeAudioSettings } from '../../shared/audio-validate';
import type { AudioSettingsPatch, CommandHandlers, EventName, Events, Snapshot } from '../../shared/contract';
import type { LineState } from '../../shared/lines';
import type { OwnPresence, PresenceSnapshot } from '../../shared/presence';
import type { Result } from '../../shared/result';
import type { NotifyQueueStats, TileConfig, TilesPatch, TileView } from '../../shared/tiles';
import { ok } from '../../shared/result';
import type { PublicSettings, Settings } from '../../shared/settings';
import { toPublicSettings } from '../../shared/settings';
import { validateSettingsInput } from '../../shared/settings-validate';
import type { Clock } from '../sip/clock';
import { SystemClock } from '../sip/clock';
import type { AudioHub } from './audio/audio-hub';
import { importKeys } from './blf/key-import';
import { callCommandHandlers, type CallsController, type HistoryController } from './calls/call-commands';
import type { ContractHost } from './contract-dispatch';
import type { SettingsStore } from './settings-store';
import type { TraceLog } from './trace-log';

/** The SIP lines as the service drives them (implemented over the SIP engine in lines/line-manager.ts). */
export interface LinesController {
  /** Brings the lines in line with `settings`: registers new ones, re-registers changed ones, un-registers removed ones. */
  apply(settings: Settings): void;
  states(): LineState[];
  /** Starts a registration attempt now; `not-found` for an unknown line number. */
  reregister(line: number): Result<LineState>;
  onChanged(listener: (states: LineState[]) => void): () => void;
  /** Un-REGISTERs every line and closes the transports. */
  shutdown(): Promise<void>;
}

/** The busy lamp field as the service drives it (implemented in blf/blf-service.ts). */
export interface TilesController {
  /** Subscribes what the tiles and lists need, un-subscribes what they no longer need. */
  apply(settings: Settings): void;
  tileViews(): TileView[];
  stats(): NotifyQueueStats;
  onPatch(listener: (patch: TilesPatch) => void): () => void;
  onStats(listener: (stats: NotifyQueueStats) => void): () => void;
  /**
   * Renews every subscription of `line` (or of all lines), paced, marking the tiles stale until fresh state arrives
   * (issue 7: "Refresh lamps", and part of "Register now"). `not-found` for an unknown line.
   */
  refresh(line?: number): Result<{ subscriptions: number }>;
  /** Parses a phone key configuration into tiles (not saved). */
  importXml(xml: string): Result<TileConfig[]>;
  /** Un-SUBSCRIBEs everything. */
  shutdown(): Promise<void>;
}

/** Own presence as the service drives it (implemented in presence/presence-service.ts). */
export interface PresenceController {
  apply(settings: Settings): void;
  set(own: OwnPresence): Result<PresenceSnapshot>;
  /** The user is at the screen (resets the idle time where no OS idle source exists). */
  activity(): void;
  snapshot(): PresenceSnapshot;
  onChanged(listener: (snapshot: PresenceSnapshot) => void): () => void;
  /** Un-PUBLISHes on every line and ends the watcher subscriptions. */
  shutdown(): Promise<void>;
}

export interface ConsoleServiceDeps {
  store: SettingsStore;
  lines: LinesController;
  tiles: TilesController;
  presence: PresenceController;
  /** Calls (issue 9): the call service and the call history. */
  calls: CallsController;
  /** The audio device's end of the media channel (issue 10). */
  audio?: AudioHub;
  history: HistoryController;
  trace: TraceLog;
  mode: 'electron' | 'serve';
  version: string;
  /** Times the shutdown bound; defaults to the system clock. */
  clock?: Clock;
}

type Listener<E extends EventName> = (payload: Events[E]) => void;

/** Default bound on un-REGISTER at quit: a dead registrar must not keep the app from closing. */
export const SHUTDOWN_TIMEOUT_MS = 3000;

export class ConsoleService implements ContractHost {
  readonly handlers: CommandHandlers;
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly unsubscribers: (() => void)[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: ConsoleServiceDeps) {
    this.handlers = {
      snapshot: () => ok(this.snapshot()),
      'settings.save': (input) => this.saveSettings(input),
      'lines.reregister': ({ line }) => {
        const result = deps.lines.reregister(line);
        // "Register now" is what a user tries when the lamps look frozen: the PBX may have forgotten the
        // subscriptions as well as the binding, so they are renewed too.
        if (result.ok) deps.tiles.refresh(line);
        return result;
      },
      'trace.list': (filter) => ok(deps.trace.page(filter)),
      'trace.clear': () => {
        deps.trace.clear();
        return ok(undefined);
      },
      'tiles.importXml': ({ xml }) => deps.tiles.importXml(xml),
      'tiles.importKeys': ({ text }) => importKeys(text, { lineCount: deps.lines.states().length }),
      'blf.stats': () => ok(deps.tiles.stats()),
      'blf.refresh': ({ line }) => deps.tiles.refresh(line),
      'presence.set': (own) => deps.presence.set(own),
      'presence.activity': () => {
        deps.presence.activity();
        return ok(undefined);
      },
      ...callCommandHandlers(deps.calls, deps.history),
      'audio.save': (patch) => this.saveAudio(patch),
    };
    if (deps.audio) this.media = deps.audio;
  }

  /** The media channel's engine end, for the transports (electron/main/media-port.ts, electron/serve/server.ts). */
  readonly media: AudioHub | undefined;

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Loads the settings file and starts the lines on it. */
  async start(): Promise<void> {
    const { store, lines, trace, tiles } = this.deps;
    const settings = await store.load();
    trace.configure(settings.diagnostics);
    this.unsubscribers.push(
      lines.onChanged((states) => this.emit('lines.changed', states)),
      trace.subscribe((batch) => this.emit('trace.appended', batch)),
      tiles.onPatch((patch) => this.emit('tiles.patch', patch)),
      tiles.onStats((stats) => this.emit('blf.stats', stats)),
      this.deps.presence.onChanged((snapshot) => this.emit('presence.changed', snapshot)),
      this.deps.calls.onChanged((calls) => this.emit('calls.changed', calls)),
      this.deps.history.onChanged((summary) => this.emit('history.changed', summary)),
    );
    lines.apply(settings);
    tiles.apply(settings);
    this.deps.presence.apply(settings);
    this.deps.calls.apply(settings);
  }

  /** Un-REGISTERs every line, waiting at most `timeoutMs`; safe to call more than once. */
  shutdown(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<void> {
    this.stopping ??= this.doShutdown(timeoutMs);
    return this.stopping;
  }

  snapshot(): Snapshot {
    const { store, lines, mode, version } = this.deps;
    const snap: Snapshot = {
      app: { version, mode },
      settings: toPublicSettings(store.current),
      lines: lines.states(),
      tiles: this.deps.tiles.tileViews(),
      blf: this.deps.tiles.stats(),
      presence: this.deps.presence.snapshot(),
      calls: this.deps.calls.views(),
      history: this.deps.history.summary(),
    };
    if (store.problem !== undefined) snap.settingsProblem = store.problem;
    return snap;
  }

  private async saveSettings(input: unknown): Promise<Result<PublicSettings>> {
    const { store, lines, trace } = this.deps;
    const validated = validateSettingsInput(input, store.current);
    if (!validated.ok) return validated;
    const saved = await store.save(validated.value);
    if (!saved.ok) return saved;
    trace.configure(saved.value.diagnostics);
    lines.apply(saved.value);
    this.deps.tiles.apply(saved.value);
    this.deps.presence.apply(saved.value);
    this.deps.calls.apply(saved.value);
    const pub = toPublicSettings(saved.value);
    this.emit('settings.changed', pub);
    return ok(pub);
  }

  /** `audio.save`: only the audio block changes, so nothing else (lines, lamps) is re-applied. */
  private async saveAudio(patch: AudioSettingsPatch): Promise<Result<AudioSettings>> {
    const { store } = this.deps;
    const audio = mergeAudioSettings(store.current.audio, patch as Record<string, unknown>);
    const saved = await store.save({ ...store.current, audio });
    if (!saved.ok) return saved;
    this.emit('settings.changed', toPublicSettings(saved.value));
    return ok(saved.value.audio);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch {
        // A broken subscriber (a closed window or socket) must not stop the others.
      }
    }
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    const clock = this.deps.clock ?? new SystemClock();
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const bound = new Promise<'timeout'>(
      (resolve) => (timer = clock.setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    try {
      // Un-PUBLISH and un-SUBSCRIBE before un-REGISTER: they still need the lines' flows.
      const sequence = async (): Promise<void> => {
        // Calls first: their BYEs need the lines' flows, and a caller must hear the call end, not silence.
        this.deps.calls.shutdown();
        await Promise.all([this.deps.presence.shutdown().catch(() => undefined), this.deps.tiles.shutdown().catch(() => undefined)]);
        await this.deps.lines.shutdown().catch(() => undefined);
      };
      await Promise.race([sequence(), bound]);
    } finally {
      clock.clearTimeout(timer);
      this.unsubscribers.splice(0).forEach((off) => off());
      this.deps.trace.flush();
    }
  }
}

/**
 * The serve-mode {@link ConsoleApi}: the same contract as the Electron preload, spoken as JSON over a WebSocket at
 * `/api` (wire format in docs/api.md). The socket reconnects with back-off; calls made while it is down resolve to a
 * `transport-error` result instead of throwing, because expected failures never throw across the contract.
 */
import type { CommandArgs, CommandName, CommandResult, ConsoleApi, EventName, Events } from '../../../shared/contract';
import { decodeMediaFrame, encodeMediaFrame, type MediaChannel, type MediaFrame } from '../../../shared/media-channel';
import { isErrorCode, type AppError, type ErrorCode } from '../../../shared/result';

/** Where the socket is: `open` carries traffic; `reconnecting` is waiting for the next attempt after a drop. */
export type WsConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsClientOptions {
  url: string;
  /** Injected for tests; defaults to the browser's WebSocket. */
  WebSocketImpl?: new (url: string) => WebSocket;
  /** First reconnect delay; doubles per failed attempt up to {@link maxDelayMs}. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** How long an invoke may wait for its result before it resolves to a `timeout` error. */
  invokeTimeoutMs?: number;
  /** Jitter source in [0, 1); injected for deterministic tests. */
  random?: () => number;
}

/** A {@link ConsoleApi} that also reports its connection state. */
export interface WsConsoleApi extends ConsoleApi {
  readonly state: WsConnectionState;
  /** Epoch ms of the next reconnect attempt while `reconnecting`. */
  readonly nextAttemptAt: number | undefined;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onStateChange(listener: (state: WsConnectionState) => void): () => void;
  /** Closes the socket for good (no reconnect). */
  close(): void;
  /** The media channel (issue 10): binary messages on the same socket; frames sent while it is down are dropped. */
  readonly media: MediaChannel;
}

interface Pending {
  resolve: (result: CommandResult<CommandName>) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Listener = (payload: unknown) => void;

/** Builds `ws(s)://<host>/api?token=…` from the page location, so the token in the page URL authorises the socket. */
export function wsUrlFromLocation(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

function transportError(message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code: 'transport-error', message } };
}

/**
 * Wire codes of error frames (docs/api.md, "Wire format") that are not contract codes, as the caller sees them: an
 * oversize call (`too-large`, over 1 MiB) is the caller's argument being unacceptable, not an engine fault.
 */
const WIRE_ERROR_CODES: Readonly<Record<string, ErrorCode>> = { 'too-large': 'invalid-argument' };

/**
 * The result for an error frame that names a call: the server's code and message passed through (a contract code
 * as is, a wire code mapped), `internal` only when the frame gives no code the contract knows — then the frame was
 * one we sent wrongly, a bug on our side.
 */
export function errorFrameResult(frame: Record<string, unknown>): { ok: false; error: AppError } {
  const message = typeof frame.message === 'string' ? frame.message : 'Console engine error';
  const raw = frame.code;
  const code = isErrorCode(raw) ? raw : typeof raw === 'string' ? (WIRE_ERROR_CODES[raw] ?? 'internal') : 'internal';
  return { ok: false, error: { code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Opens the socket immediately and keeps it open until {@link WsConsoleApi.close}. */
export function createWsClient(options: WsClientOptions): WsConsoleApi {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const invokeTimeout = options.invokeTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;

  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<Listener>>();
  const stateListeners = new Set<(state: WsConnectionState) => void>();
  let socket: WebSocket | undefined;
  let state: WsConnectionState = 'connecting';
  let nextId = 1;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextAttemptAt: number | undefined;

  function setState(next: WsConnectionState): void {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function failAllPending(message: string): void {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(id);
      entry.resolve(transportError(message));
    }
  }

  const mediaListeners = new Set<(frame: MediaFrame) => void>();

  function handleMessage(raw: unknown): void {
    if (raw instanceof ArrayBuffer) {
      const frame = decodeMediaFrame(raw);
      if (frame.ok) for (const listener of [...mediaListeners]) listener(frame.value);
      return;
    }
    if (typeof raw !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (message.type === 'result' && typeof message.id === 'number') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      const result = message.result;
      entry.resolve(
        isRecord(result) && typeof result.ok === 'boolean'
          ? (result as CommandResult<CommandName>)
          : { ok: false, error: { code: 'internal', message: 'Malformed result from the console engine' } },
      );
    } else if (message.type === 'event' && typeof message.event === 'string') {
      for (const listener of [...(listeners.get(message.event) ?? [])]) listener(message.payload);
    } else if (message.type === 'error') {
      // A protocol-level complaint (bad frame, bad token) has no request to answer; an id, if present, names one.
      const entry = typeof message.id === 'number' ? pending.get(message.id) : undefined;
      if (entry && typeof message.id === 'number') {
        pending.delete(message.id);
        clearTimeout(entry.timer);
        entry.resolve(errorFrameResult(message));
      } else {
        console.warn(`console engine: ${typeof message.message === 'string' ? message.message : 'Console engine error'}`);
      }
    }
  }

  function scheduleReconnect(): void {
    const base = Math.min(maxDelay, initialDelay * 2 ** attempt);
    // ±20 % jitter so many browser tabs do not hammer a restarted server in lockstep.
    const delay = Math.round(base * (0.8 + 0.4 * random()));
    attempt += 1;
    nextAttemptAt = Date.now() + delay;
    setState('reconnecting');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delay);
  }

  function connect(): void {
    nextAttemptAt = undefined;
    let ws: WebSocket;
    try {
      ws = new Impl(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (event: MessageEvent) => handleMessage(event.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      failAllPending('Connection to the console engine lost');
      if (state !== 'closed') scheduleReconnect();
    };
    // Errors are always followed by close, which does the bookkeeping.
    ws.onerror = () => undefined;
  }

  const media: MediaChannel = {
    send(frame) {
      const ws = socket;
      // Audio is only worth sending now: a frame that waits for a reconnect is stale when it arrives.
      if (!ws || state !== 'open' || ws.readyState !== 1) return;
      try {
        ws.send(encodeMediaFrame(frame));
      } catch {
        // The close handler does the bookkeeping.
      }
    },
    onFrame(listener) {
      mediaListeners.add(listener);
      return () => mediaListeners.delete(listener);
    },
  };

  const api: WsConsoleApi = {
    media,
    get state() {
      return state;
    },
    get nextAttemptAt() {
      return nextAttemptAt;
    },
    invoke<K extends CommandName>(command: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      const ws = socket;
      if (!ws || state !== 'open' || ws.readyState !== 1) {
        return Promise.resolve(transportError('Not connected to the console engine'));
      }
      const id = nextId++;
      return new Promise<CommandResult<K>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'timeout', message: `No answer to ${command} in time` } });
        }, invokeTimeout);
        pending.set(id, { resolve: resolve as Pending['resolve'], timer });
        try {
          ws.send(JSON.stringify({ type: 'invoke', id, command, args: args ?? null }));
        } catch {
          clearTimeout(timer);
          pending.delete(id);
          resolve(transportError('Could not send to the console engine'));
        }
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      setState('closed');
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      nextAttemptAt = undefined;
      const ws = socket;
      socket = undefined;
      failAllPending('Connection closed');
      ws?.close();
    },
  };

  connect();
  return api;
}

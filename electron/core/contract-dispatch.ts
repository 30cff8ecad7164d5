/**
 * The transport-neutral half of the contract wrappers: both the Electron IPC wrapper (electron/main/ipc.ts) and the
 * serve-mode WebSocket server dispatch raw `{ command, args }` through here, and forward events with
 * {@link forwardEvents}. Everything is driven by `commandValidators` and `eventNames`; there is no per-command code.
 */
import type { CommandHandlers, EventName, Events } from '../../shared/contract';
import { commandValidators, eventNames, isCommandName } from '../../shared/contract';
import type { AppError, ErrorCode, Result } from '../../shared/result';
import { fail } from '../../shared/result';

/** Anything that emits the contract's events (the console service). */
export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What a transport needs: the handlers and the events. */
export interface ContractHost extends EventSource {
  readonly handlers: CommandHandlers;
  /** The media channel's engine end (issue 10), when the host carries audio. */
  readonly media?: MediaChannelHost | undefined;
}

/** Where a transport attaches one connection's media frames (core/audio/audio-hub.ts). */
export interface MediaChannelHost {
  connect(client: { send(bytes: ArrayBuffer): void }): { receive(data: unknown): void; close(): void };
}

/** Told about handler exceptions, which are bugs (expected failures come back as `Result` values). */
export type InternalErrorReporter = (command: string, err: unknown) => void;

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid-argument',
  'invalid-settings',
  'not-found',
  'sip-error',
  'transport-error',
  'timeout',
  'storage-error',
  'unauthorized',
  'internal',
]);
/** Longest error message a caller gets; messages are one sentence, and nothing longer is meant for a person. */
const MAX_MESSAGE_CHARS = 500;
/** The first frame line of a V8 stack trace (`\n    at f (file:1:2)`): everything from it on stays on the server. */
const STACK_FRAME = /\r?\n\s+at\s/;

/**
 * The failure a caller may see: only the contract's fields, a known code, and a message without stack frames (a
 * handler that put `err.stack` or an `Error` into its result must not show file paths and code to the client).
 */
function publicError(error: unknown): AppError {
  const raw = (typeof error === 'object' && error !== null ? error : {}) as Partial<Record<keyof AppError, unknown>>;
  const code = typeof raw.code === 'string' && ERROR_CODES.has(raw.code) ? (raw.code as ErrorCode) : 'internal';
  let message = typeof raw.message === 'string' ? raw.message : 'The command failed';
  const frame = STACK_FRAME.exec(message);
  if (frame) message = message.slice(0, frame.index);
  if (message.length > MAX_MESSAGE_CHARS) message = `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
  const out: AppError = { code, message };
  if (typeof raw.field === 'string') out.field = raw.field.slice(0, 200);
  if (typeof raw.sipStatus === 'number') out.sipStatus = raw.sipStatus;
  return out;
}

/**
 * Validates `command` and `args` at the trust boundary, runs the handler and returns its Result. Unknown commands
 * and bad arguments give `invalid-argument`; a handler that throws gives `internal` (the details go to `onError`,
 * not to the caller). A failed Result is reduced to the contract's error fields, without stack frames.
 */
export async function dispatchCommand(
  handlers: CommandHandlers,
  command: unknown,
  args: unknown,
  onError?: InternalErrorReporter,
): Promise<Result<unknown>> {
  if (!isCommandName(command))
    return fail(
      'invalid-argument',
      `Unknown command ${JSON.stringify(typeof command === 'string' ? command.slice(0, 64) : (command ?? null))}`,
    );
  const validated = (commandValidators[command] as (raw: unknown) => Result<unknown>)(args);
  if (!validated.ok) return validated;
  try {
    const handler = handlers[command] as (a: unknown) => Promise<Result<unknown>> | Result<unknown>;
    const result = await handler(validated.value);
    if (typeof result !== 'object' || result === null || typeof (result as { ok?: unknown }).ok !== 'boolean')
      throw new Error(`Handler for ${command} returned something that is not a Result`);
    return result.ok ? result : { ok: false, error: publicError((result as { error?: unknown }).error) };
  } catch (err) {
    onError?.(command, err);
    return fail('internal', `Internal error while running ${command}`);
  }
}

/** Subscribes `send` to every contract event; returns one function that unsubscribes them all. */
export function forwardEvents(
  source: EventSource,
  send: (event: EventName, payload: unknown) => void,
): () => void {
  const offs = eventNames.map((name) => source.on(name, (payload) => send(name, payload)));
  return () => offs.forEach((off) => off());
}

/**
 * The transport-neutral half of the contract wrappers: both the Electron IPC wrapper (electron/main/ipc.ts) and the
 * serve-mode WebSocket server dispatch raw `{ command, args }` through here, and forward events with
 * {@link forwardEvents}. Everything is driven by `commandValidators` and `eventNames`; there is no per-command code.
 */
import type { CommandHandlers, EventName, Events } from '../../shared/contract';
import { commandValidators, eventNames, isCommandName } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { fail } from '../../shared/result';

/** Anything that emits the contract's events (the console service). */
export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What a transport needs: the handlers and the events. */
export interface ContractHost extends EventSource {
  readonly handlers: CommandHandlers;
}

/** Told about handler exceptions, which are bugs (expected failures come back as `Result` values). */
export type InternalErrorReporter = (command: string, err: unknown) => void;

/**
 * Validates `command` and `args` at the trust boundary, runs the handler and returns its Result. Unknown commands
 * and bad arguments give `invalid-argument`; a handler that throws gives `internal` (the details go to `onError`,
 * not to the caller).
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
    return result;
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

/**
 * {@link EngineGuard}: the one place where an error that escaped the engine's own handling ends. Every callback the
 * event loop runs for the engine (timers, socket events, transaction-user callbacks, request handlers, promise
 * continuations) runs inside it, so one bad packet or one bug in one usage can never end the process and with it
 * every line of the console. What reaches the guard is a bug: it is logged once, with where it happened, and
 * counted, and the engine carries on. Expected conditions (a malformed message, a timeout, a closed flow) are
 * typed errors handled where they occur and never get here.
 */
import type { Clock, TimerHandle } from './clock';

/** Where guard reports go; the composition root points it at the (rate-limited) log. */
export type GuardReporter = (message: string) => void;

export class EngineGuard {
  private count = 0;
  /** Errors already reported, so one error passed through two guarded layers is logged once. */
  private readonly reported = new WeakSet<object>();

  constructor(private reporter: GuardReporter = (message) => process.stderr.write(`${message}\n`)) {}

  /** How many errors reached the guard since start: each one is a bug. */
  get internalErrors(): number {
    return this.count;
  }

  /** Sends later reports to `reporter` (the composition root wires its log once it exists). */
  setReporter(reporter: GuardReporter): void {
    this.reporter = reporter;
  }

  /** Runs `fn`; an error it throws is reported with `reason` and swallowed, and the result is then undefined. */
  run<T>(reason: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.report(reason, error);
      return undefined;
    }
  }

  /** `fn` as a callback that runs inside the guard (for event listeners). */
  wrap<A extends unknown[]>(reason: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      this.run(reason, () => fn(...args));
    };
  }

  /** Observes `promise`: a rejection is reported like a thrown error instead of becoming an unhandled rejection. */
  observe(promise: PromiseLike<unknown>, reason: string): void {
    Promise.resolve(promise).catch((error: unknown) => this.report(reason, error));
  }

  /** A clock whose timer callbacks run inside this guard (RFC 3261 §17 timers, refreshes, back-offs, keep-alives). */
  clock(inner: Clock): Clock {
    if (inner instanceof GuardedClock && inner.guard === this) return inner;
    return new GuardedClock(inner, this);
  }

  /** Counts and logs one escaped error; an error seen before is only counted once. */
  report(reason: string, error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    this.count++;
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    try {
      this.reporter(`internal error in ${reason} (kept running): ${detail}`);
    } catch {
      // A failing log must not turn a contained error into an escaped one.
    }
  }
}

/** {@link EngineGuard.clock}. */
class GuardedClock implements Clock {
  constructor(
    private readonly inner: Clock,
    readonly guard: EngineGuard,
  ) {}

  now(): number {
    return this.inner.now();
  }

  wallNow(): number {
    return this.inner.wallNow();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(() => this.guard.run('timer', callback), ms);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.inner.clearTimeout(handle);
  }
}

/**
 * The guard of the process: the stack uses it unless given another, and {@link observe} reports to it. One per
 * process because the event loop it protects is one per process.
 */
export const engineGuard = new EngineGuard();

/**
 * Observes a promise whose outcome nobody awaits (a fire-and-forget send, an un-REGISTER on the way out): a
 * rejection is reported through `guard` with `reason` rather than left unhandled, which would end the process.
 */
export function observe(promise: PromiseLike<unknown>, reason: string, guard: EngineGuard = engineGuard): void {
  guard.observe(promise, reason);
}

/**
 * The named timers of one call session. Every timer a session runs goes through here, so ending the session clears
 * them all at once ("no timers leak after a session ends"), and a back-off wait resolves instead of hanging.
 */
import type { Clock, TimerHandle } from '../../clock';

export class TimerBag {
  private readonly handles = new Map<string, TimerHandle>();
  private readonly sleepers = new Set<(elapsed: boolean) => void>();

  constructor(private readonly clock: Clock) {}

  /** Runs `callback` after `ms`, replacing any timer of the same name. */
  set(name: string, ms: number, callback: () => void): void {
    this.clear(name);
    const handle = this.clock.setTimeout(() => {
      if (this.handles.get(name) === handle) this.handles.delete(name);
      callback();
    }, ms);
    this.handles.set(name, handle);
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clear(name: string): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.handles.delete(name);
  }

  /** Resolves true after `ms`, or false when {@link clearAll} runs first (the session ended meanwhile). */
  sleep(name: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (elapsed: boolean): void => {
        this.sleepers.delete(wake);
        resolve(elapsed);
      };
      this.sleepers.add(wake);
      this.set(name, ms, () => wake(true));
    });
  }

  /** Number of timers pending (for tests and diagnostics). */
  get size(): number {
    return this.handles.size;
  }

  clearAll(): void {
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
    for (const wake of [...this.sleepers]) wake(false);
  }
}

/**
 * Sends a message again and again until stopped: every `interval` starting at T1 and doubling, up to `cap` when
 * given, and gives up after 64·T1 (the 2xx of RFC 3261 §13.3.1.4, capped at T2; the reliable provisional of RFC
 * 3262 §3, uncapped).
 */
export function retransmit(
  timers: TimerBag,
  name: string,
  options: { t1: number; cap?: number; send: () => void; giveUp: () => void },
): { stop(): void } {
  const step = (interval: number): void =>
    timers.set(`${name}:resend`, interval, () => {
      options.send();
      step(options.cap === undefined ? interval * 2 : Math.min(interval * 2, options.cap));
    });
  step(options.t1);
  timers.set(`${name}:give-up`, 64 * options.t1, () => {
    timers.clear(`${name}:resend`);
    options.giveUp();
  });
  return {
    stop: () => {
      timers.clear(`${name}:resend`);
      timers.clear(`${name}:give-up`);
    },
  };
}

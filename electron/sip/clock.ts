/**
 * Time source for every SIP timer (RFC 3261 §17 timers, registration refresh, retry back-off).
 * Production code takes a {@link Clock}; tests pass a {@link FakeClock} so no test ever waits for real time.
 */
export interface TimerHandle {
  /** Opaque id; only meaningful to the clock that created it. */
  readonly id: number;
}

/** Monotonic time plus one-shot timers. */
export interface Clock {
  /** Milliseconds on a monotonic scale (not wall time). */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps shown to people. */
  wallNow(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock, backed by `performance.now()` and the host's timers. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      callback();
    }, Math.max(0, ms));
    // A pending SIP timer must never keep a quitting process alive.
    (timer as { unref?: () => void }).unref?.();
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.timers.get(handle.id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

interface FakeTimer {
  id: number;
  due: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer due within that span in time order,
 * including timers scheduled by callbacks during the advance.
 */
export class FakeClock implements Clock {
  private current = 0;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  constructor(private readonly wallStart = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  wallNow(): number {
    return this.wallStart + this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, due: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }
}

/**
 * A {@link MediaClock} that moves only when told to (the media twin of electron/sip/clock.ts FakeClock, which this
 * layer may not import). `advance(ms)` fires due timers in time order, including ones scheduled meanwhile.
 */
import type { MediaClock, MediaTimerHandle } from '../media-types';

interface FakeTimer {
  id: number;
  due: number;
  callback: () => void;
}

export class FakeMediaClock implements MediaClock {
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

  setTimeout(callback: () => void, ms: number): MediaTimerHandle {
    const timer = { id: this.nextId++, due: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: MediaTimerHandle | undefined): void {
    if (handle) this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

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
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
  }

  /** Jumps forward without firing timers (a blocked event loop), so the next `advance` finds them late. */
  stall(ms: number): void {
    this.current += ms;
  }
}

/** The real clock for socket tests: `performance.now()` and unref'd host timers. */
export class RealMediaClock implements MediaClock {
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, ms: number): MediaTimerHandle {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      callback();
    }, Math.max(0, ms));
    timer.unref();
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: MediaTimerHandle | undefined): void {
    if (!handle) return;
    clearTimeout(this.timers.get(handle.id));
    this.timers.delete(handle.id);
  }
}

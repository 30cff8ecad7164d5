/**
 * NOTIFY body processing queue (issue 3 §5). The SIP 200 OK is sent at the transaction layer before a body ever
 * enters here; this queue only limits how fast bodies are applied to tiles and how many wait.
 *
 * - **Rate**: a token bucket refilled at `ratePerSecond`, drained in batches by one timer tick (every
 *   {@link TICK_MS} ms or the time one token takes, whichever is longer), so 2,000 bodies a second cost ≤ 50 timers.
 * - **Final truth at once** (issue 13): a full-state body supersedes every body of its key (subscription) still
 *   queued, at enqueue time — they can never be shown once it is applied (RFC 4235 §4.1.2, RFC 4662 §5.2). So the
 *   queue never holds more than one full state per key: what waits is at most the newest full state and the partial
 *   states after it, in order (partial RLMI bodies stay ordered per list). A body of kind `unknown` counts as full (a
 *   PIDF-like body replaces the state). A full body older by version than the one queued is coalesced on arrival.
 *   After a flood the queue holds at most one body per subscription, so every tile reaches its final state within
 *   `subscriptions / ratePerSecond` (1,000 subscriptions at the console profile's 10,000/s: 100 ms).
 * - **Bound**: when the depth is at the bound, no key's newest state is ever dropped:
 *   1. if the pushed body's key already has bodies queued (a partial extending a chain), or any other key has two or
 *      more queued, the oldest body of that chain is applied at once (counted in `forced`) — it is needed for the
 *      newest state anyway, so no work is wasted — and the depth does not grow;
 *   2. otherwise every queued key has exactly one body left, and the new key's body is admitted past the bound
 *      (counted in `overBound`). So `depth ≤ max(bound, distinct keys queued)`: the excess is one body per
 *      subscription, and subscriptions are bounded by the configuration (≤ MAX_TILES). Applying those early instead
 *      would defeat the rate limit under exactly the flood it exists for (a round-robin flood over more keys than the
 *      bound would apply nearly every body at once).
 * - Order is preserved per key. `push` is O(1) amortized: each body is coalesced or applied at most once.
 */
import type { NotifyQueueStats } from '../../../shared/tiles';
import type { Clock, TimerHandle } from '../../sip/clock';

/** Timer tick for batching: at most 50 ticks a second whatever the rate. */
export const TICK_MS = 20;

/** How a body relates to the state of its key. */
export type NotifyKind = 'full' | 'partial' | 'unknown';

export interface NotifyQueueOptions<T> {
  clock: Clock;
  ratePerSecond: number;
  bound: number;
  /** Applies one body to the model. Return `false` when it was refused (counted as rejected, not applied). */
  apply: (item: T) => void | boolean;
  /** The subscription a body belongs to and whether it replaces that subscription's state. Called once per push. */
  /**
   * Key (subscription), kind, and the body's version when it has one (dialog-info, RLMI): state is ordered by
   * version, not by arrival — UDP loss and retransmission deliver an older body after a newer one.
   */
  classify: (item: T) => { key: string; kind: NotifyKind; version?: number };
  /** Called when `apply` throws (a bug); the item counts as rejected and the queue goes on. */
  onError?: (error: unknown, item: T) => void;
}

/** Queue figures: the contract's NotifyQueueStats less the subscription count, plus the bound-overflow detail. */
export interface NotifyQueueCounters extends Omit<NotifyQueueStats, 'subscriptions'> {
  /** Bodies admitted while the depth was at or past the bound (a key's only queued body). */
  overBound: number;
  /** Bodies applied ahead of the rate to keep a key's partial chain from growing past the bound. */
  forced: number;
}

interface Entry<T> {
  item: T;
  key: KeyState<T>;
  full: boolean;
  version: number | undefined;
  /** Left the queue (applied or coalesced); the FIFO skips it. */
  gone: boolean;
}

interface KeyState<T> {
  name: string;
  /** Queued entries of this key in order; live ones from `head`. */
  entries: Entry<T>[];
  head: number;
  /** Newest queued full entry. */
  lastFull: Entry<T> | undefined;
}

function checkLimits(ratePerSecond: number, bound: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
  if (!Number.isInteger(bound) || bound < 1)
    throw new RangeError(`bound must be a positive integer, got ${bound}`);
}

/** Throttled, coalescing queue of NOTIFY bodies. See the module comment for the policy. */
export class NotifyQueue<T> {
  private rate: number;
  private bound: number;
  private fifo: Entry<T>[] = [];
  private fifoHead = 0;
  private readonly keys = new Map<string, KeyState<T>>();
  /** Keys with two or more queued entries, oldest chain first. */
  private readonly chained = new Set<KeyState<T>>();
  private depth = 0;
  private tokens: number;
  private refilledAt: number;
  private timer: TimerHandle | undefined;
  private readonly counters = { received: 0, applied: 0, coalesced: 0, rejected: 0, overBound: 0, forced: 0 };
  private readonly statsListeners = new Set<(stats: NotifyQueueCounters) => void>();
  private statsTimer: TimerHandle | undefined;
  private lastStatsAt = -Infinity;

  constructor(private readonly options: NotifyQueueOptions<T>) {
    checkLimits(options.ratePerSecond, options.bound);
    this.rate = options.ratePerSecond;
    this.bound = options.bound;
    this.tokens = this.capacity();
    this.refilledAt = options.clock.now();
  }

  /** Queues a body; it is applied later at the configured rate (never synchronously, except as `forced`). */
  push(item: T): void {
    const { key: name, kind, version } = this.options.classify(item);
    this.counters.received++;
    let key = this.keys.get(name);
    if (!key) {
      key = { name, entries: [], head: 0, lastFull: undefined };
      this.keys.set(name, key);
    }
    const full = kind !== 'partial';
    const newest = key.lastFull;
    if (full && version !== undefined && newest && !newest.gone && newest.version !== undefined && version < newest.version) {
      // A newer full state is already queued: this one can never be shown (RFC 4235 §4.1.2), so it is coalesced now.
      this.counters.coalesced++;
      this.changed();
      return;
    }
    if (full && key.entries.length > key.head) this.dropBefore(key, key.entries.length);
    if (this.depth >= this.bound) {
      const chained = key.entries.length > key.head ? key : this.chained.values().next().value;
      if (chained) this.forceOldest(chained);
      else this.counters.overBound++;
    }
    // Coalescing or a forced apply may have emptied (and forgotten) the key.
    if (!this.keys.has(name)) this.keys.set(name, key);
    const entry: Entry<T> = { item, key, full, version, gone: false };
    if (full) key.lastFull = entry;
    key.entries.push(entry);
    if (key.entries.length - key.head === 2) this.chained.add(key);
    this.fifo.push(entry);
    this.depth++;
    this.changed();
    this.schedule();
  }

  /** Counts a body refused before it could be queued (e.g. no matching subscription). */
  reject(count = 1): void {
    this.counters.rejected += count;
    this.changed();
  }

  /** Changes the limits. Queued bodies are already minimal (one full state per key), so nothing is coalesced. */
  configure(limits: { ratePerSecond: number; bound: number }): void {
    checkLimits(limits.ratePerSecond, limits.bound);
    this.refill();
    this.rate = limits.ratePerSecond;
    this.bound = limits.bound;
    this.tokens = Math.min(this.tokens, this.capacity());
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.changed();
    this.schedule();
  }

  stats(): NotifyQueueCounters {
    return { depth: this.depth, bound: this.bound, ratePerSecond: this.rate, ...this.counters };
  }

  /** Applies everything queued now, ignoring the rate (shutdown, tests). */
  drain(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    while (this.depth > 0) this.applyNext();
    this.changed();
  }

  /** Stats listener, called at most once a second while the figures change. Returns an unsubscribe function. */
  onStats(listener: (stats: NotifyQueueCounters) => void): () => void {
    this.statsListeners.add(listener);
    return () => {
      this.statsListeners.delete(listener);
      if (this.statsListeners.size === 0) {
        this.options.clock.clearTimeout(this.statsTimer);
        this.statsTimer = undefined;
      }
    };
  }

  /** Stops the timers; queued bodies stay queued (call {@link drain} first to apply them). */
  dispose(): void {
    this.options.clock.clearTimeout(this.timer);
    this.options.clock.clearTimeout(this.statsTimer);
    this.timer = this.statsTimer = undefined;
    this.statsListeners.clear();
  }

  /** Tokens the bucket can hold: one tick's worth, and at least one body. */
  private capacity(): number {
    return Math.max(1, (this.rate * TICK_MS) / 1000);
  }

  private refill(): void {
    const now = this.options.clock.now();
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer || this.depth === 0) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.max(TICK_MS, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.timer = this.options.clock.setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = undefined;
    this.refill();
    let applied = false;
    while (this.depth > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.applyNext();
      applied = true;
    }
    if (applied) this.changed();
    this.schedule();
  }

  private applyNext(): void {
    let entry = this.fifo[this.fifoHead];
    while (entry?.gone) entry = this.fifo[++this.fifoHead];
    if (!entry) throw new Error('NotifyQueue: depth > 0 but the FIFO is empty');
    this.fifoHead++;
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoHead);
      this.fifoHead = 0;
    }
    this.take(entry);
    this.run(entry.item);
  }

  /** Applies `key`'s oldest queued body now, ahead of the rate (the at-bound chain case). */
  private forceOldest(key: KeyState<T>): void {
    const entry = key.entries[key.head];
    if (!entry) return;
    this.take(entry);
    this.counters.forced++;
    this.run(entry.item);
  }

  /** Removes the oldest live entry of its key from the queue (it must be that key's head). */
  private take(entry: Entry<T>): void {
    const key = entry.key;
    if (key.entries[key.head] !== entry) throw new Error('NotifyQueue: per-key order broken');
    entry.gone = true;
    key.head++;
    this.depth--;
    this.compactKey(key);
  }

  private run(item: T): void {
    try {
      if (this.options.apply(item) === false) this.counters.rejected++;
      else this.counters.applied++;
    } catch (error) {
      this.counters.rejected++;
      this.options.onError?.(error, item);
    }
  }

  /** Coalesces `key`'s queued entries before index `end` (all superseded by a newer full state). */
  private dropBefore(key: KeyState<T>, end: number): void {
    for (let i = key.head; i < end; i++) {
      const entry = key.entries[i]!;
      entry.gone = true;
      this.depth--;
      this.counters.coalesced++;
    }
    key.head = end;
    this.compactKey(key);
  }

  private compactKey(key: KeyState<T>): void {
    if (key.entries.length - key.head < 2) this.chained.delete(key);
    if (key.head === key.entries.length) {
      this.keys.delete(key.name);
      key.entries = [];
      key.head = 0;
      key.lastFull = undefined;
    } else if (key.head > 64 && key.head * 2 > key.entries.length) {
      key.entries = key.entries.slice(key.head);
      key.head = 0;
    }
  }

  /** Emits stats at most once a second: the first change soon, later ones at the next full second. */
  private changed(): void {
    if (this.statsListeners.size === 0 || this.statsTimer) return;
    const wait = Math.max(0, this.lastStatsAt + 1000 - this.options.clock.now());
    this.statsTimer = this.options.clock.setTimeout(() => {
      this.statsTimer = undefined;
      this.lastStatsAt = this.options.clock.now();
      const stats = this.stats();
      for (const listener of this.statsListeners) listener(stats);
    }, wait);
  }
}

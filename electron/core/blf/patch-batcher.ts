/**
 * Collects tile changes and sends them to the renderer as {@link TilesPatch} batches (issue 3 §6): at most one batch
 * per {@link PATCH_INTERVAL_MS} (≤ 20 a second), never one IPC message per NOTIFY. Several changes of one tile within
 * a batch collapse into its latest view (or its removal), so a flood costs the renderer one update per tile per batch.
 */
import type { TilesPatch, TileView } from '../../../shared/tiles';
import type { Clock, TimerHandle } from '../../sip/clock';

/** Shortest time between two batches. */
export const PATCH_INTERVAL_MS = 50;

export interface PatchBatcherOptions {
  clock: Clock;
  /** Defaults to {@link PATCH_INTERVAL_MS}. */
  intervalMs?: number;
}

type Change = { view: TileView } | { removed: true };

export class PatchBatcher {
  private readonly intervalMs: number;
  private pending = new Map<string, Change>();
  private readonly listeners = new Set<(patch: TilesPatch) => void>();
  private timer: TimerHandle | undefined;
  private lastFlushAt = -Infinity;

  constructor(private readonly options: PatchBatcherOptions) {
    this.intervalMs = options.intervalMs ?? PATCH_INTERVAL_MS;
  }

  /** Number of tiles with a change waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** The tile's latest view; replaces any earlier change of the same tile in this batch. */
  upsert(view: TileView): void {
    this.pending.set(view.id, { view });
    this.schedule();
  }

  /** The tile is gone; replaces any earlier change of the same tile in this batch. */
  remove(id: string): void {
    this.pending.set(id, { removed: true });
    this.schedule();
  }

  /** Listener for batches. Returns an unsubscribe function. */
  onFlush(listener: (patch: TilesPatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends what is waiting now (shutdown, or before a snapshot so the snapshot and patches agree). */
  flush(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const patch: TilesPatch = { upsert: [], remove: [] };
    for (const [id, change] of this.pending) {
      if ('view' in change) patch.upsert.push(change.view);
      else patch.remove.push(id);
    }
    this.pending = new Map();
    this.lastFlushAt = this.options.clock.now();
    for (const listener of this.listeners) listener(patch);
  }

  /** Drops what is waiting and stops the timer. */
  dispose(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.listeners.clear();
  }

  /** The first change after a quiet spell goes out at once (next turn); later ones wait for the interval. */
  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - this.options.clock.now());
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}

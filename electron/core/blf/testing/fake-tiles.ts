/** A scriptable {@link TilesController} for service, serve and IPC tests (no SIP engine involved). */
import type { Result } from '../../../../shared/result';
import { fail, ok } from '../../../../shared/result';
import type { Settings } from '../../../../shared/settings';
import type { NotifyQueueStats, TileConfig, TilesPatch, TileView } from '../../../../shared/tiles';
import type { TilesController } from '../../console-service';

export class FakeTiles implements TilesController {
  applied: Settings[] = [];
  shutdowns = 0;
  views: TileView[] = [];
  current: NotifyQueueStats = { depth: 0, bound: 5000, ratePerSecond: 10000, received: 0, applied: 0, coalesced: 0, rejected: 0, subscriptions: 0 };
  private readonly patchListeners = new Set<(patch: TilesPatch) => void>();
  private readonly statsListeners = new Set<(stats: NotifyQueueStats) => void>();

  apply(settings: Settings): void {
    this.applied.push(settings);
  }

  tileViews(): TileView[] {
    return this.views;
  }

  stats(): NotifyQueueStats {
    return this.current;
  }

  onPatch(listener: (patch: TilesPatch) => void): () => void {
    this.patchListeners.add(listener);
    return () => this.patchListeners.delete(listener);
  }

  onStats(listener: (stats: NotifyQueueStats) => void): () => void {
    this.statsListeners.add(listener);
    return () => this.statsListeners.delete(listener);
  }

  /** Lines `refresh` was asked for, in order (undefined = all). */
  refreshed: Array<number | undefined> = [];

  refresh(line?: number): Result<{ subscriptions: number }> {
    this.refreshed.push(line);
    return ok({ subscriptions: this.views.length });
  }

  importXml(xml: string): Result<TileConfig[]> {
    return xml.includes('<key')
      ? ok([{ id: 'k1', name: '77', uri: '77', watch: ['dialog'], action: { kind: 'call', uri: '77' } }])
      : fail('invalid-argument', 'no <key> element', { field: 'xml' });
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }

  /** Test hook: pushes a patch as the real service would. */
  emitPatch(patch: TilesPatch): void {
    for (const listener of this.patchListeners) listener(patch);
  }
}

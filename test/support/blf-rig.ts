/**
 * The engine's BLF half without serve or Electron: a LineManager and a BlfService on the system clock, with every
 * tile change recorded, for integration tests against real peers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlfService } from '../../electron/core/blf/blf-service';
import { LineManager } from '../../electron/core/lines/line-manager';
import { TraceLog } from '../../electron/core/trace-log';
import { SystemClock } from '../../electron/sip/clock';
import type { Settings } from '../../shared/settings';
import type { TileView } from '../../shared/tiles';

export interface BlfRig {
  manager: LineManager;
  blf: BlfService;
  /** Every view each tile had, in order (from the batched patches). */
  history: Map<string, TileView[]>;
  logs: string[];
  trace: TraceLog;
  apply(settings: Settings): void;
  /** Call-IDs of SUBSCRIBE dialogs the server accepted (2xx), as seen on the wire. */
  acceptedSubscriptions(): Set<string>;
  tile(id: string): TileView | undefined;
  close(): Promise<void>;
}

export function startBlfRig(): BlfRig {
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-blf-'));
  const clock = new SystemClock();
  const logs: string[] = [];
  const log = (message: string): void => void logs.push(message);
  const trace = new TraceLog({ clock, bufferSize: 5000 });
  const manager = new LineManager({ clock, dataDir, trace, log });
  const blf = new BlfService({ clock, lines: manager, log });
  const history = new Map<string, TileView[]>();
  blf.onPatch((patch) => {
    for (const view of patch.upsert) history.set(view.id, [...(history.get(view.id) ?? []), view]);
  });
  return {
    manager,
    blf,
    history,
    logs,
    trace,
    acceptedSubscriptions: () =>
      new Set(trace.list({ method: 'SUBSCRIBE', direction: 'in' }).filter((e) => e.status !== undefined && e.status >= 200 && e.status < 300).map((e) => e.callId)),
    apply(settings) {
      manager.apply(settings);
      blf.apply(settings);
    },
    tile: (id) => blf.tileViews().find((v) => v.id === id),
    async close() {
      await blf.shutdown().catch(() => undefined);
      await manager.shutdown().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The console's engine as the flood benchmark measures it: the same composition as the app's BLF half — LineManager
 * (real UDP transport, parser, transactions, subscriptions), the SIP trace recording every message, BlfService with
 * its throttled queue — and every tile patch serialized as it would be for the renderer. Runs in its own process so
 * its CPU time and memory are its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { BlfService } from '../../electron/core/blf/blf-service';
import { useCompactHeap } from '../../electron/core/compact-heap';
import { PATCH_INTERVAL_MS } from '../../electron/core/blf/patch-batcher';
import { LineManager } from '../../electron/core/lines/line-manager';
import { TraceLog } from '../../electron/core/trace-log';
import { SystemClock } from '../../electron/sip/clock';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { TileConfig } from '../../shared/tiles';
import type { FloodPeerCommand, FloodPeerReport } from './flood-peer-protocol';

// The heap profile the app's composition roots use, so the figures are the app's.
useCompactHeap();
const send = (report: FloodPeerReport): void => void process.send?.(report);
const dataDir = mkdtempSync(join(tmpdir(), 'ac-bench-flood-'));
const clock = new SystemClock();
const trace = new TraceLog({ clock, bufferSize: DEFAULT_SETTINGS.diagnostics.traceBufferSize });
const manager = new LineManager({ clock, dataDir, trace, log: () => undefined });
const blf = new BlfService({ clock, lines: manager, log: () => undefined });
/** When the last patch went out: the tiles are final in the renderer from then on. */
let lastPatchAt = 0;
blf.onPatch((patch) => {
  // Serialized as for the renderer, so that cost is in the figures.
  if (JSON.stringify(patch).length > 0) lastPatchAt = performance.now();
});
let cpuMark = process.cpuUsage();
// BENCH_FLOOD_PROF=<dir>: a V8 CPU profile of the flood window only (begin → all bodies applied), not start-up.
const profileDir = process.env['BENCH_FLOOD_PROF'];
// BENCH_FLOOD_ALLOC=<dir>: a sampling heap profile (what the flood allocates, by function) of the same window.
const allocDir = process.env['BENCH_FLOOD_ALLOC'];
const profiler = profileDir || allocDir ? new Session() : undefined;
profiler?.connect();
const post = (method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => profiler?.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

function settingsFor(notifierPort: number, subscriptions: number): Settings {
  const tiles: TileConfig[] = Array.from({ length: subscriptions }, (_, i) => ({
    id: `t${i}`,
    name: `Extension ${1000 + i}`,
    uri: String(1000 + i),
    watch: ['dialog'],
    action: { kind: 'call', uri: String(1000 + i) },
  }));
  return {
    ...DEFAULT_SETTINGS,
    lines: [
      // The notifier is no registrar (REGISTER gets 501); subscriptions do not need a registration.
      { id: 'l1', enabled: true, displayName: 'Bench', user: '100', password: 'x', domain: 'bench.local', registrar: `127.0.0.1:${notifierPort}`, transport: 'udp', expires: 3600 },
    ],
    tiles,
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function onCommand(command: FloodPeerCommand): Promise<void> {
  if (command.type === 'start') {
    const startedAt = performance.now();
    const settings = settingsFor(command.notifierPort, command.subscriptions);
    manager.apply(settings);
    blf.apply(settings);
    await until(() => blf.stats().subscriptions >= command.subscriptions, 60_000);
    send({ type: 'subscribed', ms: performance.now() - startedAt });
  } else if (command.type === 'begin') {
    if (profileDir) await post('Profiler.enable').then(() => post('Profiler.start'));
    if (allocDir) await post('HeapProfiler.enable').then(() => post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }));
    cpuMark = process.cpuUsage();
  } else if (command.type === 'end') {
    const depthAtEnd = blf.stats().depth;
    const endedAt = performance.now();
    await until(() => blf.stats().depth === 0, 60_000);
    const emptyAt = performance.now();
    // The patch batcher sends what the last bodies changed within its interval: the tiles are final once it has.
    await new Promise((resolve) => setTimeout(resolve, PATCH_INTERVAL_MS + 20));
    const drainMs = Math.max(emptyAt, lastPatchAt) - endedAt;
    const cpu = process.cpuUsage(cpuMark);
    if (profileDir) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(profileDir, `engine-flood-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    if (allocDir) {
      const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(join(allocDir, `engine-flood-${process.pid}.heapprofile`), JSON.stringify(profile));
    }
    const memory = process.memoryUsage();
    // BENCH_HEAP_SNAPSHOT=<dir>: a heap snapshot after the flood, to see what the memory holds.
    const snapshotDir = process.env['BENCH_HEAP_SNAPSHOT'];
    if (snapshotDir) writeHeapSnapshot(join(snapshotDir, `engine-${process.pid}.heapsnapshot`));
    const states: Record<string, string> = {};
    for (const view of blf.tileViews()) states[view.uri] = view.state;
    send({ type: 'figures', cpuMicros: cpu.user + cpu.system, rss: memory.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: memory.heapUsed, depthAtEnd, drainMs, states });
  } else if (command.type === 'sample') {
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'sample', rss, heapUsed });
  } else {
    await blf.shutdown().catch(() => undefined);
    await manager.shutdown().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
}

process.on('message', (command: FloodPeerCommand) => void onCommand(command));
send({ type: 'ready' });

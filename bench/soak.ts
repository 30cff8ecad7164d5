/**
 * Issue 13's soak target: the engine's memory stays flat while NOTIFYs keep coming at a steady 50/s over 1,000
 * subscriptions for an hour (the SIP trace bounded by bytes, Timer J records expiring, nothing else growing). The
 * engine runs in its own bundled process, as in the flood benchmark; its RSS is sampled at even intervals. "Flat"
 * is judged after a warm-up (the first tenth of the run, when the trace buffer and the heap fill to their working
 * size): the largest sample against the 120 MB memory target, and the slope of the RSS floor — the lowest sample of
 * each tenth of the rest — in MB per hour. A leak raises the floor; the garbage collector's saw-tooth moves the
 * samples in between, which is why a least-squares fit over every sample (printed too) swung to +15 MB/h over 20
 * minutes that began and ended at the same RSS. The slope gets a pass/miss only over the hour the target names: a
 * shorter run prints it as indicative, since it scales every MB the floor moves up to MB per hour.
 * `BENCH_SOAK_CSV=<file>` writes every sample. Figures for `npm run bench`; never asserted.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { bundlePeers, nextReport, startSubscribedPeer, type SubscribedPeer } from './flood';
import { duration, MB, mb, verdict } from './format';

export interface SoakScenario {
  subscriptions: number;
  /** NOTIFYs per second, spread round-robin over the subscriptions. */
  rate: number;
  durationMs: number;
  /** How often the RSS is sampled. */
  sampleEveryMs: number;
}

/** Slope of `points` by least squares, in y units per x unit. */
export function leastSquaresSlope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const HOUR_MS = 3_600_000;
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/**
 * The floor of `points` (x ascending): the point with the lowest y in each of `windows` equal spans of x. Empty
 * spans give nothing, so fewer points than windows give the points themselves.
 */
export function windowFloor(points: ReadonlyArray<readonly [number, number]>, windows: number): Array<readonly [number, number]> {
  if (points.length === 0) return [];
  const first = points[0]![0];
  const span = (points.at(-1)![0] - first) / windows;
  const lowest = new Map<number, readonly [number, number]>();
  for (const point of points) {
    const w = span === 0 ? 0 : Math.min(windows - 1, Math.floor((point[0] - first) / span));
    const held = lowest.get(w);
    if (!held || point[1] < held[1]) lowest.set(w, point);
  }
  return [...lowest.keys()].sort((a, b) => a - b).map((w) => lowest.get(w)!);
}

/** Runs the soak against the console's engine and returns its printed figures with targets and pass/miss. */
export async function benchSoak(scenario: SoakScenario, memoryTarget = 120 * MB, slopeTargetMbPerHour = 5): Promise<Record<string, string>> {
  const peers = await bundlePeers();
  let peer: SubscribedPeer | undefined;
  const samples: Array<[number, number]> = [];
  try {
    peer = await startSubscribedPeer(peers.scripts.engine, scenario.subscriptions);
    const { child, notifier, command } = peer;
    command({ type: 'begin' });
    const startedAt = performance.now();
    const sample = async (): Promise<void> => {
      const report = nextReport(child, 'sample');
      command({ type: 'sample' });
      samples.push([(performance.now() - startedAt) / HOUR_MS, (await report).rss]);
    };
    await sample();
    let sampling = Promise.resolve();
    const timer = setInterval(() => (sampling = sampling.then(sample)), scenario.sampleEveryMs);
    const flood = await notifier
      .flood({ total: Math.round((scenario.rate * scenario.durationMs) / 1000), durationMs: scenario.durationMs })
      .finally(() => clearInterval(timer));
    await sampling;
    await sample();
    const warm = samples.filter(([hours]) => hours * HOUR_MS >= scenario.durationMs / 10);
    const inMb = warm.map(([hours, rss]) => [hours, rss / MB] as const);
    const slope = leastSquaresSlope(inMb);
    const floor = windowFloor(inMb, 10);
    const floorSlope = leastSquaresSlope(floor);
    const csv = process.env['BENCH_SOAK_CSV'];
    if (csv) writeFileSync(csv, `hours,rss_mb\n${samples.map(([hours, rss]) => `${hours.toFixed(5)},${(rss / MB).toFixed(2)}`).join('\n')}\n`);
    const max = Math.max(...warm.map(([, rss]) => rss));
    const runLength = duration(scenario.durationMs);
    return {
      'run': `${runLength} at ${scenario.rate}/s over ${scenario.subscriptions.toLocaleString('en')} subscriptions, ${flood.answered.toLocaleString('en')} answered, ${flood.timedOut + flood.failed} not; ${samples.length} RSS samples`,
      'RSS at the start, after warm-up, at the end': `${mb(samples[0]![1])}, ${mb(warm[0]?.[1] ?? NaN)}, ${mb(samples.at(-1)![1])}`,
      [`RSS after warm-up: largest (target ≤ ${mb(memoryTarget)})`]: `${mb(max)} ${verdict(max <= memoryTarget)}`,
      'RSS floor after warm-up (lowest of each tenth)': floor.map(([, rss]) => rss.toFixed(0)).join(' ') + ' MB',
      [`RSS floor after warm-up: slope (target flat over the hour, |slope| ≤ ${slopeTargetMbPerHour} MB/h)`]: `${signed(floorSlope)} MB/h ${
        scenario.durationMs >= HOUR_MS
          ? verdict(Math.abs(floorSlope) <= slopeTargetMbPerHour)
          : `indicative only: over a ${runLength} run each MB the floor moves reads as ${Math.round(HOUR_MS / (scenario.durationMs * 0.9))} MB/h; \`BENCH_SOAK_MINUTES=60 npx tsx bench/index.ts soak\` judges the hour`
      } (least squares over every sample: ${signed(slope)} MB/h)`,
    };
  } finally {
    await peer?.stop();
    rmSync(peers.dir, { recursive: true, force: true });
  }
}

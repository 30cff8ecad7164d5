/**
 * Issue 13's soak target: the engine's memory stays flat while NOTIFYs keep coming at a steady 50/s over 1,000
 * subscriptions for an hour (the SIP trace bounded by bytes, Timer J records expiring, nothing else growing). The
 * engine runs in its own bundled process, as in the flood benchmark; its RSS is sampled at even intervals. "Flat"
 * is judged after a warm-up (the first tenth of the run, when the trace buffer and the heap fill to their working
 * size): the least-squares slope of the RSS samples, in MB per hour, and the largest sample against the 120 MB
 * memory target. Figures for `npm run bench`; never asserted.
 */
import { rmSync } from 'node:fs';
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
      samples.push([(performance.now() - startedAt) / 3_600_000, (await report).rss]);
    };
    await sample();
    let sampling = Promise.resolve();
    const timer = setInterval(() => (sampling = sampling.then(sample)), scenario.sampleEveryMs);
    const flood = await notifier
      .flood({ total: Math.round((scenario.rate * scenario.durationMs) / 1000), durationMs: scenario.durationMs })
      .finally(() => clearInterval(timer));
    await sampling;
    await sample();
    const warm = samples.filter(([hours]) => hours * 3_600_000 >= scenario.durationMs / 10);
    const slope = leastSquaresSlope(warm.map(([hours, rss]) => [hours, rss / MB] as const));
    const max = Math.max(...warm.map(([, rss]) => rss));
    const runLength = duration(scenario.durationMs);
    return {
      'run': `${runLength} at ${scenario.rate}/s over ${scenario.subscriptions.toLocaleString('en')} subscriptions, ${flood.answered.toLocaleString('en')} answered, ${flood.timedOut + flood.failed} not; ${samples.length} RSS samples`,
      'RSS at the start, after warm-up, at the end': `${mb(samples[0]![1])}, ${mb(warm[0]?.[1] ?? NaN)}, ${mb(samples.at(-1)![1])}`,
      [`RSS after warm-up: largest (target ≤ ${mb(memoryTarget)})`]: `${mb(max)} ${verdict(max <= memoryTarget)}`,
      [`RSS after warm-up: slope (target flat, |slope| ≤ ${slopeTargetMbPerHour} MB/h)`]: `${slope >= 0 ? '+' : ''}${slope.toFixed(1)} MB/h ${verdict(Math.abs(slope) <= slopeTargetMbPerHour)}${scenario.durationMs < 3_600_000 ? ` (a ${runLength} run: \`BENCH_SOAK_MINUTES=60 npx tsx bench/index.ts soak\` for the hour)` : ''}`,
    };
  } finally {
    await peer?.stop();
    rmSync(peers.dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench`: runs every benchmark and prints its figures (goals live here, not in timed tests).
 *
 *   npx tsx bench/index.ts [section]            sections: sip, flood, soak, blf, grid, media (default: all)
 *   npx tsx bench/index.ts --smoke [section]    every benchmark at a tiny size, so CI can run them all in seconds
 *
 * A missed target is reported, never fatal; an exception (a benchmark that no longer runs) exits non-zero. The grid
 * section needs Chromium and the built renderer (`npm run build:renderer`; built on demand when missing). The soak runs
 * 5 minutes in a full run; `BENCH_SOAK_MINUTES=60` gives the hour its target names.
 */
import { benchFlood } from './flood';
import { benchSoak } from './soak';
import { duration } from './format';
import { benchNotifyRouting } from './notify-routing';
import { benchDialogInfo } from './dialog-info-parse';
import { benchApplyRate, benchRlmiApply } from './blf-apply';
import { benchGridFrames } from './grid-frames';
import { benchJitterDelay, benchMediaCalls } from './media';
import { appTrace, benchParse, benchUdpAnswer } from './sip-core';

const SECTIONS = ['sip', 'flood', 'soak', 'blf', 'grid', 'media'] as const;
type Section = (typeof SECTIONS)[number];

function print(title: string, figures: Record<string, string>): void {
  console.log(`\n${title}`);
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(44)} ${value}`);
}

function parseArgs(argv: readonly string[]): { smoke: boolean; only: Section | undefined } {
  let smoke = false;
  let only: Section | undefined;
  for (const arg of argv) {
    if (arg === '--smoke') smoke = true;
    else if ((SECTIONS as readonly string[]).includes(arg) && !only) only = arg as Section;
    else throw new Error(`unknown argument ${arg}: usage: bench/index.ts [--smoke] [${SECTIONS.join('|')}]`);
  }
  return { smoke, only };
}

const n = (value: number): string => value.toLocaleString('en');

/** Minutes of the full soak: `BENCH_SOAK_MINUTES`, default 5 (the target's hour is 60). */
function soakMinutes(): number {
  const minutes = Number(process.env['BENCH_SOAK_MINUTES'] ?? 5);
  if (!(minutes > 0)) throw new Error(`BENCH_SOAK_MINUTES must be a positive number of minutes, got ${process.env['BENCH_SOAK_MINUTES']}`);
  return minutes;
}

async function run(smoke: boolean, only: Section | undefined): Promise<void> {
  const want = (name: Section): boolean => !only || only === name;
  if (smoke) console.log('Smoke run: every benchmark at a tiny size; the figures prove it runs, they are not the figures.');

  if (want('sip')) {
    const size = smoke
      ? { parse: 2_000, answers: 500, window: 50, subscriptions: 50, notifies: 500, paced: [500] }
      : { parse: 50_000, answers: 20_000, window: 200, subscriptions: 1000, notifies: 20_000, paced: [5_000, 10_000, 20_000] };
    const routingOptions = { count: size.notifies, subscriptions: size.subscriptions, window: size.window, pacedRates: size.paced };
    print('SIP message layer', benchParse(size.parse));
    print('SIP stack: request → 200 OK over UDP loopback', await benchUdpAnswer(size.answers, size.window));
    const routing = await benchNotifyRouting(routingOptions);
    print(`BLF: NOTIFY → 200 OK through subscriptions (${n(size.subscriptions)} subscriptions, target ≥ 20,000/s, p99 < 10 ms)`, routing.figures);
    const trace = appTrace();
    const traced = await benchNotifyRouting({ ...routingOptions, onWire: trace.onWire });
    trace.close();
    print('BLF: the same with the SIP trace recording every message, as in the app', traced.figures);
  }
  if (want('flood')) {
    const scenarios = smoke
      ? [{ subscriptions: 20, notifies: 200, rate: 5000 }]
      : [{ subscriptions: 200, notifies: 5000, rate: 5000 }, { subscriptions: 1000, notifies: 20_000, rate: 5000 }];
    for (const scenario of scenarios) {
      const memoryTarget = scenario.subscriptions >= 1000 || smoke ? 120 * 1048576 : undefined;
      print(
        `NOTIFY flood over UDP loopback: ${n(scenario.subscriptions)} subscriptions × ${n(scenario.notifies)} NOTIFYs at ${n(scenario.rate)}/s, console engine vs a raw dgram responder and a parsing one (each in its own process)`,
        await benchFlood(scenario, memoryTarget),
      );
    }
  }
  if (want('soak')) {
    const scenario = smoke
      ? { subscriptions: 20, rate: 50, durationMs: 10_000, sampleEveryMs: 1000 }
      : { subscriptions: 1000, rate: 50, durationMs: soakMinutes() * 60_000, sampleEveryMs: Math.max(5000, (soakMinutes() * 60_000) / 120) };
    print(
      `Memory soak: ${n(scenario.subscriptions)} subscriptions, NOTIFYs at ${scenario.rate}/s for ${duration(scenario.durationMs)}, the console engine in its own process`,
      await benchSoak(scenario),
    );
  }
  if (want('blf')) {
    const size = smoke ? { bodies: 500, resources: 100, runs: 2 } : { bodies: 20_000, resources: 1000, runs: 9 };
    print('BLF: event bodies', {
      'dialog-info parse': `${Math.round(benchDialogInfo(size.bodies)).toLocaleString('en')} bodies/s`,
      ...benchApplyRate(size.bodies),
      ...benchRlmiApply(size.resources, size.runs),
    });
  }
  if (want('grid')) {
    const size = smoke ? { tiles: 200, durationMs: 1000 } : { tiles: 1000, durationMs: 5000 };
    print(`Tile grid in Chromium: ${n(size.tiles)} tiles, start-up, 500 changes/s and search`, await benchGridFrames(size));
  }
  if (want('media')) {
    const calls = await benchMediaCalls({ smoke });
    for (const { title, figures } of calls.cost) print(title, figures);
    print(calls.latency.title, calls.latency.figures);
    print(
      `Jitter buffer under 30 ms jitter (uniform, 30 ms path), ${smoke ? 5 : 60} s of tone per loss rate, fake time. Targets: the chosen delay stays ` +
        'within the buffer\'s 20–200 ms bounds (≈ 35 ms expected: the 97th percentile of the jitter + 5 ms); concealment = loss ± 1 point ' +
        '(each lost frame concealed once, nothing else); late discards < 1 % (the delay covers the jitter)',
      benchJitterDelay({ smoke }),
    );
  }
}

const started = performance.now();
try {
  const { smoke, only } = parseArgs(process.argv.slice(2));
  // A benchmark that waits forever must fail the run, not hold CI until its own limit (10 min smoke, 1 h full plus the soak).
  const limitMs = smoke ? 600_000 : 3_600_000 + (!only || only === 'soak' ? soakMinutes() * 60_000 : 0);
  setTimeout(() => {
    console.error(`\nbench: still running after ${limitMs / 60_000} min: a benchmark hangs; the last title printed names the section`);
    process.exit(1);
  }, limitMs).unref();
  await run(smoke, only);
  console.log(`\nbench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`\nbench: failed after ${((performance.now() - started) / 1000).toFixed(1)} s:`, error);
  // Sockets, workers or a browser may still be open: leave now, with the failure.
  process.exit(1);
}

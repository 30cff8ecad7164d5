/**
 * Issue 13's NOTIFY-cost, memory and final-truth targets: a notifier floods `subscriptions` dialog subscriptions over
 * UDP loopback, against the console's engine and against two baselines, each in its own process, measured in the
 * same run: a raw `dgram` responder (the least a subscriber can do; the target is a multiple of it) and the same
 * responder running the console's parsers on every NOTIFY (the least a subscriber that shows lamps must do). CPU
 * time is the measured process's own, from the flood's start until every body is applied to the tiles (the engine's
 * queued work counts). Figures for `npm run bench`; never asserted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startFloodNotifier, type FloodNotifier, type FloodResult } from '../test/support/flood-notifier';
import { mb, verdict } from './format';
import type { FloodPeerCommand, FloodPeerReport } from './peers/flood-peer-protocol';

/** One flood scenario. */
export interface FloodScenario {
  subscriptions: number;
  notifies: number;
  /** Sending rate of the notifier (NOTIFYs per second). */
  rate: number;
}

interface PeerRun {
  subscribedMs: number;
  flood: FloodResult;
  figures: Extract<FloodPeerReport, { type: 'figures' }>;
}

const PEERS = {
  engine: fileURLToPath(new URL('./peers/engine-peer.ts', import.meta.url)),
  raw: fileURLToPath(new URL('./peers/raw-responder-peer.ts', import.meta.url)),
  parsing: fileURLToPath(new URL('./peers/parsing-responder-peer.ts', import.meta.url)),
};

/**
 * Bundles both peers to plain JavaScript, so they run under bare `node`: a TypeScript loader in the measured process
 * would add its own memory (tens of MB) and start-up CPU to the figures.
 */
export async function bundlePeers(): Promise<{ dir: string; scripts: Record<keyof typeof PEERS, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ac-bench-peers-'));
  const scripts = { engine: join(dir, 'engine-peer.mjs'), raw: join(dir, 'raw-responder-peer.mjs'), parsing: join(dir, 'parsing-responder-peer.mjs') };
  for (const kind of Object.keys(PEERS) as Array<keyof typeof PEERS>) {
    await build({ entryPoints: [PEERS[kind]], outfile: scripts[kind], bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  }
  return { dir, scripts };
}

/**
 * Whether a peer process has ended. A peer killed by a signal (a V8 abort, a crash) keeps `exitCode` null and sets
 * `signalCode`: checking only the first made the benchmark wait forever for an exit that had already happened.
 */
export function peerExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once `child` has ended, at once when it already has. */
export function peerExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (peerExited(child) ? resolve() : child.once('exit', () => resolve())));
}

export function nextReport<T extends FloodPeerReport['type']>(child: ChildProcess, type: T, timeoutMs = 120_000): Promise<Extract<FloodPeerReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    if (peerExited(child)) {
      reject(new Error(`flood peer exited (${child.exitCode ?? child.signalCode}) before '${type}'`));
      return;
    }
    const timer = setTimeout(() => done(new Error(`flood peer: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (report: FloodPeerReport): void => {
      if (report.type === type) done(undefined, report as Extract<FloodPeerReport, { type: T }>);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done(new Error(`flood peer exited (${code ?? signal}) before '${type}'`));
    function done(error?: Error, report?: Extract<FloodPeerReport, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(report!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A measured peer process holding its subscriptions at a fake PBX, ready for `begin`. */
export interface SubscribedPeer {
  child: ChildProcess;
  notifier: FloodNotifier;
  command: (c: FloodPeerCommand) => void;
  /** ms from `start` until the peer had every subscription. */
  subscribedMs: number;
  /** Ends the peer process and the notifier. */
  stop: () => Promise<void>;
}

/** Starts a notifier and the peer `script`, and has the peer subscribe `subscriptions` extensions there. */
export async function startSubscribedPeer(script: string, subscriptions: number, execArgv: string[] = []): Promise<SubscribedPeer> {
  const notifier = await startFloodNotifier();
  const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const command = (c: FloodPeerCommand): void => void (child.connected && child.send(c));
  const stop = async (): Promise<void> => {
    command({ type: 'exit' });
    await peerExit(child);
    await notifier.stop();
  };
  try {
    await nextReport(child, 'ready');
    const subscribed = nextReport(child, 'subscribed');
    command({ type: 'start', notifierPort: notifier.port, subscriptions });
    const { ms: subscribedMs } = await subscribed;
    await notifier.waitForSubscriptions(subscriptions, 60_000);
    return { child, notifier, command, subscribedMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function runPeer(script: string, scenario: FloodScenario): Promise<PeerRun> {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each measured process there (`--cpu-prof`), to find the cost.
  const profileDir = process.env['BENCH_CPU_PROF'];
  const execArgv = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const { child, notifier, command, subscribedMs, stop } = await startSubscribedPeer(script, scenario.subscriptions, execArgv);
  try {
    // Let the initial NOTIFYs settle before the flood is measured.
    await new Promise((resolve) => setTimeout(resolve, 500));
    command({ type: 'begin' });
    const flood = await notifier.flood({ total: scenario.notifies, durationMs: (scenario.notifies / scenario.rate) * 1000 });
    const figuresReport = nextReport(child, 'figures');
    command({ type: 'end' });
    const figures = await figuresReport;
    return { subscribedMs, flood, figures };
  } finally {
    await stop();
  }
}

const n = (value: number): string => Math.round(value).toLocaleString('en');

/** The p99 without the flood's first second (the engine starts it cold), when the flood is long enough to have one. */
const afterFirstSecond = (run: PeerRun): string =>
  Number.isNaN(run.flood.answerP99AfterFirstSecondMs) ? '' : `; p99 after the first second ${run.flood.answerP99AfterFirstSecondMs.toFixed(1)}`;

/** Runs one scenario against both peers and returns its printed figures, each with its target and pass/miss. */
export async function benchFlood(scenario: FloodScenario, memoryTarget?: number): Promise<Record<string, string>> {
  const peers = await bundlePeers();
  let raw: PeerRun;
  let parsing: PeerRun;
  let engine: PeerRun;
  try {
    raw = await runPeer(peers.scripts.raw, scenario);
    parsing = await runPeer(peers.scripts.parsing, scenario);
    engine = await runPeer(peers.scripts.engine, scenario);
  } finally {
    rmSync(peers.dir, { recursive: true, force: true });
  }
  const perNotify = (run: PeerRun): number => run.figures.cpuMicros / Math.max(1, run.flood.answered);
  const rate = (run: PeerRun): number => run.flood.answered / (run.flood.settledMs / 1000);
  const cpuRatio = perNotify(engine) / perNotify(raw);
  const rateRatio = rate(engine) / rate(raw);
  const wrongTiles = [...engine.flood.finalStates].filter(([uri, final]) => engine.figures.states[uri] !== final.state);
  const wrong = wrongTiles.length;
  const example = wrongTiles[0] ? ` (e.g. ${wrongTiles[0][0]} shows ${engine.figures.states[wrongTiles[0][0]]}, last sent ${wrongTiles[0][1].state})` : '';
  const figures: Record<string, string> = {
    'raw dgram responder': `${n(rate(raw))} answered/s, ${perNotify(raw).toFixed(0)} µs CPU per NOTIFY, RSS ${mb(raw.figures.rss)}`,
    'parsing responder (raw + message and body parsed)': `${n(rate(parsing))} answered/s, ${perNotify(parsing).toFixed(0)} µs CPU per NOTIFY (${(perNotify(parsing) / perNotify(raw)).toFixed(2)}× raw)`,
    'console engine': `${n(rate(engine))} answered/s, ${perNotify(engine).toFixed(0)} µs CPU per NOTIFY (bodies applied included), RSS ${mb(engine.figures.rss)} (peak ${mb(engine.figures.maxRss)})`,
    'CPU per NOTIFY vs raw (target ≤ 1.5×)': `${cpuRatio.toFixed(2)}× ${verdict(cpuRatio <= 1.5)} (${(perNotify(engine) / perNotify(parsing)).toFixed(2)}× the parsing responder)`,
    'answered/s vs raw (target ≥ 0.95×)': `${rateRatio.toFixed(2)}× ${verdict(rateRatio >= 0.95)}`,
    [`answer p99 at ${n(scenario.rate)}/s (target < 50 ms)`]: `${engine.flood.answerP99Ms.toFixed(1)} ms (p50 ${engine.flood.answerP50Ms.toFixed(1)}${afterFirstSecond(engine)}; raw p99 ${raw.flood.answerP99Ms.toFixed(1)}) ${verdict(engine.flood.answerP99Ms < 50)}`,
    'unanswered / failed': `${engine.flood.timedOut} / ${engine.flood.failed} (raw ${raw.flood.timedOut} / ${raw.flood.failed})`,
    'final truth: all tiles final after the last 200 (target ≤ 100 ms)': `${engine.figures.drainMs.toFixed(0)} ms, ${engine.figures.depthAtEnd} bodies queued at the end, ${wrong} tiles wrong${example} ${verdict(engine.figures.drainMs <= 100 && wrong === 0)}`,
    [`${n(scenario.subscriptions)} subscriptions established (target < 1 s)`]: `${n(engine.subscribedMs)} ms (raw ${n(raw.subscribedMs)} ms) ${verdict(engine.subscribedMs < 1000)}`,
  };
  if (memoryTarget !== undefined)
    figures[`engine RSS after the flood (target ≤ ${mb(memoryTarget)})`] = `${mb(engine.figures.rss)} ${verdict(engine.figures.rss <= memoryTarget)}`;
  return figures;
}

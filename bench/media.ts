/**
 * Media engine figures (issue 10): what a call's audio costs the console and how much delay the console itself adds.
 * Printed, never asserted.
 *
 * 1. CPU per call. `pairs` pairs of real MediaSessions (electron/media/testing/media-rig.ts `sessionPair`) talk over
 *    127.0.0.1 UDP, plain RTP or SRTP (`require` both ends). Every session is the console end of one call and has a
 *    20 ms "audio device" timer that does what the audio hub does per device frame (electron/core/audio/audio-hub.ts):
 *    one microphone frame into `callAudio.pushCapture`, one frame out of `callAudio.pullPlayout`. The device timer
 *    is drift-free (frame n at start + n·20 ms, as a sound card). `process.cpuUsage()` over the measured seconds,
 *    divided by the sessions, is the cost of one call: both directions, kernel UDP, timers, RTCP and GC included.
 *    The split by direction comes from a second, synchronous run of a real session pair whose RTP sockets' `send`
 *    is replaced by a hand-over to the other session's socket `message` event: the sender's tick (capture queue →
 *    G.711 → RTP → SRTP) and the receive handler (SRTP → RTP checks → jitter buffer with decode) plus the pull,
 *    timed frame by frame with no kernel and no event loop in between. What the socket run costs beyond the two is
 *    the UDP system calls, the event loop and its timers.
 *
 * 2. Added latency, from a run like 1 with recognisable audio. Every microphone frame carries its number in eight of
 *    its samples (values G.711 μ-law reproduces exactly), so a frame is recognised wherever it goes without touching
 *    product code: in the payload `callAudio.nextPayload` returns (wrapped on the instance), in the payloads the far
 *    end's `onAudioFrame` listener sees on arrival, and in the frames the far end's device timer pulls. Microphone →
 *    RTP out is push → nextPayload (CallAudio's capture wait; the UDP send follows in the same tick). RTP in →
 *    playout is arrival (stamped in the receive handler, as the session stamps it for the jitter buffer) → the pull
 *    that first plays the frame, minus the jitter buffer's target delay at that moment.
 *
 * 3. Jitter buffer delay under loss. electron/media/testing/network-sim-rig.ts drives a JitterBuffer in fake time: 60 s of
 *    a continuous tone per loss rate, 30 ms of uniform jitter on a 30 ms path.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { MediaSession } from '../electron/media/media-session';
import type { RtpSocketPair } from '../electron/media/port-allocator';
import type { SrtpPolicy } from '../electron/media/sdp-offer-answer';
import { CallAudio } from '../electron/media/call-audio';
import { decodeG711, encodeG711 } from '../electron/media/g711';
import { JitterBuffer, type JitterBufferStats } from '../electron/media/jitter-buffer';
import { FRAME_MS, FRAME_SAMPLES } from '../electron/media/rtp-sender';
import { FakeMediaClock } from '../electron/media/testing/fake-media-clock';
import { sessionPair } from '../electron/media/testing/media-rig';
import { playThrough, simulateNetwork } from '../electron/media/testing/network-sim-rig';
import { ToneGenerator, toneSamples } from '../electron/media/testing/tone-rig';
import { verdict } from './format';

export interface MediaBenchOptions {
  /** Tiny sizes for CI: proves the benchmark runs, the figures mean little. */
  smoke?: boolean;
}

const CPU_TARGET_PERCENT = 1;
const LATENCY_TARGET_MS = 30;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(values: number[]): { mean: number; p50: number; p95: number; p99: number; min: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, n: sorted.length };
}

// ——— Frame signatures ————————————————————————————————————————————————————————————————————————————

/** Sample positions of the frame number (two copies, past the 5 ms cross-fades of drops and loss recovery). */
const SIGNATURE_AT = [60, 100] as const;
const DIGITS = 4;

/** μ-law levels between 2,000 and 16,000 that survive encode → decode unchanged: the digits of a frame number. */
const ALPHABET: number[] = (() => {
  const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const values = decodeG711('PCMU', codes);
  const back = encodeG711('PCMU', values);
  const levels: number[] = [];
  for (let code = 0; code < 256; code++) {
    const v = values[code]!;
    if (back[code] === code && Math.abs(v) >= 2000 && Math.abs(v) <= 16000) levels.push(v);
  }
  levels.sort((a, b) => a - b);
  return levels;
})();
const BASE = ALPHABET.length;
const DIGIT_OF_SAMPLE = new Int16Array(0x10000).fill(-1);
ALPHABET.forEach((v, digit) => (DIGIT_OF_SAMPLE[v & 0xffff] = digit));
const DIGIT_OF_CODE = new Int16Array(256).fill(-1);
{
  const codes = encodeG711('PCMU', Int16Array.from(ALPHABET));
  codes.forEach((code, digit) => (DIGIT_OF_CODE[code] = digit));
}

/** A -30 dBFS 440 Hz tone under the signatures (peak ≈ 1,036: never a digit; well above the buffer's -45 dBFS "quiet"). */
const TONE_FRAMES: Int16Array[] = (() => {
  const second = toneSamples(440, -30, 8000);
  return Array.from({ length: 8000 / FRAME_SAMPLES }, (_, i) => second.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
})();

/** A fresh microphone frame carrying `index` (the session keeps a reference until the sender takes it). */
function microphoneFrame(index: number): Int16Array {
  const frame = new Int16Array(FRAME_SAMPLES);
  frame.set(TONE_FRAMES[index % TONE_FRAMES.length]!);
  for (const at of SIGNATURE_AT) {
    let rest = index;
    for (let d = 0; d < DIGITS; d++, rest = Math.floor(rest / BASE)) frame[at + d] = ALPHABET[rest % BASE]!;
  }
  return frame;
}

/** The frame number in a frame of samples or of μ-law codes, or -1 when the copies are missing or disagree. */
function frameNumber(frame: ArrayLike<number>, digitOf: Int16Array, mask: number): number {
  let found = -1;
  for (const at of SIGNATURE_AT) {
    let index = 0;
    for (let d = DIGITS - 1; d >= 0; d--) {
      const digit = digitOf[frame[at + d]! & mask]!;
      if (digit < 0) return -1;
      index = index * BASE + digit;
    }
    if (found >= 0 && found !== index) return -1;
    found = index;
  }
  return found;
}
const numberInSamples = (frame: Int16Array): number => frameNumber(frame, DIGIT_OF_SAMPLE, 0xffff);
const numberInPayload = (payload: Uint8Array): number => (payload.length === FRAME_SAMPLES ? frameNumber(payload, DIGIT_OF_CODE, 0xff) : -1);

// ——— Calls over loopback ——————————————————————————————————————————————————————————————————————————

/** One console end of a call with its audio device stand-in. */
interface End {
  session: MediaSession;
  peer: End;
  nextIndex: number;
  /** When each of our microphone frames was pushed (performance.now ms), by frame number. */
  pushedAt: Float64Array;
  /** When each of the peer's frames arrived here, by its number. */
  heardAt: Float64Array;
  /** The peer's frames already played here (a concealed repeat is not a second playout). */
  played: Uint8Array;
  timer: ReturnType<typeof setTimeout> | undefined;
  devicePulls: number;
}

interface CallRunOptions {
  pairs: number;
  srtp: SrtpPolicy;
  warmMs: number;
  measureMs: number;
  instrument: boolean;
}

interface CallRunResult {
  sessions: number;
  wallMs: number;
  cpu: NodeJS.CpuUsage;
  sent: number;
  received: number;
  pulls: number;
  lost: number;
  srtpFailures: number;
  captureWaits: number[];
  receiveToPlayout: number[];
  micToFarArrival: number[];
  mouthToEar: number[];
  jitterDelays: number[];
  unmatchedPlayouts: number;
  /** Event-loop delay while measuring, ms (instrumented runs only). */
  loopDelay: { p50: number; p99: number; max: number };
  /** Garbage collections while measuring: count and longest pause, ms. */
  gc: { count: number; maxMs: number };
  captureStats: { meanMs: number; maxMs: number; underruns: number; overruns: number };
}

async function runCalls(options: CallRunOptions): Promise<CallRunResult> {
  const frames = Math.ceil((options.warmMs + options.measureMs + 5000) / FRAME_MS);
  const rigs: ReturnType<typeof sessionPair>[] = [];
  const ends: End[] = [];
  let measuring = false;
  const captureWaits: number[] = [];
  const receiveToPlayout: number[] = [];
  const micToFarArrival: number[] = [];
  const mouthToEar: number[] = [];
  const jitterDelays: number[] = [];
  let unmatchedPlayouts = 0;

  for (let i = 0; i < options.pairs; i++) {
    const rig = sessionPair({ srtpA: options.srtp, srtpB: options.srtp });
    rigs.push(rig);
    const make = (session: MediaSession, peer: () => End): End => ({
      session,
      get peer() {
        return peer();
      },
      nextIndex: 0,
      pushedAt: new Float64Array(frames),
      heardAt: new Float64Array(frames),
      played: new Uint8Array(frames),
      timer: undefined,
      devicePulls: 0,
    });
    const a: End = make(rig.a, () => b);
    const b: End = make(rig.b, () => a);
    ends.push(a, b);
  }
  try {
    await Promise.all(rigs.map((rig) => rig.negotiate()));
    for (const end of ends) {
      const codec = end.session.stats().codec;
      if (codec !== 'PCMU') throw new Error(`benchmark expects PCMU, negotiated ${codec}`);
      if (options.srtp === 'require' && !end.session.stats().srtp) throw new Error('SRTP was not negotiated');
      if (!options.instrument) continue;
      const audio = end.session.callAudio;
      const nextPayload = audio.nextPayload.bind(audio);
      audio.nextPayload = (codec) => {
        const payload = nextPayload(codec);
        const now = performance.now();
        const index = numberInPayload(payload);
        if (measuring && index >= 0 && end.pushedAt[index]! > 0) captureWaits.push(now - end.pushedAt[index]!);
        return payload;
      };
      end.session.onAudioFrame((payload) => {
        const now = performance.now();
        const index = numberInPayload(payload);
        if (index < 0 || index >= frames || end.heardAt[index]! > 0) return;
        end.heardAt[index] = now;
        if (measuring) micToFarArrival.push(now - end.peer.pushedAt[index]!);
      });
    }
    // Calls start at their own moments, as a console's calls do (not all senders on one millisecond).
    for (const end of ends) setTimeout(() => end.session.start(), Math.random() * FRAME_MS);

    const deliver = (end: End): void => {
      const audio = end.session.callAudio;
      const index = end.nextIndex++;
      const frame = microphoneFrame(index);
      end.devicePulls++;
      if (!options.instrument) {
        audio.pushCapture(frame);
        audio.pullPlayout();
        return;
      }
      end.pushedAt[index] = performance.now();
      audio.pushCapture(frame);
      const out = audio.pullPlayout();
      const t2 = performance.now();
      const heard = numberInSamples(out);
      if (heard < 0 || heard >= frames || end.played[heard] || !(end.heardAt[heard]! > 0)) {
        if (measuring && heard >= 0) unmatchedPlayouts++;
        return;
      }
      end.played[heard] = 1;
      if (!measuring) return;
      const delay = audio.stats().jitter?.delayMs ?? 0;
      receiveToPlayout.push(t2 - end.heardAt[heard]! - delay);
      mouthToEar.push(t2 - end.peer.pushedAt[heard]!);
      jitterDelays.push(delay);
    };
    // One drift-free 20 ms device clock per call, each at its own phase.
    for (const end of ends) {
      const start = performance.now() + Math.random() * FRAME_MS;
      let n = 0;
      const tick = (): void => {
        const due = Math.floor((performance.now() - start) / FRAME_MS);
        for (; n <= due; n++) deliver(end);
        end.timer = setTimeout(tick, start + n * FRAME_MS - performance.now());
      };
      end.timer = setTimeout(tick, start - performance.now());
    }

    await sleep(options.warmMs);
    const totals = (): { sent: number; received: number; pulls: number } => {
      let sent = 0;
      let received = 0;
      let pulls = 0;
      for (const end of ends) {
        const stats = end.session.rtcpStats();
        sent += stats.packetsSent;
        received += stats.packetsReceived;
        pulls += end.devicePulls;
      }
      return { sent, received, pulls };
    };
    const before = totals();
    const lostBefore = ends.reduce((s, e) => s + e.session.rtcpStats().packetsLost, 0);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const gc = { count: 0, maxMs: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gc.count++;
        gc.maxMs = Math.max(gc.maxMs, entry.duration);
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    // Sampling the loop costs a timer every millisecond: only in the instrumented run, not in the one that counts CPU.
    if (options.instrument) loop.enable();
    measuring = true;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await sleep(options.measureMs);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    measuring = false;
    loop.disable();
    gcObserver.disconnect();
    const loopDelay = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    const after = totals();
    const lost = ends.reduce((s, e) => s + e.session.rtcpStats().packetsLost, 0) - lostBefore;
    const captures = ends.map((e) => e.session.callAudio.stats());
    if (after.received - before.received === 0) throw new Error('no RTP arrived during the run');
    return {
      sessions: ends.length,
      wallMs,
      cpu,
      sent: after.sent - before.sent,
      received: after.received - before.received,
      pulls: after.pulls - before.pulls,
      lost,
      srtpFailures: ends.reduce((s, e) => s + e.session.srtpFailures, 0),
      captureWaits,
      receiveToPlayout,
      micToFarArrival,
      mouthToEar,
      jitterDelays,
      unmatchedPlayouts,
      loopDelay,
      gc,
      captureStats: {
        meanMs: captures.reduce((s, c) => s + c.captureWaitMeanMs, 0) / captures.length,
        maxMs: Math.max(...captures.map((c) => c.captureWaitMaxMs)),
        underruns: captures.reduce((s, c) => s + c.captureUnderruns, 0),
        overruns: captures.reduce((s, c) => s + c.captureOverruns, 0),
      },
    };
  } finally {
    for (const end of ends) clearTimeout(end.timer);
    for (const rig of rigs) rig.close();
    // Let the RTCP BYEs go and the sockets close.
    await sleep(50);
  }
}

/**
 * The engine's own time per 20 ms frame and direction: a real session pair on a fake clock, whose RTP sockets hand
 * each datagram straight to the other session's `message` event instead of the kernel. Send = pushCapture + the
 * sender's tick (capture queue → G.711 → RTP → SRTP); receive = the socket handler (SRTP → RTP checks → jitter
 * buffer, decode) + pullPlayout. Both sessions talk, so every frame is timed twice per direction.
 */
async function engineLoop(srtp: SrtpPolicy, warm: number, frames: number): Promise<{ sendUs: number; receiveUs: number; heard: number }> {
  const clock = new FakeMediaClock();
  const rig = sessionPair({ clock, srtpA: srtp, srtpB: srtp });
  const pairs: RtpSocketPair[] = [];
  const allocate = rig.ports.allocate.bind(rig.ports);
  rig.ports.allocate = async (address: string) => {
    const pair = await allocate(address);
    pairs.push(pair);
    return pair;
  };
  try {
    await rig.negotiate();
    const [first, second] = pairs;
    if (!first || !second) throw new Error('the sessions bound no sockets');
    const queues = new Map<RtpSocketPair, Buffer[]>();
    for (const pair of [first, second]) {
      const queue: Buffer[] = [];
      queues.set(pair, queue);
      pair.rtp.send = ((packet: Buffer, _port: number, _address: string, callback?: (error: Error | null) => void) => {
        queue.push(packet);
        callback?.(null);
      }) as typeof pair.rtp.send;
    }
    const deliver = (from: RtpSocketPair, to: RtpSocketPair): void => {
      const queue = queues.get(from)!;
      for (const packet of queue) to.rtp.emit('message', packet, { address: '127.0.0.1', family: 'IPv4', port: from.rtpPort, size: packet.length });
      queue.length = 0;
    };
    const { a, b } = rig;
    a.start();
    b.start();
    let send = 0;
    let receive = 0;
    let heard = 0;
    for (let k = 0; k < warm + frames; k++) {
      if (k === warm) send = receive = heard = 0;
      const micA = microphoneFrame(k);
      const micB = microphoneFrame(k);
      const t0 = performance.now();
      a.callAudio.pushCapture(micA);
      b.callAudio.pushCapture(micB);
      clock.advance(FRAME_MS);
      const t1 = performance.now();
      deliver(first, second);
      deliver(second, first);
      const outA = a.callAudio.pullPlayout();
      const outB = b.callAudio.pullPlayout();
      const t2 = performance.now();
      send += t1 - t0;
      receive += t2 - t1;
      if (numberInSamples(outA) >= 0) heard++;
      if (numberInSamples(outB) >= 0) heard++;
    }
    if (heard === 0 || a.srtpFailures + b.srtpFailures > 0) throw new Error(`engine loop: ${heard} frames heard, ${a.srtpFailures + b.srtpFailures} SRTP failures`);
    return { sendUs: (1000 * send) / (2 * frames), receiveUs: (1000 * receive) / (2 * frames), heard };
  } finally {
    rig.close();
  }
}

/**
 * CallAudio's capture queue in fake time, where nothing is noisy: the device pushes each frame 2 ms before the sender
 * takes it, except one frame that comes 4 ms late (after its tick, one underrun). Returns the capture wait of the
 * frames before and after that one.
 */
function captureQueueAfterOneLateFrame(): { beforeMs: number; afterMs: number; underruns: number } {
  const clock = new FakeMediaClock();
  const audio = new CallAudio(clock);
  const waits: number[] = [];
  const events: { at: number; push: boolean; index: number }[] = [];
  for (let k = 1; k <= 200; k++) {
    events.push({ at: k * FRAME_MS - 2 + (k === 100 ? 4 : 0), push: true, index: k });
    events.push({ at: k * FRAME_MS, push: false, index: k });
  }
  events.sort((x, y) => x.at - y.at || Number(y.push) - Number(x.push));
  const pushedAt = new Map<number, number>();
  for (const event of events) {
    clock.advance(event.at - clock.now());
    if (event.push) {
      pushedAt.set(event.index, clock.now());
      audio.pushCapture(microphoneFrame(event.index));
      continue;
    }
    const index = numberInPayload(audio.nextPayload('PCMU'));
    if (index >= 0) waits[index] = clock.now() - pushedAt.get(index)!;
  }
  return { beforeMs: waits[99] ?? NaN, afterMs: waits[190] ?? NaN, underruns: audio.stats().captureUnderruns };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const us = (n: number): string => `${n.toFixed(1)} µs`;

export interface MediaCostFigures {
  /** Per SRTP mode, the CPU figures. */
  cost: { title: string; figures: Record<string, string> }[];
  latency: { title: string; figures: Record<string, string> };
}

/** Figures 1 and 2: CPU per call (plain RTP and SRTP) and the console's added latency, over 127.0.0.1 UDP. */
export async function benchMediaCalls(options: MediaBenchOptions = {}): Promise<MediaCostFigures> {
  if (BASE < 64) throw new Error(`only ${BASE} exact μ-law levels for the frame signature`);
  const pairs = options.smoke ? 2 : 20;
  const warmMs = options.smoke ? 500 : 2000;
  const measureMs = options.smoke ? 1000 : 8000;
  const engineWarm = options.smoke ? 200 : 2000;
  const engineFrames = options.smoke ? 500 : 25_000;
  const cost: MediaCostFigures['cost'] = [];
  let latencyRuns: { srtp: SrtpPolicy; run: CallRunResult }[] = [];
  for (const srtp of ['off', 'require'] as const) {
    const load = loadavg()[0]!;
    const plain = await runCalls({ pairs, srtp, warmMs, measureMs, instrument: false });
    const timed = await runCalls({ pairs, srtp, warmMs, measureMs, instrument: true });
    latencyRuns = [...latencyRuns, { srtp, run: timed }];
    const engine = await engineLoop(srtp, engineWarm, engineFrames);
    const cpuUs = plain.cpu.user + plain.cpu.system;
    const perCallPercent = (100 * cpuUs) / (plain.wallMs * 1000 * plain.sessions);
    const perCallFrameUs = cpuUs / plain.sessions / (plain.wallMs / FRAME_MS);
    const secured = srtp !== 'off';
    const label = secured ? 'SRTP (AES_CM_128_HMAC_SHA1_80, require)' : 'plain RTP';
    cost.push({
      title: `Media engine cost per call, ${label}: ${plain.sessions} calls (${pairs} session pairs over 127.0.0.1 UDP), ${(plain.wallMs / 1000).toFixed(0)} s measured`,
      figures: {
        'CPU per call (process.cpuUsage / calls)': `${perCallPercent.toFixed(3)} % of one core (target < ${CPU_TARGET_PERCENT} %) ${verdict(perCallPercent < CPU_TARGET_PERCENT)}`,
        'calls one core carries (100 % / per call)': `${Math.floor(100 / perCallPercent).toLocaleString('en')} (linear extrapolation)`,
        'CPU per call per 20 ms, both directions': `${us(perCallFrameUs)} (user ${(plain.cpu.user / 1000).toFixed(0)} ms + system ${(plain.cpu.system / 1000).toFixed(0)} ms in all)`,
        [`send: capture → G.711 → RTP${secured ? ' → SRTP' : ''}`]: `${us(engine.sendUs)} per frame (engine code, no socket: ${engineFrames.toLocaleString('en')} frames × 2 sessions)`,
        [`receive: ${secured ? 'SRTP → ' : ''}RTP → JB → playout`]: `${us(engine.receiveUs)} per frame (the same run: socket handler + decode + pullPlayout)`,
        'rest: UDP syscalls, event loop, timers': `${us(perCallFrameUs - engine.sendUs - engine.receiveUs)} per call per 20 ms (socket run minus the two)`,
        'garbage collections': `${plain.gc.count}, longest ${ms(plain.gc.maxMs)}`,
        machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${load.toFixed(2)} when the run began`,
        'packets sent / received / lost': `${plain.sent} / ${plain.received} / ${plain.lost}${secured ? `, SRTP failures ${plain.srtpFailures}` : ''}`,
      },
    });
  }
  const figures: Record<string, string> = {};
  for (const { srtp, run } of latencyRuns) {
    const tag = srtp === 'off' ? 'RTP' : 'SRTP';
    const wait = summary(run.captureWaits);
    const out = summary(run.receiveToPlayout);
    const hop = summary(run.micToFarArrival);
    const m2e = summary(run.mouthToEar);
    const jb = summary(run.jitterDelays);
    const inBuffer = summary(run.receiveToPlayout.map((v, i) => v + run.jitterDelays[i]!));
    if (wait.n === 0 || out.n === 0) throw new Error(`no frames recognised in the ${tag} latency run`);
    figures[`${tag}: microphone frame in → RTP out`] =
      `mean ${ms(wait.mean)}, p99 ${ms(wait.p99)}, max ${ms(wait.max)} over ${wait.n} frames (target p99 < ${LATENCY_TARGET_MS} ms) ${verdict(wait.p99 < LATENCY_TARGET_MS)}`;
    const share = (lo: number, hi: number): string => `${((100 * run.captureWaits.filter((w) => w >= lo && w < hi).length) / wait.n).toFixed(0)} %`;
    figures[`${tag}:   capture wait <20 / <40 / <60 / ≥60 ms`] = `${share(0, 20)} / ${share(20, 40)} / ${share(40, 60)} / ${share(60, Infinity)} of frames`;
    figures[`${tag}:   CallAudio capture wait stats`] =
      `mean ${ms(run.captureStats.meanMs)}, max ${ms(run.captureStats.maxMs)} (whole run, warm-up included); underruns ${run.captureStats.underruns}, overruns ${run.captureStats.overruns}`;
    figures[`${tag}: RTP in → playout out − JB delay`] =
      `mean ${ms(out.mean)}, p99 ${ms(out.p99)}, max ${ms(out.max)}, min ${ms(out.min)} over ${out.n} frames (target p99 < ${LATENCY_TARGET_MS} ms) ${verdict(out.p99 < LATENCY_TARGET_MS)}`;
    figures[`${tag}:   arrival → playout incl. JB delay`] = `mean ${ms(inBuffer.mean)}, p99 ${ms(inBuffer.p99)}, max ${ms(inBuffer.max)}`;
    figures[`${tag}:   jitter buffer delay then`] = `mean ${ms(jb.mean)}, max ${ms(jb.max)} (the target D subtracted above; its floor is 20 ms)`;
    figures[`${tag}:   mic in → far end's RTP handler`] = `p50 ${ms(hop.p50)}, p99 ${ms(hop.p99)} (capture wait + send + loopback + event-loop queueing)`;
    figures[`${tag}:   mouth to ear, console to console`] = `p50 ${ms(m2e.p50)}, p99 ${ms(m2e.p99)} (everything, jitter buffer included)`;
    figures[`${tag}:   playouts matching no arrival`] = `${run.unmatchedPlayouts} of ${run.pulls} pulls`;
    figures[`${tag}:   event-loop delay p50/p99/max; GC`] =
      `${ms(run.loopDelay.p50)} / ${ms(run.loopDelay.p99)} / ${ms(run.loopDelay.max)}; ${run.gc.count} collections, longest ${ms(run.gc.maxMs)}`;
  }
  const queue = captureQueueAfterOneLateFrame();
  figures['capture queue after one late frame'] =
    `wait ${ms(queue.beforeMs)} before, ${ms(queue.afterMs)} per frame once settled (${queue.underruns} underrun; fake time; a frame standing 0.5 s is trimmed) ${verdict(queue.afterMs <= queue.beforeMs + 1)}`;
  return {
    cost,
    latency: { title: `Media: latency added inside the console, jitter buffer delay excluded (${pairs * 2} calls, loopback, instrumented run)`, figures },
  };
}

// ——— Jitter buffer under loss ———————————————————————————————————————————————————————————————————

/** Figure 3: the delay the jitter buffer chooses under 30 ms jitter at 0, 1 and 5 % loss, in fake time. */
export function benchJitterDelay(options: MediaBenchOptions = {}): Record<string, string> {
  const durationMs = options.smoke ? 5000 : 60_000;
  const jitterMs = 30;
  const figures: Record<string, string> = {};
  for (const lossPercent of [0, 1, 5]) {
    const tone = new ToneGenerator(440, -20);
    const arrivals = simulateNetwork({
      durationMs,
      jitterMs,
      baseDelayMs: 30,
      lossPercent,
      seed: 1000 + lossPercent,
      payload: (_index, samples) => encodeG711('PCMU', tone.next(new Int16Array(samples))),
    });
    const buffer = new JitterBuffer({ decode: 'PCMU' });
    // Pull on past the last packet so every sent frame has had its turn; the figures stop at the pull that played
    // the last audio received (the concealment that follows is the end of the stream, not loss).
    const lastArrival = arrivals.at(-1)!.arrivalMs;
    let stats: JitterBufferStats | undefined;
    const result = playThrough(buffer, arrivals, {
      durationMs: durationMs + 500,
      onPull: (b, now) => {
        const current = b.stats();
        if (!stats && now >= lastArrival && current.bufferedMs === 0) stats = current;
      },
    });
    if (!stats) throw new Error('the jitter buffer never played out the whole stream');
    // The first second is the buffer learning the path (it starts at 40 ms).
    const delays = summary(result.delayMs.slice(1000 / FRAME_MS, Math.floor(durationMs / FRAME_MS)));
    const played = stats.playedFrames + stats.concealedFrames;
    const concealed = played ? (100 * stats.concealedFrames) / played : 0;
    const late = stats.received ? (100 * stats.late) / stats.received : 0;
    const inRange = delays.min >= 20 && delays.max <= 200;
    const sent = Math.ceil(durationMs / FRAME_MS);
    const lostPercent = (100 * stats.lost) / sent;
    const concealedOk = Math.abs(concealed - lostPercent) <= 1;
    figures[`${lossPercent} % loss: chosen delay mean / p95`] =
      `${ms(delays.mean)} / ${ms(delays.p95)} (min ${ms(delays.min)}, max ${ms(delays.max)}; target within 20–200 ms) ${verdict(inRange)}`;
    figures[`${lossPercent} % loss: concealed`] =
      `${concealed.toFixed(2)} % of ${played} frames; ${lostPercent.toFixed(2)} % of ${sent} packets lost (target: concealed = lost ± 1 point) ${verdict(concealedOk)}`;
    figures[`${lossPercent} % loss: late discards`] =
      `${late.toFixed(2)} % of ${stats.received} packets (target < 1 %) ${verdict(late < 1)}; frames dropped ${stats.dropped}, inserted ${stats.inserted}`;
  }
  return figures;
}

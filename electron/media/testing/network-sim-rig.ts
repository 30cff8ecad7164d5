/**
 * A deterministic network for jitter-buffer tests and benchmarks: one RTP stream of fixed packet time sent through
 * a path with fixed delay, jitter, independent and burst loss, duplication, reordering and a sender clock that runs
 * fast or slow, all drawn from a seeded PRNG so every run sees the same arrivals. `playThrough` then drives a
 * JitterBuffer with those arrivals and a pull every 20 ms, as an audio device would.
 */
import { G711_SILENCE, SAMPLE_RATE } from '../g711';
import type { JitterBuffer, JitterPacket } from '../jitter-buffer';
import { FRAME_MS, FRAME_SAMPLES } from '../rtp-sender';

/** Mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

export interface NetworkSimOptions {
  /** Length of the stream in the sender's time, ms. */
  durationMs: number;
  /**
   * Index of the first packet: a later part of the same stream (sequence, timestamp and sending time carry on; only
   * index 0 has the marker), so parts with different conditions can be joined. Default 0.
   */
  firstIndex?: number;
  seed?: number;
  /** Packet time, ms; default 20. */
  ptimeMs?: number;
  /** Receiver time at which the first packet is sent; default 0. */
  startMs?: number;
  /** Fixed one-way delay, ms; default 30. */
  baseDelayMs?: number;
  /** Each packet is delayed by a further uniform 0..jitterMs; default 0. */
  jitterMs?: number;
  /** Independent loss, percent of packets. */
  lossPercent?: number;
  /** Chance per packet (percent) that a burst of `burstLength` packets starts there. */
  burstLossPercent?: number;
  burstLength?: number;
  /** Packets that arrive twice (percent); the copy has its own jitter. */
  duplicatePercent?: number;
  /** Packets held back by one to two packet times (percent), so they arrive after their successor. */
  reorderPercent?: number;
  /** How much faster the sender's clock runs than the receiver's, percent (negative: slower). */
  driftPercent?: number;
  ssrc?: number;
  firstSequence?: number;
  firstTimestamp?: number;
  /**
   * The payload of packet `index` (`samples` octets); called once per packet in order, lost ones included, so a
   * stateful tone source stays continuous. Default: μ-law silence.
   */
  payload?: (index: number, samples: number) => Uint8Array;
}

/** One packet as it reaches the receiver. */
export interface SimArrival {
  arrivalMs: number;
  packet: JitterPacket;
  /** Position in the sent stream (0, 1, 2…). */
  index: number;
}

/** The arrivals of one simulated stream, in arrival order. */
export function simulateNetwork(options: NetworkSimOptions): SimArrival[] {
  const random = seededRandom(options.seed ?? 1);
  const ptime = options.ptimeMs ?? FRAME_MS;
  const samples = (ptime * SAMPLE_RATE) / 1000;
  const baseDelay = options.baseDelayMs ?? 30;
  const jitter = options.jitterMs ?? 0;
  const rate = 1 + (options.driftPercent ?? 0) / 100;
  const payloadOf = options.payload ?? ((_: number, n: number) => new Uint8Array(n).fill(G711_SILENCE.PCMU));
  const chance = (percent: number | undefined): boolean =>
    percent !== undefined && percent > 0 && random() * 100 < percent;
  const arrivals: SimArrival[] = [];
  let burstLeft = 0;
  const first = options.firstIndex ?? 0;
  for (let index = first; (index - first) * ptime < options.durationMs; index++) {
    const payload = payloadOf(index, samples);
    const packet: JitterPacket = {
      ssrc: options.ssrc ?? 0x1234_5678,
      sequence: ((options.firstSequence ?? 1000) + index) & 0xffff,
      timestamp: ((options.firstTimestamp ?? 160_000) + index * samples) % 0x1_0000_0000,
      marker: index === 0,
      payload,
    };
    if (burstLeft === 0 && chance(options.burstLossPercent)) burstLeft = options.burstLength ?? 3;
    if (burstLeft > 0) {
      burstLeft--;
      continue;
    }
    if (chance(options.lossPercent)) continue;
    const sentMs = (options.startMs ?? 0) + (index * ptime) / rate;
    const held = chance(options.reorderPercent) ? ptime * (1 + random()) : 0;
    arrivals.push({ arrivalMs: sentMs + baseDelay + jitter * random() + held, packet, index });
    if (chance(options.duplicatePercent))
      arrivals.push({ arrivalMs: sentMs + baseDelay + jitter * random(), packet, index });
  }
  // Stable: packets arriving in the same millisecond keep their sending order.
  return arrivals
    .map((a, order) => ({ a, order }))
    .sort((x, y) => x.a.arrivalMs - y.a.arrivalMs || x.order - y.order)
    .map((x) => x.a);
}

export interface PlayThroughOptions {
  /** Time of the first pull; default 0. */
  startMs?: number;
  /** How long to pull, ms. */
  durationMs: number;
  /** Called after each pull (per-pull checks: delay, memory…). */
  onPull?: (buffer: JitterBuffer, nowMs: number, frame: Int16Array) => void;
}

/** What came out of the buffer. */
export interface PlayThroughResult {
  /** Every pulled frame, back to back. */
  samples: Int16Array;
  /** The target delay after each pull, ms. */
  delayMs: number[];
  /** The audio buffered after each pull, ms. */
  bufferedMs: number[];
}

/** Feeds `arrivals` to `buffer` at their times and pulls a frame every 20 ms, the way the audio device does. */
export function playThrough(
  buffer: JitterBuffer,
  arrivals: readonly SimArrival[],
  options: PlayThroughOptions,
): PlayThroughResult {
  const pulls = Math.floor(options.durationMs / FRAME_MS);
  const samples = new Int16Array(pulls * FRAME_SAMPLES);
  const delayMs: number[] = [];
  const bufferedMs: number[] = [];
  let next = 0;
  for (let k = 0; k < pulls; k++) {
    const now = (options.startMs ?? 0) + k * FRAME_MS;
    for (; next < arrivals.length && arrivals[next]!.arrivalMs <= now; next++)
      buffer.put(arrivals[next]!.packet, arrivals[next]!.arrivalMs);
    const frame = buffer.pull(now, samples.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES));
    const stats = buffer.stats();
    delayMs.push(stats.delayMs);
    bufferedMs.push(stats.bufferedMs);
    options.onPull?.(buffer, now, frame);
  }
  return { samples, delayMs, bufferedMs };
}

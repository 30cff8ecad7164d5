/**
 * The decoded samples of a jitter buffer, addressed by their position on the playout timeline (the RTP timestamp
 * timeline, 8 kHz, shifted to start near 0): a ring of 2.048 s with a flag per sample for "received", so packets of
 * any size land where their timestamp says, in any order, and a gap is simply a run of unflagged samples. Frames
 * leave it 160 samples at a time, played (gaps concealed) or skipped.
 */
import type { PacketLossConcealment } from './packet-loss-concealment';
import { FRAME_SAMPLES } from './rtp-sender';

/** Samples held: a power of two above the 1 s a jitter buffer accepts ahead of playout plus its largest packet. */
export const RING_SAMPLES = 16384;
const MASK = RING_SAMPLES - 1;
/** A skipped frame's first 5 ms fade into the frame played after it. */
export const SKIP_FADE = 40;

/** Samples from `position` (the next to play) up to `position + RING_SAMPLES`. */
export class PlayoutRing {
  private readonly samples = new Int16Array(RING_SAMPLES);
  private readonly filled = new Uint8Array(RING_SAMPLES);
  private head = 0;
  private last = 0;

  /** Timeline position of the next sample to play. */
  get position(): number {
    return this.head;
  }

  /** Samples received ahead of the position (up to the end of the newest packet; gaps included). */
  get buffered(): number {
    return Math.max(0, this.last - this.head);
  }

  /** Stores `samples` at timeline position `at`; what lies before the position or beyond the ring is left out. */
  write(at: number, samples: Int16Array): void {
    const from = Math.max(at, this.head);
    const to = Math.min(at + samples.length, this.head + RING_SAMPLES);
    for (let s = from; s < to; s++) {
      this.samples[s & MASK] = samples[s - at]!;
      this.filled[s & MASK] = 1;
    }
    if (to > this.last) this.last = to;
  }

  /** Whether the next frame is silent: missing altogether, or received with less than `energy` (sum of squares). */
  quiet(energy: number): boolean {
    const present = this.present(this.head, FRAME_SAMPLES);
    return present === 0 || (present === FRAME_SAMPLES && this.energy(this.head, FRAME_SAMPLES) < energy);
  }

  /**
   * Skips the next frame; its first SKIP_FADE samples go to `head` for the cross-fade into the frame played next.
   * @returns whether they were all received (else there is nothing to fade from)
   */
  skip(head: Int16Array): boolean {
    const whole = this.present(this.head, SKIP_FADE) === SKIP_FADE;
    if (whole) for (let i = 0; i < SKIP_FADE; i++) head[i] = this.samples[(this.head + i) & MASK]!;
    this.advance(this.head + FRAME_SAMPLES);
    return whole;
  }

  /**
   * Plays the next frame into `frame`: received runs as they are (fading in from `fadeFrom`, the head of a skipped
   * frame, when given), gaps concealed by `plc`.
   * @returns whether any of it was concealed
   */
  play(frame: Int16Array, plc: PacketLossConcealment, fadeFrom?: Int16Array): boolean {
    const pos = this.head;
    let concealed = false;
    for (let run = 0; run < FRAME_SAMPLES;) {
      const received = this.has(pos + run);
      let stop = run + 1;
      while (stop < FRAME_SAMPLES && this.has(pos + stop) === received) stop++;
      if (received) {
        for (let i = run; i < stop; i++) frame[i] = this.samples[(pos + i) & MASK]!;
        if (fadeFrom && run === 0) crossFade(frame, fadeFrom, stop);
        plc.good(frame, run, stop);
      } else {
        plc.conceal(frame, run, stop);
        concealed = true;
      }
      run = stop;
    }
    this.advance(pos + FRAME_SAMPLES);
    return concealed;
  }

  /** Moves the position forward to `to`, freeing the slots passed. */
  advance(to: number): void {
    if (to <= this.head) return;
    this.unflag(this.head, to);
    this.head = to;
  }

  /** Forgets everything received (a new timeline). */
  clear(): void {
    this.unflag(this.head, this.last);
    this.last = this.head;
  }

  private has(at: number): boolean {
    return this.filled[at & MASK] === 1;
  }

  /** How many of the `count` samples from `from` were received. */
  private present(from: number, count: number): number {
    let n = 0;
    for (let i = 0; i < count; i++) n += this.filled[(from + i) & MASK]!;
    return n;
  }

  /** Sum of squares of the `count` samples from `from`. */
  private energy(from: number, count: number): number {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const s = this.samples[(from + i) & MASK]!;
      sum += s * s;
    }
    return sum;
  }

  private unflag(from: number, to: number): void {
    if (to - from >= RING_SAMPLES) this.filled.fill(0);
    else for (let s = from; s < to; s++) this.filled[s & MASK] = 0;
  }
}

/** Fades from `from` (the continuation of what was played before a skip) into `frame` over SKIP_FADE samples. */
function crossFade(frame: Int16Array, from: Int16Array, available: number): void {
  const n = Math.min(SKIP_FADE, available);
  for (let i = 0; i < n; i++) {
    const w = (i + 1) / (SKIP_FADE + 1);
    frame[i] = Math.round(w * frame[i]! + (1 - w) * from[i]!);
  }
}

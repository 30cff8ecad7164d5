/**
 * The arithmetic between the audio worklet and the media channel (issue 10), pure so it is tested without a browser.
 *
 * An AudioWorklet runs in render quanta of 128 Float32 samples; the media channel carries 20 ms frames of 160 Int16
 * samples at 8000 Hz (`shared/media-channel.ts`). The AudioContext runs at 8000 Hz, so no resampling is needed here:
 * the capture side only re-slices and converts; the playout side is a small FIFO that absorbs the jitter of the
 * round trip through main and keeps latency bounded (clock drift between main and the device cannot grow it,
 * because overflow drops the oldest frame). Both sides also measure levels for the meters.
 */
import { MEDIA_FRAME_SAMPLES } from '../../../shared/media-channel';

/** Samples per AudioWorklet render quantum (Web Audio 1.0). */
export const RENDER_QUANTUM = 128;

/** Float sample (-1..1) → Int16, clamped and rounded. 1.0 maps to 32767, -1.0 to -32768. */
export function floatToInt16(value: number): number {
  if (!(value === value)) return 0; // NaN
  const scaled = Math.round(value * 32768);
  return scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
}

/** Int16 sample → float (-1..1); exact inverse of {@link floatToInt16} for every Int16 value. */
export function int16ToFloat(value: number): number {
  return value / 32768;
}

/**
 * Capture: takes render quanta of any length (normally 128) and hands out exactly 160-sample Int16 frames, in
 * order, carrying the remainder across calls. Each frame is a fresh array whose buffer the caller may transfer.
 */
export class CaptureFramer {
  private frame = new Int16Array(MEDIA_FRAME_SAMPLES);
  private fill = 0;

  /** Feeds one quantum (`undefined` = silence of `length` samples); calls `emit` for each completed frame. */
  push(quantum: Float32Array | undefined, emit: (frame: Int16Array) => void, length = RENDER_QUANTUM): void {
    const count = quantum ? quantum.length : length;
    for (let i = 0; i < count; i++) {
      this.frame[this.fill++] = quantum ? floatToInt16(quantum[i]!) : 0;
      if (this.fill === MEDIA_FRAME_SAMPLES) {
        const done = this.frame;
        this.frame = new Int16Array(MEDIA_FRAME_SAMPLES);
        this.fill = 0;
        emit(done);
      }
    }
  }

  /** Samples waiting for the next frame (0–159). */
  get pending(): number {
    return this.fill;
  }
}

export interface PlayoutStats {
  /** Quanta that had to be (partly) filled with silence because no frame was there. */
  underruns: number;
  /** Frames dropped because the queue was full (the oldest goes first). */
  dropped: number;
  /** Frames waiting now. */
  queued: number;
}

export interface PlayoutOptions {
  /** Most frames kept; beyond it the oldest is dropped. Default 4 (80 ms). */
  maxFrames?: number;
  /**
   * Frames to collect before playing, at the start and after running dry: a little cushion against the jitter of
   * the round trip through main. Default 2 (40 ms).
   */
  primeFrames?: number;
}

/**
 * Playout: a bounded FIFO of Int16 frames feeding Float32 quanta. Underrun → zeros (counted) and the queue primes
 * again; overflow → the oldest frame is dropped (counted), so the delay never exceeds `maxFrames`.
 */
export class PlayoutQueue {
  private readonly frames: Int16Array[] = [];
  /** Read position in `frames[0]`. */
  private offset = 0;
  private primed = false;
  private underrunCount = 0;
  private droppedCount = 0;
  readonly maxFrames: number;
  readonly primeFrames: number;

  constructor(options: PlayoutOptions = {}) {
    this.maxFrames = Math.max(1, options.maxFrames ?? 4);
    this.primeFrames = Math.min(this.maxFrames, Math.max(1, options.primeFrames ?? 2));
  }

  /** Adds a frame from the engine. */
  push(frame: Int16Array): void {
    this.frames.push(frame);
    while (this.frames.length > this.maxFrames) {
      this.frames.shift();
      this.offset = 0;
      this.droppedCount++;
    }
    if (!this.primed && this.frames.length >= this.primeFrames) this.primed = true;
  }

  /** Fills `out` (one quantum) with the next samples; silence where there are none. */
  pull(out: Float32Array): void {
    let i = 0;
    if (this.primed) {
      while (i < out.length) {
        const head = this.frames[0];
        if (!head) break;
        const take = Math.min(out.length - i, head.length - this.offset);
        for (let k = 0; k < take; k++) out[i + k] = int16ToFloat(head[this.offset + k]!);
        i += take;
        this.offset += take;
        if (this.offset >= head.length) {
          this.frames.shift();
          this.offset = 0;
        }
      }
      if (i < out.length) {
        // Ran dry while playing: count it once per quantum and collect a cushion again.
        this.underrunCount++;
        this.primed = false;
      }
    }
    out.fill(0, i);
  }

  /** Drops everything queued (a call ended, the engine restarts). Counters stay. */
  clear(): void {
    this.frames.length = 0;
    this.offset = 0;
    this.primed = false;
  }

  stats(): PlayoutStats {
    return { underruns: this.underrunCount, dropped: this.droppedCount, queued: this.frames.length };
  }
}

/** A level reading: RMS in dBFS (a full-scale sine is −3 dBFS; silence is {@link SILENCE_DBFS}) and the peak, 0–1. */
export interface Level {
  rmsDbfs: number;
  peak: number;
}

/** The floor of the meters: what digital silence reads. */
export const SILENCE_DBFS = -100;

/** Accumulates samples between readings; {@link read} returns the level since the last reading and starts over. */
export class LevelMeter {
  private sumSquares = 0;
  private count = 0;
  private peakAbs = 0;

  addFloat(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) this.add(samples[i]!);
  }

  addInt16(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) this.add(int16ToFloat(samples[i]!));
  }

  /** Counts `length` samples of silence (no microphone). */
  addSilence(length: number): void {
    this.count += length;
  }

  private add(value: number): void {
    this.sumSquares += value * value;
    const abs = value < 0 ? -value : value;
    if (abs > this.peakAbs) this.peakAbs = abs;
    this.count++;
  }

  read(): Level {
    const rms = this.count > 0 ? Math.sqrt(this.sumSquares / this.count) : 0;
    const level = { rmsDbfs: rmsToDbfs(rms), peak: Math.min(1, this.peakAbs) };
    this.sumSquares = 0;
    this.count = 0;
    this.peakAbs = 0;
    return level;
  }
}

export function rmsToDbfs(rms: number): number {
  if (rms <= 0) return SILENCE_DBFS;
  return Math.max(SILENCE_DBFS, 20 * Math.log10(rms));
}

/** A level as a meter fill, 0–1: −60 dBFS and below is empty, 0 dBFS full. */
export function meterFill(dbfs: number, floor = -60): number {
  if (!(dbfs > floor)) return 0;
  return Math.min(1, (dbfs - floor) / -floor);
}

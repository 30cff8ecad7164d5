/**
 * Sine tones for audio tests and end-to-end checks: consecutive 20 ms frames at 8 kHz with continuous phase, at a
 * level in dBFS (0 dBFS is a full-scale sine, amplitude 32767).
 */
import { SAMPLE_RATE } from '../g711';
import { FRAME_SAMPLES } from '../rtp-sender';

/** The peak amplitude of a sine at `dbfs`. */
export function dbfsToAmplitude(dbfs: number): number {
  return 32767 * 10 ** (dbfs / 20);
}

/** Writes a sine into samples, continuing sample by sample from wherever the last frame stopped. */
export class ToneGenerator {
  /** Phase in cycles, kept in [0, 1) so it stays precise however long the tone runs. */
  private phase = 0;
  private readonly amplitude: number;

  constructor(
    readonly freqHz: number,
    readonly dbfs: number,
    readonly sampleRate = SAMPLE_RATE,
  ) {
    this.amplitude = dbfsToAmplitude(dbfs);
  }

  /** The next `out.length` samples (a new 160-sample frame when `out` is omitted). */
  next(out: Int16Array = new Int16Array(FRAME_SAMPLES)): Int16Array {
    const step = this.freqHz / this.sampleRate;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.round(this.amplitude * Math.sin(2 * Math.PI * this.phase));
      this.phase += step;
      this.phase -= Math.floor(this.phase);
    }
    return out;
  }
}

/** A source of consecutive 160-sample frames of one tone: each call returns the next 20 ms. */
export function toneFrames(freqHz: number, dbfs: number, sampleRate = SAMPLE_RATE): () => Int16Array {
  const tone = new ToneGenerator(freqHz, dbfs, sampleRate);
  return () => tone.next();
}

/** `count` samples of a tone from its start. */
export function toneSamples(
  freqHz: number,
  dbfs: number,
  count: number,
  sampleRate = SAMPLE_RATE,
): Int16Array {
  return new ToneGenerator(freqHz, dbfs, sampleRate).next(new Int16Array(count));
}

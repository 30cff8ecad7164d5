/**
 * Tone detection for audio tests and end-to-end checks: the Goertzel algorithm computes one DFT bin, |X(f)|², in one
 * pass without an FFT (G. Goertzel, 1958; the usual DTMF detector). Over a window of N samples a pure sine of
 * amplitude A at f gives |X|² = (A·N/2)² when the window holds whole cycles, and its energy is A²·N/2, so
 * 2·|X|² / (N·energy) is the fraction of the signal's energy at f: 1 for a clean tone, near 0 for anything else.
 * The window is rectangular: choose windows of whole cycles (any multiple of 20 ms holds whole cycles of every
 * multiple of 50 Hz) or long ones, where leakage is small.
 */
import { SAMPLE_RATE } from '../g711';

/** |X(f)|² of `samples` (Goertzel); `f` need not fall on a DFT bin. */
export function goertzelPower(samples: Int16Array, freqHz: number, sampleRate = SAMPLE_RATE): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * freqHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** The fraction (0..1) of the energy of `samples` that lies at `freqHz`; 0 for silence. */
export function toneRatio(samples: Int16Array, freqHz: number, sampleRate = SAMPLE_RATE): number {
  let energy = 0;
  for (let i = 0; i < samples.length; i++) energy += samples[i]! * samples[i]!;
  if (energy === 0) return 0;
  return Math.min(1, (2 * goertzelPower(samples, freqHz, sampleRate)) / (samples.length * energy));
}

/** RMS level in dBFS, on the scale where a full-scale sine is 0 dBFS; -Infinity for digital silence. */
export function levelDbfs(samples: Int16Array): number {
  let energy = 0;
  for (let i = 0; i < samples.length; i++) energy += samples[i]! * samples[i]!;
  if (samples.length === 0 || energy === 0) return -Infinity;
  const rms = Math.sqrt(energy / samples.length);
  return 20 * Math.log10((rms * Math.SQRT2) / 32767);
}

export interface DetectToneOptions {
  sampleRate?: number;
  /** Fraction of the energy that must be at the frequency; default 0.5. */
  minRatio?: number;
  /** Quieter than this (dBFS) is silence, whatever its spectrum; default -50. */
  minDbfs?: number;
}

/** Whether `samples` hold a tone at `freqHz`: loud enough and with most of the energy there. */
export function detectTone(samples: Int16Array, freqHz: number, options: DetectToneOptions = {}): boolean {
  const { sampleRate = SAMPLE_RATE, minRatio = 0.5, minDbfs = -50 } = options;
  return levelDbfs(samples) >= minDbfs && toneRatio(samples, freqHz, sampleRate) >= minRatio;
}

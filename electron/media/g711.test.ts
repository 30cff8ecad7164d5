import { alaw, mulaw } from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { G711_SILENCE, SAMPLE_RATE, decodeG711, encodeG711 } from './g711';
import type { G711Codec } from './media-types';
import { FRAME_SAMPLES } from './rtp-sender';

const LAWS = { PCMU: mulaw, PCMA: alaw } as const;
const CODECS: G711Codec[] = ['PCMU', 'PCMA'];

/** Every 16-bit sample value once. */
function allSamples(): Int16Array {
  const pcm = new Int16Array(0x10000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = i - 0x8000;
  return pcm;
}

/**
 * G.711 quantisation: 8 segments of 16 steps, the step doubling from one segment to the next, so the step is at most
 * 1/16 of the magnitude and the error at most about 1/32 of it, plus a floor for the smallest segment and the clipping
 * of the extremes (μ-law adds a bias of 132 before companding).
 */
function maxError(codec: G711Codec, sample: number): number {
  const magnitude = Math.abs(sample);
  if (codec === 'PCMU') return Math.max(4, ((magnitude + 132) >> 5) + 1);
  return Math.max(8, (magnitude >> 5) + 1);
}

describe('G.711', () => {
  it('uses the 8 kHz clock and 160-sample frames', () => {
    expect(SAMPLE_RATE).toBe(8000);
    expect(FRAME_SAMPLES / SAMPLE_RATE).toBe(0.02);
  });

  it.each(CODECS)('%s encodes every 16-bit value exactly as alawmulaw does', (codec) => {
    const pcm = allSamples();
    expect(Array.from(encodeG711(codec, pcm))).toEqual(Array.from(LAWS[codec].encode(pcm)));
  });

  it.each(CODECS)('%s decodes every code exactly as alawmulaw does', (codec) => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(decodeG711(codec, codes))).toEqual(Array.from(LAWS[codec].decode(codes)));
  });

  it.each(CODECS)('%s round trip stays within the quantisation step of each segment', (codec) => {
    const pcm = allSamples();
    const back = decodeG711(codec, encodeG711(codec, pcm));
    let worst = 0;
    for (let i = 0; i < pcm.length; i++) {
      const error = Math.abs(back[i]! - pcm[i]!);
      worst = Math.max(worst, error - maxError(codec, pcm[i]!));
    }
    expect(worst).toBeLessThanOrEqual(0);
    // Small signals are where G.711 is precise: within 8 of the input below 256.
    for (let s = -255; s < 256; s++) expect(Math.abs(back[s + 0x8000]! - s)).toBeLessThanOrEqual(8);
  });

  it('decodes the silence codes to (near) zero and encodes zero to them', () => {
    expect(G711_SILENCE).toEqual({ PCMU: 0xff, PCMA: 0xd5 });
    const zeros = new Int16Array(FRAME_SAMPLES);
    for (const codec of CODECS) {
      expect(encodeG711(codec, zeros).every((b) => b === G711_SILENCE[codec])).toBe(true);
      const decoded = decodeG711(codec, new Uint8Array(FRAME_SAMPLES).fill(G711_SILENCE[codec]));
      expect(decoded.every((s) => Math.abs(s) <= 8)).toBe(true);
    }
    expect(decodeG711('PCMU', Uint8Array.of(0xff, 0x7f))).toEqual(Int16Array.of(0, 0));
  });

  it('writes into a caller buffer without allocating a new one, and refuses one that is too short', () => {
    const pcm = Int16Array.from({ length: FRAME_SAMPLES }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
    const codes = new Uint8Array(FRAME_SAMPLES);
    expect(encodeG711('PCMA', pcm, codes)).toBe(codes);
    const samples = new Int16Array(FRAME_SAMPLES * 2);
    const view = decodeG711('PCMA', codes, samples);
    expect(view.buffer).toBe(samples.buffer);
    expect(view.length).toBe(FRAME_SAMPLES);
    expect(() => encodeG711('PCMU', pcm, new Uint8Array(10))).toThrow(RangeError);
    expect(() => decodeG711('PCMU', codes, new Int16Array(10))).toThrow(RangeError);
  });

  it('codes a frame in well under a microsecond per sample', () => {
    const pcm = Int16Array.from({ length: FRAME_SAMPLES }, (_, i) => Math.round(12000 * Math.sin(i / 5)));
    const codes = new Uint8Array(FRAME_SAMPLES);
    const back = new Int16Array(FRAME_SAMPLES);
    encodeG711('PCMU', pcm, codes);
    const frames = 20_000;
    const started = performance.now();
    for (let i = 0; i < frames; i++) decodeG711('PCMU', encodeG711('PCMU', pcm, codes), back);
    const perFrameUs = ((performance.now() - started) * 1000) / frames;
    // 50 frames a second each way: 1 % of a core is 200 µs per frame; the tables do it in a few µs.
    expect(perFrameUs).toBeLessThan(50);
  });
});

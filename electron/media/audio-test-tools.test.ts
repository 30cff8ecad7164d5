import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES } from './rtp-sender';
import { detectTone, goertzelPower, levelDbfs, toneRatio } from './testing/goertzel-rig';
import { playThrough, seededRandom, simulateNetwork } from './testing/network-sim-rig';
import { JitterBuffer } from './jitter-buffer';
import { ToneGenerator, dbfsToAmplitude, toneFrames, toneSamples } from './testing/tone-rig';

describe('testing/tone-rig', () => {
  it('makes consecutive 160-sample frames with continuous phase at the asked level', () => {
    const next = toneFrames(1000, -6);
    const a = next();
    const b = next();
    expect(a).toHaveLength(FRAME_SAMPLES);
    const joined = new Int16Array(2 * FRAME_SAMPLES);
    joined.set(a);
    joined.set(b, FRAME_SAMPLES);
    expect(Array.from(joined)).toEqual(Array.from(toneSamples(1000, -6, 2 * FRAME_SAMPLES)));
    expect(Math.max(...joined)).toBe(Math.round(dbfsToAmplitude(-6)));
    expect(levelDbfs(joined)).toBeCloseTo(-6, 1);
  });

  it('keeps the phase of a tone that is not a whole number of cycles per frame', () => {
    const generator = new ToneGenerator(333.3, -12);
    const frames = Array.from({ length: 50 }, () => generator.next());
    const joined = new Int16Array(50 * FRAME_SAMPLES);
    frames.forEach((f, i) => joined.set(f, i * FRAME_SAMPLES));
    expect(toneRatio(joined, 333.3)).toBeGreaterThan(0.999);
  });
});

describe('testing/goertzel-rig', () => {
  it('finds a 1 kHz tone and does not mistake 400 Hz for it', () => {
    const k = toneSamples(1000, -20, 8000);
    const low = toneSamples(400, -20, 8000);
    expect(toneRatio(k, 1000)).toBeGreaterThan(0.999);
    expect(toneRatio(low, 1000)).toBeLessThan(0.001);
    expect(toneRatio(low, 400)).toBeGreaterThan(0.999);
    expect(detectTone(k, 1000)).toBe(true);
    expect(detectTone(low, 1000)).toBe(false);
    // One 20 ms frame is enough.
    expect(detectTone(k.subarray(0, FRAME_SAMPLES), 1000)).toBe(true);
  });

  it('measures the share of a tone in a mixture', () => {
    const mix = toneSamples(1000, -20, 8000).map((s, i) => s + toneSamples(400, -20, 8000)[i]!);
    expect(toneRatio(mix, 1000)).toBeCloseTo(0.5, 2);
    const random = seededRandom(3);
    const noise = Int16Array.from({ length: 8000 }, () => Math.round((random() - 0.5) * 20_000));
    expect(toneRatio(noise, 1000)).toBeLessThan(0.01);
    expect(detectTone(noise, 1000)).toBe(false);
  });

  it('calls quiet audio and silence no tone', () => {
    expect(toneRatio(new Int16Array(800), 1000)).toBe(0);
    expect(levelDbfs(new Int16Array(800))).toBe(-Infinity);
    expect(detectTone(toneSamples(1000, -60, 800), 1000)).toBe(false);
    expect(detectTone(toneSamples(1000, -60, 800), 1000, { minDbfs: -70 })).toBe(true);
  });

  it('gives the DFT bin power (A·N/2)² for a whole number of cycles', () => {
    const samples = toneSamples(500, -6, 160);
    const amplitude = dbfsToAmplitude(-6);
    expect(Math.sqrt(goertzelPower(samples, 500)) / ((amplitude * 160) / 2)).toBeCloseTo(1, 2);
  });
});

describe('testing/network-sim-rig', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const options = {
      durationMs: 2000,
      jitterMs: 30,
      lossPercent: 5,
      duplicatePercent: 5,
      reorderPercent: 5,
    };
    const times = (seed: number) =>
      simulateNetwork({ ...options, seed }).map((a) => `${a.index}@${a.arrivalMs.toFixed(3)}`);
    expect(times(1)).toEqual(times(1));
    expect(times(1)).not.toEqual(times(2));
  });

  it('produces the conditions asked for', () => {
    const sent = simulateNetwork({
      durationMs: 200_000,
      jitterMs: 30,
      baseDelayMs: 50,
      lossPercent: 5,
      duplicatePercent: 2,
      seed: 4,
    });
    const unique = new Set(sent.map((a) => a.index));
    expect(1 - unique.size / 10_000).toBeCloseTo(0.05, 2);
    expect(sent.length - unique.size).toBeGreaterThan(150);
    const delays = sent.map((a) => a.arrivalMs - a.index * 20);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThan(80);
    expect(sent.every((a, i) => i === 0 || a.arrivalMs >= sent[i - 1]!.arrivalMs)).toBe(true);
  });

  it('loses bursts, reorders, drifts and numbers across the wrap', () => {
    const bursts = simulateNetwork({ durationMs: 100_000, burstLossPercent: 2, burstLength: 5, seed: 5 });
    const missing = Array.from({ length: 5000 }, (_, i) => i).filter(
      (i) => !bursts.some((a) => a.index === i),
    );
    expect(missing.length % 5).toBe(0);
    const reordered = simulateNetwork({ durationMs: 10_000, reorderPercent: 10, seed: 6 });
    const overtaken = reordered.filter((a, i) => i > 0 && a.index < reordered[i - 1]!.index).length;
    expect(overtaken).toBeGreaterThan(30);
    const fast = simulateNetwork({ durationMs: 10_000, driftPercent: 1, baseDelayMs: 0 });
    expect(fast.at(-1)!.arrivalMs).toBeCloseTo((499 * 20) / 1.01, 6);
    const wrap = simulateNetwork({ durationMs: 100, firstSequence: 65_534, firstTimestamp: 2 ** 32 - 160 });
    expect(wrap.map((a) => a.packet.sequence)).toEqual([65_534, 65_535, 0, 1, 2]);
    expect(wrap.map((a) => a.packet.timestamp)).toEqual([2 ** 32 - 160, 0, 160, 320, 480]);
    expect(wrap.map((a) => a.packet.marker)).toEqual([true, false, false, false, false]);
    expect(simulateNetwork({ durationMs: 100, firstIndex: 10 }).map((a) => a.packet.marker)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('plays a stream through a buffer, one frame per 20 ms', () => {
    const seen: number[] = [];
    const result = playThrough(new JitterBuffer({ decode: 'PCMU' }), simulateNetwork({ durationMs: 1000 }), {
      durationMs: 1000,
      onPull: (_, now) => seen.push(now),
    });
    expect(result.samples).toHaveLength(50 * FRAME_SAMPLES);
    expect(result.delayMs).toHaveLength(50);
    expect(seen.slice(0, 3)).toEqual([0, 20, 40]);
  });
});

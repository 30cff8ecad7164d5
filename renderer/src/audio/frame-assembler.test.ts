import { describe, expect, it } from 'vitest';
import { MEDIA_FRAME_MS, MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '../../../shared/media-channel';
import { CaptureFramer, LevelMeter, PlayoutQueue, RENDER_QUANTUM, SILENCE_DBFS, floatToInt16, int16ToFloat, meterFill } from './frame-assembler';

/** `count` render quanta whose samples are consecutive Int16 values (as floats), starting at `from`. */
function rampQuanta(count: number, from = 0): Float32Array[] {
  return Array.from({ length: count }, (_, q) => Float32Array.from({ length: RENDER_QUANTUM }, (_, i) => int16ToFloat(((from + q * RENDER_QUANTUM + i) % 65536) - 32768)));
}

function frameOf(values: (i: number) => number): Int16Array {
  return Int16Array.from({ length: MEDIA_FRAME_SAMPLES }, (_, i) => values(i));
}

describe('sample conversion', () => {
  it('clamps and rounds floats into Int16, and maps every Int16 back exactly', () => {
    expect(floatToInt16(0)).toBe(0);
    expect(floatToInt16(1)).toBe(32767);
    expect(floatToInt16(1.5)).toBe(32767);
    expect(floatToInt16(-1)).toBe(-32768);
    expect(floatToInt16(-7)).toBe(-32768);
    expect(floatToInt16(0.5)).toBe(16384);
    expect(floatToInt16(100.4 / 32768)).toBe(100);
    expect(floatToInt16(100.6 / 32768)).toBe(101);
    expect(floatToInt16(Number.NaN)).toBe(0);
    for (const value of [-32768, -1, 0, 1, 12345, 32767]) expect(floatToInt16(int16ToFloat(value))).toBe(value);
  });
});

describe('CaptureFramer', () => {
  it('cuts 128-sample quanta into exactly 160-sample frames across quantum boundaries, keeping every sample', () => {
    const framer = new CaptureFramer();
    const frames: Int16Array[] = [];
    // 5 quanta = 640 samples = exactly 4 frames; the boundaries fall inside quanta 2, 3 and 4.
    for (const quantum of rampQuanta(5)) framer.push(quantum, (frame) => frames.push(frame));
    expect(frames).toHaveLength(4);
    expect(framer.pending).toBe(0);
    const all = frames.flatMap((frame) => {
      expect(frame).toBeInstanceOf(Int16Array);
      expect(frame.length).toBe(MEDIA_FRAME_SAMPLES);
      return [...frame];
    });
    expect(all).toEqual(Array.from({ length: 640 }, (_, i) => i - 32768));
  });

  it('keeps the remainder for the next quantum and hands out a fresh buffer per frame', () => {
    const framer = new CaptureFramer();
    const frames: Int16Array[] = [];
    framer.push(rampQuanta(1)[0], (frame) => frames.push(frame));
    expect(frames).toHaveLength(0);
    expect(framer.pending).toBe(128);
    framer.push(rampQuanta(1, 128)[0], (frame) => frames.push(frame));
    expect(frames).toHaveLength(1);
    expect(framer.pending).toBe(96);
    expect(frames[0]![159]).toBe(159 - 32768);
    framer.push(rampQuanta(1, 256)[0], (frame) => frames.push(frame));
    expect(frames).toHaveLength(2);
    expect(frames[1]![0]).toBe(160 - 32768);
    expect(frames[0]!.buffer).not.toBe(frames[1]!.buffer);
  });

  it('makes 50 frames a second at 8000 Hz, silence included (no microphone)', () => {
    const framer = new CaptureFramer();
    const frames: Int16Array[] = [];
    const quanta = (2 * MEDIA_SAMPLE_RATE) / RENDER_QUANTUM; // two seconds: 125 quanta
    for (let q = 0; q < quanta; q++) framer.push(undefined, (frame) => frames.push(frame));
    expect(frames).toHaveLength((2 * 1000) / MEDIA_FRAME_MS);
    expect(frames.every((frame) => frame.every((sample) => sample === 0))).toBe(true);
  });

  it('clamps loud input rather than wrapping it', () => {
    const framer = new CaptureFramer();
    const frames: Int16Array[] = [];
    const loud = new Float32Array(160).fill(2);
    loud[1] = -3;
    framer.push(loud, (frame) => frames.push(frame), 160);
    expect(frames[0]![0]).toBe(32767);
    expect(frames[0]![1]).toBe(-32768);
  });
});

describe('PlayoutQueue', () => {
  function pull(queue: PlayoutQueue): Float32Array {
    const out = new Float32Array(RENDER_QUANTUM).fill(9);
    queue.pull(out);
    return out;
  }

  it('plays frames in order across quanta once primed, as floats', () => {
    const queue = new PlayoutQueue({ primeFrames: 2 });
    queue.push(frameOf((i) => i));
    expect([...pull(queue)].every((sample) => sample === 0)).toBe(true); // priming: silence, not an underrun
    expect(queue.stats().underruns).toBe(0);
    queue.push(frameOf((i) => 1000 + i));
    const samples = [...pull(queue), ...pull(queue)].map((value) => Math.round(value * 32768));
    expect(samples).toEqual([...Array.from({ length: 160 }, (_, i) => i), ...Array.from({ length: 96 }, (_, i) => 1000 + i)]);
    expect(queue.stats()).toEqual({ underruns: 0, dropped: 0, queued: 1 });
  });

  it('fills an underrun with zeros, counts it, and primes again', () => {
    const queue = new PlayoutQueue({ primeFrames: 1 });
    queue.push(frameOf(() => 16384));
    pull(queue); // 128 of 160
    const out = pull(queue); // 32 left, then dry
    expect(out[0]).toBe(0.5);
    expect(out[31]).toBe(0.5);
    expect(out[32]).toBe(0);
    expect(out[127]).toBe(0);
    expect(queue.stats().underruns).toBe(1);
    pull(queue); // still dry: not primed, silent, not counted again
    expect(queue.stats().underruns).toBe(1);
    queue.push(frameOf(() => -16384));
    expect(pull(queue)[0]).toBe(-0.5);
  });

  it('drops the oldest frames beyond 4 (80 ms), so drift cannot grow the delay', () => {
    const queue = new PlayoutQueue();
    expect(queue.maxFrames).toBe(4);
    for (let n = 0; n < 7; n++) queue.push(frameOf(() => n));
    expect(queue.stats()).toEqual({ underruns: 0, dropped: 3, queued: 4 });
    expect(Math.round(pull(queue)[0]! * 32768)).toBe(3);
  });

  it('forgets queued audio on clear', () => {
    const queue = new PlayoutQueue({ primeFrames: 1 });
    queue.push(frameOf(() => 100));
    queue.clear();
    expect(queue.stats().queued).toBe(0);
    expect([...pull(queue)].every((sample) => sample === 0)).toBe(true);
  });
});

describe('LevelMeter', () => {
  const sine = (amplitude: number, frequency: number, samples: number): Float32Array =>
    Float32Array.from({ length: samples }, (_, n) => amplitude * Math.sin((2 * Math.PI * frequency * n) / MEDIA_SAMPLE_RATE));

  it('reads a half-scale 1 kHz sine as −9 dBFS RMS with peak 0.5', () => {
    const meter = new LevelMeter();
    meter.addFloat(sine(0.5, 1000, 800));
    const level = meter.read();
    expect(level.rmsDbfs).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 2); // −9.03
    expect(level.peak).toBeCloseTo(0.5, 6);
  });

  it('reads Int16 frames the same way, and full scale as −3 dBFS', () => {
    const meter = new LevelMeter();
    meter.addInt16(Int16Array.from(sine(1, 1000, 800), (value) => floatToInt16(value)));
    const level = meter.read();
    expect(level.rmsDbfs).toBeCloseTo(-3.01, 1);
    expect(level.peak).toBeGreaterThan(0.999);
  });

  it('starts over after each reading; silence is the floor', () => {
    const meter = new LevelMeter();
    meter.addFloat(sine(0.5, 1000, 80));
    meter.read();
    meter.addSilence(128);
    expect(meter.read()).toEqual({ rmsDbfs: SILENCE_DBFS, peak: 0 });
    expect(meter.read()).toEqual({ rmsDbfs: SILENCE_DBFS, peak: 0 });
  });

  it('maps dBFS to a meter fill from −60 to 0', () => {
    expect(meterFill(SILENCE_DBFS)).toBe(0);
    expect(meterFill(-60)).toBe(0);
    expect(meterFill(-30)).toBeCloseTo(0.5);
    expect(meterFill(0)).toBe(1);
    expect(meterFill(3)).toBe(1);
  });
});

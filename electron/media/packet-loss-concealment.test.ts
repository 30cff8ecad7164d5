import { describe, expect, it } from 'vitest';
import { PacketLossConcealment } from './packet-loss-concealment';
import { FRAME_SAMPLES } from './rtp-sender';
import { dbfsToAmplitude, toneSamples } from './testing/tone-rig';

/** A concealer that has played `played` samples of a tone; returns it with the tone's true continuation. */
function afterTone(freqHz: number, played = 400) {
  const plc = new PacketLossConcealment();
  const tone = toneSamples(freqHz, -12, played + 1000);
  plc.good(tone.slice(0, played));
  return { plc, continuation: tone.subarray(played) };
}

const rms = (x: Int16Array): number => Math.sqrt(x.reduce((a, s) => a + s * s, 0) / x.length);

describe('packet-loss concealment', () => {
  it.each([400, 1000, 250])('continues a %s Hz tone in phase for the first 10 ms', (freqHz) => {
    const { plc, continuation } = afterTone(freqHz);
    const out = new Int16Array(80);
    plc.conceal(out);
    expect(plc.concealing).toBe(true);
    // Each of these has a period of whole samples that fits in the 5-15 ms pitch range, so the repetition is exact.
    const worst = Math.max(...out.map((s, i) => Math.abs(s - continuation[i]!)));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('fades to silence over 60 ms and stays silent', () => {
    const { plc } = afterTone(400);
    const out = new Int16Array(6 * FRAME_SAMPLES);
    plc.conceal(out);
    const amplitude = dbfsToAmplitude(-12);
    const level = (from: number, to: number): number =>
      rms(out.subarray(from, to)) / (amplitude / Math.SQRT2);
    // Full level to 10 ms, then linearly down: 0.8 at 20 ms, 0.4 at 40 ms, 0 at 60 ms.
    expect(level(0, 80)).toBeCloseTo(1, 1);
    expect(level(140, 180)).toBeCloseTo(0.8, 1);
    expect(level(300, 340)).toBeCloseTo(0.4, 1);
    expect(out.subarray(480).every((s) => s === 0)).toBe(true);
    expect(plc.silent).toBe(true);
    // However long the loss, it is silence from here.
    const more = new Int16Array(10_000).fill(1);
    plc.conceal(more);
    expect(more.every((s) => s === 0)).toBe(true);
  });

  it('cross-fades from the synthetic signal when audio returns, without a click', () => {
    const { plc, continuation } = afterTone(1000);
    const out = new Int16Array(FRAME_SAMPLES + 100);
    plc.conceal(out, 0, 60);
    // The real signal comes back 60 samples on, slightly out of phase (a late frame of a drifting sender).
    const back = continuation.slice(63, 63 + 100 + FRAME_SAMPLES);
    out.set(back.subarray(0, out.length - 60), 60);
    plc.good(out, 60, out.length);
    expect(plc.concealing).toBe(false);
    const amplitude = dbfsToAmplitude(-12);
    // A 1 kHz sine moves at most 2·sin(π/8)·A between samples; the join stays within that.
    const largestStep = Math.max(...out.subarray(1).map((s, i) => Math.abs(s - out[i]!)));
    expect(largestStep).toBeLessThanOrEqual(2 * Math.sin(Math.PI / 8) * amplitude * 1.1);
    // After the 5 ms ramp it is the real signal, untouched.
    expect(Array.from(out.subarray(100, 160))).toEqual(Array.from(back.subarray(40, 100)));
  });

  it('fades real audio in after silence', () => {
    const plc = new PacketLossConcealment();
    plc.conceal(new Int16Array(600));
    const frame = new Int16Array(FRAME_SAMPLES).fill(10_000);
    plc.good(frame);
    expect(frame[0]!).toBeLessThan(300);
    expect(frame[20]!).toBeCloseTo(10_000 * (21 / 41), -1);
    expect(frame.subarray(40).every((s) => s === 10_000)).toBe(true);
  });

  it('takes history in pieces and keeps the newest 48.75 ms', () => {
    const tone = toneSamples(400, -12, 1000);
    const whole = new PacketLossConcealment();
    whole.good(tone.slice(0, 800));
    const pieces = new PacketLossConcealment();
    for (let at = 0; at < 800; at += 70) pieces.good(tone.slice(at, Math.min(800, at + 70)));
    const a = new Int16Array(200);
    const b = new Int16Array(200);
    whole.conceal(a);
    pieces.conceal(b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('conceals silence with silence and forgets on reset', () => {
    const plc = new PacketLossConcealment();
    const out = new Int16Array(FRAME_SAMPLES).fill(5);
    plc.conceal(out);
    expect(out.every((s) => s === 0)).toBe(true);
    const { plc: used } = afterTone(400);
    used.reset();
    const after = new Int16Array(FRAME_SAMPLES).fill(5);
    used.conceal(after);
    expect(after.every((s) => s === 0)).toBe(true);
  });
});

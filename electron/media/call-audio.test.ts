import { describe, expect, it } from 'vitest';
import { CallAudio } from './call-audio';
import { decodeG711, encodeG711 } from './g711';
import { FRAME_SAMPLES } from './rtp-sender';
import { FakeMediaClock } from './testing/fake-media-clock';
import { toneFrames } from './testing/tone-rig';
import { toneRatio } from './testing/goertzel-rig';

const level = (value: number): Int16Array => new Int16Array(FRAME_SAMPLES).fill(value);
const decodedLevel = (payload: Uint8Array): number => decodeG711('PCMA', payload)[0]!;

describe('CallAudio', () => {
  it('sends microphone frames in order and measures how long each waited', () => {
    const clock = new FakeMediaClock();
    const audio = new CallAudio(clock);
    audio.pushCapture(level(1000));
    clock.advance(5);
    audio.pushCapture(level(2000));
    clock.advance(10);
    expect(Math.abs(decodedLevel(audio.nextPayload('PCMA')) - 1000)).toBeLessThan(64);
    expect(Math.abs(decodedLevel(audio.nextPayload('PCMA')) - 2000)).toBeLessThan(64);
    expect(audio.stats()).toMatchObject({ captureWaitMaxMs: 15, captureWaitMeanMs: 12.5, captureOverruns: 0 });
  });

  it('keeps at most three frames when the device runs ahead (latency stays ≤ 60 ms) and counts the dropped ones', () => {
    const audio = new CallAudio(new FakeMediaClock());
    for (let i = 1; i <= 5; i++) audio.pushCapture(level(i * 1000));
    expect(audio.stats().captureOverruns).toBe(2);
    expect(Math.abs(decodedLevel(audio.nextPayload('PCMA')) - 3000)).toBeLessThan(128);
  });

  it('gives latency back after one late device frame: a frame standing for half a second is dropped', () => {
    const clock = new FakeMediaClock();
    const audio = new CallAudio(clock);
    // The device pushes 2 ms before each sender tick; one frame comes late, after its tick.
    const tick = (push: boolean): void => {
      if (push) audio.pushCapture(level(1000));
      clock.advance(2);
      audio.nextPayload('PCMA');
      clock.advance(18);
    };
    for (let i = 0; i < 10; i++) tick(true);
    tick(false);
    audio.pushCapture(level(1000));
    for (let i = 0; i < 100; i++) tick(true);
    const before = audio.stats();
    expect(before.captureTrimmed).toBe(1);
    for (let i = 0; i < 50; i++) tick(true);
    const waitsAfter = audio.stats();
    // Every frame after the trim waits 2 ms again, not 22.
    expect(waitsAfter.captureTrimmed).toBe(1);
    expect(waitsAfter.captureWaitMaxMs).toBe(22);
    // 110 frames went out before (10, none on the late tick, then 100 with one trimmed), 160 after.
    const mean = (waitsAfter.captureWaitMeanMs * 160 - before.captureWaitMeanMs * 110) / 50;
    expect(mean).toBeCloseTo(2, 5);
  });

  it('sends silence without frames (counted only once the device has started) and while muted', () => {
    const audio = new CallAudio(new FakeMediaClock());
    expect(Array.from(audio.nextPayload('PCMU'))).toEqual(Array(FRAME_SAMPLES).fill(0xff));
    expect(audio.stats().captureUnderruns).toBe(0);
    audio.pushCapture(level(5000));
    audio.nextPayload('PCMU');
    audio.nextPayload('PCMU');
    expect(audio.stats().captureUnderruns).toBe(1);
    audio.muted = true;
    audio.pushCapture(level(5000));
    expect(Array.from(audio.nextPayload('PCMA'))).toEqual(Array(FRAME_SAMPLES).fill(0xd5));
    audio.deviceIdle();
    audio.nextPayload('PCMA');
    expect(audio.stats().captureUnderruns).toBe(1);
  });

  it('plays received packets through the jitter buffer, and silence before any', () => {
    const clock = new FakeMediaClock();
    const audio = new CallAudio(clock);
    expect(audio.pullPlayout().every((s) => s === 0)).toBe(true);
    const tone = toneFrames(1000, -12);
    const heard: Int16Array[] = [];
    for (let i = 0; i < 100; i++) {
      const payload = encodeG711('PCMA', tone());
      audio.receive({ marker: i === 0, payloadType: 8, sequence: i, timestamp: i * FRAME_SAMPLES, ssrc: 7, payload }, 'PCMA', clock.now());
      heard.push(audio.pullPlayout());
      clock.advance(20);
    }
    const joined = new Int16Array(heard.length * FRAME_SAMPLES);
    heard.forEach((f, i) => joined.set(f, i * FRAME_SAMPLES));
    expect(toneRatio(joined.subarray(joined.length / 2), 1000)).toBeGreaterThan(0.5);
    expect(audio.stats().jitter?.received).toBe(100);
  });
});

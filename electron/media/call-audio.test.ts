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

import { describe, expect, it } from 'vitest';
import { decodeMediaFrame, encodeMediaFrame, MEDIA_FRAME_SAMPLES, type MediaFrame } from '../../../shared/media-channel';
import type { CallAudioPort } from '../calls/call-media';
import { AudioHub } from './audio-hub';

class FakeCallAudio implements CallAudioPort {
  muted = false;
  captured: Int16Array[] = [];
  idle = 0;
  constructor(private readonly level: number) {}
  pushCapture(samples: Int16Array): void {
    this.captured.push(samples);
  }
  pullPlayout(): Int16Array {
    return new Int16Array(MEDIA_FRAME_SAMPLES).fill(this.level);
  }
  deviceIdle(): void {
    this.idle++;
  }
}

function client(): { sent: MediaFrame[]; send(bytes: ArrayBuffer): void } {
  const sent: MediaFrame[] = [];
  return {
    sent,
    send(bytes) {
      const frame = decodeMediaFrame(bytes);
      if (!frame.ok) throw new Error(frame.error.message);
      sent.push(frame.value);
    },
  };
}

const capture = (value: number, sequence = 0): ArrayBuffer =>
  encodeMediaFrame({ kind: 'capture', sequence, samples: new Int16Array(MEDIA_FRAME_SAMPLES).fill(value) });

describe('AudioHub', () => {
  it('answers every capture frame with one playout frame of the active call', () => {
    const call = new FakeCallAudio(7);
    const hub = new AudioHub({ activeAudio: () => call });
    const device = client();
    const connection = hub.connect(device);
    for (let i = 0; i < 3; i++) connection.receive(capture(100 + i, i));
    expect(call.captured.map((s) => s[0])).toEqual([100, 101, 102]);
    expect(device.sent.map((f) => f.kind)).toEqual(['playout', 'playout', 'playout']);
    expect(device.sent.map((f) => f.sequence)).toEqual([0, 1, 2]);
    expect((device.sent[0] as { samples: Int16Array }).samples[5]).toBe(7);
  });

  it('sends nothing and feeds nothing without an active call', () => {
    const hub = new AudioHub({ activeAudio: () => undefined });
    const device = client();
    hub.connect(device).receive(capture(1));
    expect(device.sent).toEqual([]);
    expect(hub.stats().captureFrames).toBe(1);
  });

  it('refuses undecodable frames with a counted log line and keeps working', () => {
    const call = new FakeCallAudio(1);
    const logs: string[] = [];
    const hub = new AudioHub({ activeAudio: () => call, log: (m) => logs.push(m) });
    const device = client();
    const connection = hub.connect(device);
    for (const junk of ['text', 42, null, new Uint8Array(3), new Uint8Array(400), capture(1).slice(0, 100), encodeMediaFrame({ kind: 'playout', sequence: 1, samples: new Int16Array(160) })])
      connection.receive(junk);
    expect(hub.stats().invalidFrames).toBe(7);
    expect(logs).toHaveLength(1);
    connection.receive(capture(5));
    expect(call.captured).toHaveLength(1);
  });

  it('gives the audio to the window that claimed it last and tells the other one', () => {
    const call = new FakeCallAudio(1);
    const hub = new AudioHub({ activeAudio: () => call });
    const first = client();
    const second = client();
    const a = hub.connect(first);
    const b = hub.connect(second);
    a.receive(encodeMediaFrame({ kind: 'claim', sequence: 0 }));
    a.receive(capture(1));
    b.receive(encodeMediaFrame({ kind: 'claim', sequence: 0 }));
    expect(first.sent.map((f) => f.kind)).toEqual(['playout', 'release']);
    a.receive(capture(2));
    b.receive(capture(3));
    expect(call.captured.map((s) => s[0])).toEqual([1, 3]);
    expect(hub.stats().ignoredFrames).toBe(1);
  });

  it('tells the call it lost the device when the audio moves or the window closes', () => {
    const one = new FakeCallAudio(1);
    const two = new FakeCallAudio(2);
    let active: CallAudioPort | undefined = one;
    const hub = new AudioHub({ activeAudio: () => active });
    const device = client();
    const connection = hub.connect(device);
    connection.receive(capture(1));
    active = two;
    connection.receive(capture(2));
    expect(one.idle).toBe(1);
    expect(two.captured).toHaveLength(1);
    connection.close();
    expect(two.idle).toBe(1);
    connection.receive(capture(3));
    expect(two.captured).toHaveLength(1);
  });
});

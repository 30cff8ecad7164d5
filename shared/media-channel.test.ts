import { describe, expect, it } from 'vitest';
import { decodeMediaFrame, encodeMediaFrame, MEDIA_AUDIO_FRAME_BYTES, MEDIA_FRAME_SAMPLES } from './media-channel';

describe('media channel frames', () => {
  it('round-trips capture and playout frames sample for sample, little-endian', () => {
    const samples = new Int16Array(MEDIA_FRAME_SAMPLES).map((_, i) => (i * 409) % 65536 - 32768);
    const bytes = encodeMediaFrame({ kind: 'capture', sequence: 0xfffffffe, samples });
    expect(bytes.byteLength).toBe(MEDIA_AUDIO_FRAME_BYTES);
    expect(new Uint8Array(bytes).slice(0, 8)).toEqual(new Uint8Array([0x41, 1, 1, 0, 0xfe, 0xff, 0xff, 0xff]));
    const decoded = decodeMediaFrame(bytes);
    expect(decoded.ok && decoded.value).toEqual({ kind: 'capture', sequence: 0xfffffffe, samples });
    const playout = decodeMediaFrame(new Uint8Array(encodeMediaFrame({ kind: 'playout', sequence: 3, samples })));
    expect(playout.ok && playout.value.kind).toBe('playout');
  });

  it('decodes from a view into a larger buffer (a Node Buffer of a pooled slab)', () => {
    const frame = new Uint8Array(encodeMediaFrame({ kind: 'claim', sequence: 9 }));
    const slab = new Uint8Array(100);
    slab.set(frame, 31);
    const decoded = decodeMediaFrame(slab.subarray(31, 31 + frame.length));
    expect(decoded.ok && decoded.value).toEqual({ kind: 'claim', sequence: 9 });
  });

  it('refuses everything else with a reason', () => {
    const good = new Uint8Array(encodeMediaFrame({ kind: 'capture', sequence: 1, samples: new Int16Array(MEDIA_FRAME_SAMPLES) }));
    const bad: unknown[] = ['text', 5, null, {}, new Uint8Array(7), good.slice(0, 200), new Uint8Array([...good, 0])];
    const wrongMagic = good.slice();
    wrongMagic[0] = 0x42;
    const wrongKind = good.slice();
    wrongKind[2] = 9;
    const claimWithAudio = good.slice();
    claimWithAudio[2] = 3;
    for (const data of [...bad, wrongMagic, wrongKind, claimWithAudio]) {
      const result = decodeMediaFrame(data);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message.length).toBeGreaterThan(5);
    }
  });

  it('refuses to encode a frame of the wrong length (a bug on the sending side)', () => {
    expect(() => encodeMediaFrame({ kind: 'capture', sequence: 0, samples: new Int16Array(128) })).toThrow(RangeError);
  });
});

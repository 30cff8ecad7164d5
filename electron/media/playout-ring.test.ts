import { describe, expect, it } from 'vitest';
import { PacketLossConcealment } from './packet-loss-concealment';
import { PlayoutRing, RING_SAMPLES, SKIP_FADE } from './playout-ring';
import { FRAME_SAMPLES } from './rtp-sender';

const constant = (value: number, length = FRAME_SAMPLES): Int16Array => new Int16Array(length).fill(value);

describe('playout ring', () => {
  it('plays samples where they were written, in any order and size, and conceals the gaps', () => {
    const ring = new PlayoutRing();
    ring.write(240, constant(3, 80));
    ring.write(0, constant(1, 80));
    ring.write(80, constant(2, 160));
    expect(ring.buffered).toBe(320);
    const frame = new Int16Array(FRAME_SAMPLES);
    const plc = new PacketLossConcealment();
    expect(ring.play(frame, plc)).toBe(false);
    expect([frame[0], frame[79], frame[80], frame[159]]).toEqual([1, 1, 2, 2]);
    expect(ring.play(frame, plc)).toBe(false);
    expect([frame[0], frame[79], frame[80], frame[159]]).toEqual([2, 2, 3, 3]);
    expect(ring.position).toBe(320);
    // Nothing at 320..480: concealed from what was played.
    expect(ring.play(frame, plc)).toBe(true);
    expect(ring.buffered).toBe(0);
  });

  it('leaves out what lies behind the position or beyond the ring', () => {
    const ring = new PlayoutRing();
    ring.advance(1000);
    ring.write(900, constant(7, 200));
    expect(ring.buffered).toBe(100);
    ring.write(1000 + RING_SAMPLES - 50, constant(9, 200));
    expect(ring.buffered).toBe(RING_SAMPLES);
    const frame = new Int16Array(FRAME_SAMPLES);
    ring.play(frame, new PacketLossConcealment());
    expect(frame.subarray(0, 100).every((s) => s === 7)).toBe(true);
  });

  it('tells silent frames from speech, and skips frames keeping their head for a fade', () => {
    const ring = new PlayoutRing();
    const quiet = 1000 * FRAME_SAMPLES;
    expect(ring.quiet(quiet)).toBe(true);
    ring.write(0, constant(20));
    ring.write(160, constant(5000));
    ring.write(320, constant(5000, 100));
    expect(ring.quiet(quiet)).toBe(true);
    const head = new Int16Array(SKIP_FADE);
    expect(ring.skip(head)).toBe(true);
    expect(head.every((s) => s === 20)).toBe(true);
    expect(ring.quiet(quiet)).toBe(false);
    const frame = new Int16Array(FRAME_SAMPLES);
    ring.play(frame, new PacketLossConcealment(), head);
    // Fades from the skipped frame into this one over SKIP_FADE samples.
    expect(frame[0]).toBe(Math.round((1 / 41) * 5000 + (40 / 41) * 20));
    expect(frame[SKIP_FADE]).toBe(5000);
    // A partly received frame is neither silent nor whole.
    expect(ring.quiet(quiet)).toBe(false);
    expect(ring.skip(head)).toBe(true);
    expect(ring.skip(head)).toBe(false);
  });

  it('forgets everything on clear and frees what it passes', () => {
    const ring = new PlayoutRing();
    ring.write(0, constant(4, 1000));
    ring.clear();
    expect(ring.buffered).toBe(0);
    expect(ring.quiet(1)).toBe(true);
    ring.write(0, constant(4, 1000));
    ring.advance(10 * RING_SAMPLES);
    // The old samples' slots come round again empty.
    expect(ring.quiet(1)).toBe(true);
    ring.advance(5);
    expect(ring.position).toBe(10 * RING_SAMPLES);
  });
});

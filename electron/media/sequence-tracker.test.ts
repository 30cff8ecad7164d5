import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker';

function track(sequences: number[], tracker = new SequenceTracker()) {
  const duplicates = sequences.filter((s) => tracker.duplicate(s)).length;
  return { tracker, duplicates };
}

describe('sequence tracker', () => {
  it('counts nothing lost for a complete run across the 16-bit wrap', () => {
    const { tracker, duplicates } = track(Array.from({ length: 200 }, (_, i) => (65_450 + i) & 0xffff));
    expect(duplicates).toBe(0);
    expect(tracker.lost).toBe(0);
  });

  it('counts the gaps that stay gaps, also across the wrap', () => {
    const sent = Array.from({ length: 200 }, (_, i) => (65_450 + i) & 0xffff);
    const received = sent.filter((_, i) => i !== 80 && i !== 86 && i !== 87);
    // One of them arrives late, after its successors.
    received.splice(95, 0, sent[87]!);
    expect(track(received).tracker.lost).toBe(2);
  });

  it('recognises duplicates within the last 512 numbers, including reordered ones', () => {
    const { tracker, duplicates } = track([10, 11, 12, 11, 13, 10, 14, 14]);
    expect(duplicates).toBe(3);
    expect(tracker.lost).toBe(0);
    const long = track(Array.from({ length: 600 }, (_, i) => i));
    // 600 numbers later, number 50 is beyond the window: not called a duplicate.
    expect(long.tracker.duplicate(550)).toBe(true);
    expect(long.tracker.duplicate(50)).toBe(false);
  });

  it('starts a new run on a jump beyond 3000 (RFC 3550 §A.1) and keeps the loss of the old one', () => {
    const { tracker } = track([100, 101, 103, 104, 20_000, 20_001, 20_003]);
    expect(tracker.lost).toBe(2);
    tracker.restart(5);
    expect(tracker.duplicate(5)).toBe(false);
    expect(tracker.duplicate(7)).toBe(false);
    expect(tracker.lost).toBe(3);
    tracker.reset();
    expect(tracker.lost).toBe(0);
  });

  it('takes any number without failing', () => {
    const tracker = new SequenceTracker();
    for (const s of [NaN, -1, 2 ** 40, 1.5, Infinity, 65_535, 0])
      expect(typeof tracker.duplicate(s)).toBe('boolean');
    expect(Number.isFinite(tracker.lost)).toBe(true);
  });
});

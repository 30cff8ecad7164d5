import { describe, expect, it } from 'vitest';
import { PlayoutClock } from './playout-clock';

describe('playout clock', () => {
  it('takes O from the first pull and smooths timer jitter over 16 pulls', () => {
    const clock = new PlayoutClock();
    expect(clock.offsetMs).toBeUndefined();
    expect(clock.follow(1000, 0, true)).toBe(0);
    expect(clock.offsetMs).toBe(1000);
    expect(clock.started).toBe(true);
    // The next pull comes 8 ms late: O moves by 8/16.
    expect(clock.follow(1028, 160, true)).toBe(0);
    expect(clock.offsetMs).toBe(1000.5);
  });

  it('lets arrivals stand in for pulls until the device starts, skipping whole frames', () => {
    const clock = new PlayoutClock();
    clock.follow(0, 0, false);
    expect(clock.started).toBe(false);
    expect(clock.follow(15, 0, false)).toBe(0);
    expect(clock.follow(65, 0, false)).toBe(3);
    // The first pull, 7 ms into a frame (after 3 skipped and one more frame of time), fixes the grid's phase.
    expect(clock.follow(87, 480, true)).toBe(1);
    expect(clock.offsetMs).toBe(7);
  });

  it('catches up after a stall and re-anchors when pulls come early', () => {
    const clock = new PlayoutClock();
    clock.follow(0, 0, true);
    // 10 ms late: O = 10/16.
    expect(clock.follow(30, 160, true)).toBe(0);
    expect(clock.offsetMs).toBe(0.625);
    // Nearly a second without pulls: 48 whole frames to skip, the rest of a frame smoothed in.
    expect(clock.follow(1020, 320, true)).toBe(48);
    expect(clock.offsetMs).toBeCloseTo(0.625 + (1020 - 40 - 0.625 - 960) / 16, 9);
    const before = clock.offsetMs!;
    clock.follow(0, 100_000, true);
    expect(clock.offsetMs).toBeLessThan(before - 100);
    clock.shift(20);
    clock.reset();
    expect(clock.offsetMs).toBeUndefined();
    expect(clock.started).toBe(false);
  });
});

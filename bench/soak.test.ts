import { describe, expect, it } from 'vitest';
import { leastSquaresSlope, windowFloor } from './soak';

describe('leastSquaresSlope', () => {
  it('finds the slope of a line, and of noise around it', () => {
    expect(leastSquaresSlope([[0, 100], [1, 110], [2, 120]])).toBeCloseTo(10);
    expect(leastSquaresSlope([[0, 101], [1, 99], [2, 101], [3, 99]])).toBeCloseTo(-0.4);
  });

  it('is 0 when nothing can be said', () => {
    expect(leastSquaresSlope([])).toBe(0);
    expect(leastSquaresSlope([[1, 5]])).toBe(0);
    expect(leastSquaresSlope([[1, 5], [1, 9]])).toBe(0);
  });
});

describe('windowFloor', () => {
  it('keeps the lowest point of each span, so a saw-tooth over a flat floor is flat', () => {
    const sawTooth = Array.from({ length: 100 }, (_, i) => [i, 80 + (i % 10) * 2] as const);
    const floor = windowFloor(sawTooth, 10);
    expect(floor).toHaveLength(10);
    expect(floor.every(([, y]) => y === 80)).toBe(true);
    expect(leastSquaresSlope(floor)).toBeCloseTo(0);
  });

  it('follows a floor that rises, as a leak does', () => {
    const leaking = Array.from({ length: 100 }, (_, i) => [i, 80 + i / 10 + (i % 10) * 2] as const);
    expect(leastSquaresSlope(windowFloor(leaking, 10))).toBeGreaterThan(0.05);
  });

  it('gives nothing for nothing, and the points themselves when there are fewer than windows', () => {
    expect(windowFloor([], 10)).toEqual([]);
    expect(windowFloor([[0, 5], [1, 3]], 10)).toEqual([[0, 5], [1, 3]]);
    expect(windowFloor([[2, 5], [2, 3]], 10)).toEqual([[2, 3]]);
  });
});

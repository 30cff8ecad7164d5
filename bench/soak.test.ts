import { describe, expect, it } from 'vitest';
import { leastSquaresSlope } from './soak';

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

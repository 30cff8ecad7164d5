import { afterEach, describe, expect, it } from 'vitest';
import { formatNumber, setLocale } from './index';

afterEach(() => setLocale('en'));

describe('formatNumber', () => {
  it('writes numbers the active locale’s way', () => {
    expect(formatNumber(10000)).toBe('10,000');
    expect(formatNumber(1.23456, 1)).toBe('1.2');
    setLocale('de');
    expect(formatNumber(10000)).toBe('10.000');
    expect(formatNumber(1.23456, 1)).toBe('1,2');
  });

  it('keeps Intl’s default of three decimals when none are asked for', () => {
    expect(formatNumber(0.12345)).toBe('0.123');
  });
});

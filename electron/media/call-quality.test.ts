import { describe, expect, it } from 'vitest';
import { estimateQuality, mosFromR, rateMos } from './call-quality';

describe('estimateQuality (G.107 E-model, G.711 with PLC)', () => {
  it('rates a clean LAN call good, near the G.711 ceiling of about 4.4', () => {
    const q = estimateQuality({ recentLoss: 0, oneWayDelayMs: 60 });
    expect(q.rating).toBe('good');
    expect(q.mos).toBeGreaterThan(4.3);
    expect(q.mos).toBeLessThanOrEqual(4.5);
  });

  it('stays good at 2 % loss (concealment), falls to fair at 5 % and poor at 10 %', () => {
    expect(estimateQuality({ recentLoss: 0.02, oneWayDelayMs: 60 }).rating).toBe('good');
    expect(estimateQuality({ recentLoss: 0.05, oneWayDelayMs: 60 }).rating).toBe('fair');
    expect(estimateQuality({ recentLoss: 0.1, oneWayDelayMs: 60 }).rating).toBe('poor');
  });

  it('punishes one-way delay past 177 ms', () => {
    const near = estimateQuality({ recentLoss: 0, oneWayDelayMs: 150 }).mos;
    const far = estimateQuality({ recentLoss: 0, oneWayDelayMs: 400 }).mos;
    expect(far).toBeLessThan(near - 0.5);
  });

  it('maps R to MOS at the G.107 anchor points and clamps out-of-range inputs', () => {
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
    expect(rateMos(4.0)).toBe('good');
    expect(rateMos(3.99)).toBe('fair');
    expect(estimateQuality({ recentLoss: 7, oneWayDelayMs: -5 }).rating).toBe('poor');
  });
});

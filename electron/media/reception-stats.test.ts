import { describe, expect, it } from 'vitest';
import { ReceptionStats } from './reception-stats';

describe('reception statistics (RFC 3550 Appendix A)', () => {
  it('extends the highest sequence across the 2^16 wrap and counts loss', () => {
    const stats = new ReceptionStats(1, 65534);
    for (const seq of [65534, 65535, 0, 2, 3]) stats.update(seq, 0, 0);
    expect(stats.extendedHighestSequence).toBe(0x1_0003);
    expect(stats.expected).toBe(6);
    expect(stats.cumulativeLost).toBe(1);
    const report = stats.reportBlock(0);
    expect(report.fractionLost).toBe(Math.floor((1 << 8) / 6));
    expect(report.extendedHighestSequence).toBe(0x1_0003);
    // The next interval without loss reports 0 again.
    stats.update(4, 0, 0);
    expect(stats.reportBlock(0).fractionLost).toBe(0);
  });

  it('counts reordered and duplicate packets (loss can go negative) and accepts a restart after two packets', () => {
    const stats = new ReceptionStats(1, 100);
    for (const seq of [100, 102, 101, 102]) stats.update(seq, 0, 0);
    expect(stats.cumulativeLost).toBe(-1);
    expect(stats.update(30000, 0, 0)).toBe(false);
    expect(stats.update(30001, 0, 0)).toBe(true);
    expect(stats.extendedHighestSequence).toBe(30001);
    expect(stats.cumulativeLost).toBe(0);
  });

  it('computes interarrival jitter per §A.8', () => {
    const stats = new ReceptionStats(1, 0);
    // Perfectly paced: no jitter.
    for (let i = 0; i < 10; i++) stats.update(i, i * 160, i * 20);
    expect(stats.jitter).toBe(0);
    // One packet 10 ms late (80 units): J = 80/16 = 5; the next on time: |D| = 80 again → 5 + 75/16.
    stats.update(10, 1600, 210);
    expect(stats.jitter).toBeCloseTo(5);
    stats.update(11, 1760, 220);
    expect(stats.jitter).toBeCloseTo(5 + 75 / 16);
    expect(stats.jitterMs).toBeCloseTo((5 + 75 / 16) / 8);
  });

  it('handles an RTP timestamp wrap in the jitter without a spike', () => {
    const stats = new ReceptionStats(1, 0);
    stats.update(0, 0xffffff60, 0);
    stats.update(1, 0, 20);
    expect(stats.jitter).toBeCloseTo(0);
  });

  it('reports LSR and DLSR from the last SR', () => {
    const stats = new ReceptionStats(1, 0);
    stats.update(0, 0, 0);
    expect(stats.reportBlock(0)).toMatchObject({ lastSr: 0, delaySinceLastSr: 0 });
    stats.senderReport(0x12345678, 1000);
    expect(stats.reportBlock(1500)).toMatchObject({ lastSr: 0x12345678, delaySinceLastSr: 32768 });
  });
});

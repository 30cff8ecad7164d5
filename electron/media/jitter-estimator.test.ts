import { describe, expect, it } from 'vitest';
import { JitterEstimator } from './jitter-estimator';
import { seededRandom } from './testing/network-sim-rig';

const bounds = { minDelayMs: 20, maxDelayMs: 200, initialDelayMs: 40 };

/**
 * Feeds `count` packets of 20 ms: packet i leaves at i·20 ms of the sender's clock (which runs `driftPercent` fast)
 * and takes `delay(i)` ms to arrive. Returns the jitter the estimator saw per packet.
 */
function feed(
  estimator: JitterEstimator,
  count: number,
  delay: (i: number) => number,
  driftPercent = 0,
  first = 0,
): number[] {
  const packets = Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return { arrival: (i * 20) / (1 + driftPercent / 100) + delay(i), media: i * 20 };
  });
  // In the order they arrive, as a jitter buffer records them.
  packets.sort((a, b) => a.arrival - b.arrival);
  return packets.map((p) => estimator.record(p.arrival, p.media));
}

describe('jitter estimator', () => {
  it('settles at the minimum delay without jitter', () => {
    const estimator = new JitterEstimator(bounds);
    expect(estimator.targetMs).toBe(40);
    const seen = feed(estimator, 500, () => 30);
    expect(Math.max(...seen)).toBe(0);
    expect(estimator.targetMs).toBeCloseTo(20, 3);
    expect(estimator.floorAt(10_000)).toBeCloseTo(30, 6);
  });

  it('does not fall before it has seen 16 packets, and rises at once', () => {
    const estimator = new JitterEstimator(bounds);
    feed(estimator, 15, () => 30);
    expect(estimator.targetMs).toBe(40);
    // Of 17 packets the 97th percentile is the second largest.
    feed(estimator, 2, () => 130, 0, 15);
    expect(estimator.targetMs).toBe(105);
  });

  it('targets the 97th percentile of the jitter plus 5 ms', () => {
    const random = seededRandom(1);
    const estimator = new JitterEstimator(bounds);
    // Uniform 0..30 ms: the 97th percentile is about 29 ms.
    feed(estimator, 3000, () => 40 + 30 * random());
    expect(estimator.targetMs).toBeGreaterThan(31);
    expect(estimator.targetMs).toBeLessThan(36);
  });

  it('ignores a lone spike but follows a burst of late packets', () => {
    const estimator = new JitterEstimator(bounds);
    feed(estimator, 300, () => 30);
    feed(estimator, 1, () => 180, 0, 300);
    feed(estimator, 1, () => 30, 0, 301);
    expect(estimator.targetMs).toBeLessThan(21);
    feed(estimator, 5, () => 110, 0, 302);
    expect(estimator.targetMs).toBeCloseTo(85, 6);
  });

  it('falls back with the gain 1/16 once the late packets have left the window', () => {
    const estimator = new JitterEstimator(bounds);
    feed(estimator, 300, () => 30);
    feed(estimator, 10, () => 130, 0, 300);
    expect(estimator.targetMs).toBeCloseTo(105, 6);
    // The 97th percentile of 128 packets is the fifth largest: 123 packets on, five late ones are still in …
    feed(estimator, 123, () => 30, 0, 310);
    expect(estimator.targetMs).toBeCloseTo(105, 6);
    // … then every packet closes 1/16 of the gap to 20 ms.
    feed(estimator, 16, () => 30, 0, 433);
    expect(estimator.targetMs).toBeCloseTo(20 + 85 * (15 / 16) ** 16, 3);
  });

  it('keeps the target within its bounds', () => {
    const estimator = new JitterEstimator({ minDelayMs: 30, maxDelayMs: 90, initialDelayMs: 40 });
    feed(estimator, 200, (i) => (i % 2 ? 30 : 500));
    expect(estimator.targetMs).toBe(90);
    feed(estimator, 2000, () => 30, 0, 200);
    expect(estimator.targetMs).toBeCloseTo(30, 3);
  });

  it.each([1, -1, 2])('follows a sender clock %s per cent off with its floor line', (driftPercent) => {
    const random = seededRandom(2);
    const estimator = new JitterEstimator(bounds);
    // 60 s: a floor that stood still would be 600 ms off by the end.
    const seen = feed(estimator, 3000, () => 40 + 20 * random(), driftPercent);
    const late = seen.slice(500);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...late)).toBeLessThan(22);
    expect(estimator.targetMs).toBeLessThan(27);
  });

  it('starts a new floor when the route gets slower, and at once when it gets faster', () => {
    const estimator = new JitterEstimator(bounds);
    feed(estimator, 500, () => 30);
    const slower = feed(estimator, 200, () => 80, 0, 500);
    // Within two segments (2 s) the floor has moved up and the packets are on time again.
    expect(slower[0]).toBeCloseTo(50, 6);
    expect(Math.max(...slower.slice(100))).toBeLessThan(1);
    const faster = feed(estimator, 10, () => 10, 0, 700);
    expect(Math.max(...faster)).toBeCloseTo(0, 6);
  });

  it('forgets the floor on restart but keeps what it learnt of the jitter', () => {
    const estimator = new JitterEstimator(bounds);
    feed(estimator, 300, (i) => 30 + (i % 4 === 0 ? 60 : 0));
    const target = estimator.targetMs;
    expect(target).toBeGreaterThan(60);
    estimator.restart();
    expect(estimator.hasFloor).toBe(false);
    expect(estimator.targetMs).toBe(target);
    // A new stream 5 s behind: its first packet is the new floor.
    expect(feed(estimator, 1, () => 5030, 0, 300)[0]).toBe(0);
    estimator.reset();
    expect(estimator.targetMs).toBe(40);
  });
});

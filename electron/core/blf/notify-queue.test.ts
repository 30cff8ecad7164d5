import { describe, it, expect } from 'vitest';
import { FakeClock } from '../../sip/clock';
import { NOTIFY_PROFILES } from '../../../shared/tiles';
import { NotifyQueue, TICK_MS, type NotifyKind, type NotifyQueueCounters } from './notify-queue';

interface Body {
  key: string;
  kind: NotifyKind;
  value: number;
}

/** A model where a full body replaces a key's state and a partial one appends to it: order and loss both show. */
function harness(ratePerSecond: number, bound: number, clock = new FakeClock()) {
  const state = new Map<string, number[]>();
  const appliedOrder: Body[] = [];
  const queue = new NotifyQueue<Body>({
    clock,
    ratePerSecond,
    bound,
    classify: (b) => ({ key: b.key, kind: b.kind }),
    apply: (b) => {
      appliedOrder.push(b);
      if (b.kind === 'partial') state.set(b.key, [...(state.get(b.key) ?? []), b.value]);
      else state.set(b.key, [b.value]);
    },
  });
  return { clock, queue, state, appliedOrder };
}

/** What the state would be with every body applied in order. */
function reference(bodies: Body[]): Map<string, number[]> {
  const state = new Map<string, number[]>();
  for (const b of bodies)
    state.set(b.key, b.kind === 'partial' ? [...(state.get(b.key) ?? []), b.value] : [b.value]);
  return state;
}

/** Deterministic PRNG (mulberry32) so the flood is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pushes `total` full states over `keys` random keys, five a millisecond (a 5,000/s flood); returns them in order. */
function floodFullStates(h: ReturnType<typeof harness>, flood: { seed: number; total: number; keys: number }): Body[] {
  const rnd = prng(flood.seed);
  const bodies: Body[] = [];
  for (let i = 0; i < flood.total; i++) {
    const b: Body = { key: `sub${Math.floor(rnd() * flood.keys)}`, kind: 'full', value: i };
    bodies.push(b);
    h.queue.push(b);
    if (i % 5 === 4) h.clock.advance(1);
  }
  return bodies;
}

describe('NotifyQueue rate', () => {
  it('applies at most ratePerSecond (plus one tick of burst) and then catches up', () => {
    const h = harness(10, 1000);
    for (let i = 0; i < 100; i++) h.queue.push({ key: `k${i}`, kind: 'full', value: i });
    expect(h.appliedOrder).toHaveLength(0);
    h.clock.advance(1000);
    expect(h.appliedOrder.length).toBeGreaterThanOrEqual(10);
    expect(h.appliedOrder.length).toBeLessThanOrEqual(11);
    h.clock.advance(4000);
    expect(h.appliedOrder.length).toBeGreaterThanOrEqual(50);
    expect(h.appliedOrder.length).toBeLessThanOrEqual(51);
    h.clock.advance(6000);
    expect(h.appliedOrder).toHaveLength(100);
    expect(h.queue.stats()).toMatchObject({ depth: 0, received: 100, applied: 100, coalesced: 0 });
    expect(h.clock.pending).toBe(0);
  });

  it('batches per tick at high rates instead of one timer per body', () => {
    const clock = new FakeClock();
    let timers = 0;
    const counting = Object.assign(Object.create(clock) as FakeClock, {
      setTimeout: (cb: () => void, ms: number) => {
        timers++;
        return clock.setTimeout(cb, ms);
      },
    });
    const h = harness(2000, 10000, counting);
    for (let i = 0; i < 5000; i++) h.queue.push({ key: `k${i % 500}`, kind: 'partial', value: i });
    clock.advance(1000);
    expect(h.appliedOrder.length).toBeGreaterThanOrEqual(1960);
    expect(h.appliedOrder.length).toBeLessThanOrEqual(2000 + (2000 * TICK_MS) / 1000);
    expect(timers).toBeLessThanOrEqual(1000 / TICK_MS + 2);
    clock.advance(2000);
    expect(h.appliedOrder).toHaveLength(5000);
  });

  it('applies an item pushed to an idle queue without waiting a tick', () => {
    const h = harness(10, 100);
    h.queue.push({ key: 'a', kind: 'full', value: 1 });
    h.clock.advance(0);
    expect(h.state.get('a')).toEqual([1]);
  });

  it('takes a new rate at once', () => {
    const h = harness(1, 1000);
    for (let i = 0; i < 200; i++) h.queue.push({ key: 'a', kind: 'partial', value: i });
    h.clock.advance(1000);
    const before = h.appliedOrder.length;
    expect(before).toBeLessThanOrEqual(2);
    h.queue.configure({ ratePerSecond: 100, bound: 1000 });
    h.clock.advance(1000);
    expect(h.appliedOrder.length - before).toBeGreaterThanOrEqual(99);
    expect(h.appliedOrder.length - before).toBeLessThanOrEqual(103);
  });
});

describe('NotifyQueue bound and coalescing', () => {
  it('keeps partial bodies and their order; a full body supersedes its key\'s queued bodies at enqueue time', () => {
    const h = harness(1000, 100);
    const bodies: Body[] = [];
    for (let i = 0; i < 60; i++) bodies.push({ key: `k${i % 3}`, kind: i % 12 < 3 ? 'full' : 'partial', value: i });
    for (const b of bodies) h.queue.push(b);
    // Per key what is left is its last full body (48, 49, 50 for k0, k1, k2) and the partials after it.
    const expected = bodies.filter((b) => b.value >= 48);
    expect(h.queue.stats()).toMatchObject({ depth: expected.length, coalesced: 60 - expected.length });
    h.clock.advance(1000);
    expect(h.appliedOrder).toEqual(expected);
  });

  it('never holds more than one full state per key, below the bound too', () => {
    const h = harness(1, 1000);
    for (let i = 0; i < 500; i++) h.queue.push({ key: `k${i % 5}`, kind: 'full', value: i });
    expect(h.queue.stats()).toMatchObject({ depth: 5, coalesced: 495, overBound: 0, forced: 0 });
    h.queue.drain();
    expect(h.appliedOrder.map((b) => b.value)).toEqual([495, 496, 497, 498, 499]);
  });

  it('a partial body never supersedes: the chain after the newest full state stays whole and ordered', () => {
    const h = harness(1, 100);
    const a = (kind: NotifyKind, value: number): Body => ({ key: 'a', kind, value });
    for (const b of [a('full', 1), a('partial', 2), a('full', 3), a('partial', 4), a('partial', 5)]) h.queue.push(b);
    expect(h.queue.stats()).toMatchObject({ depth: 3, coalesced: 2 });
    h.queue.drain();
    expect(h.appliedOrder.map((b) => b.value)).toEqual([3, 4, 5]);
    expect(h.state.get('a')).toEqual([3, 4, 5]);
  });

  it('at the bound applies the oldest body of a chain instead of growing, and admits a new key past it', () => {
    const h = harness(1, 3);
    const a = (kind: NotifyKind, value: number): Body => ({ key: 'a', kind, value });
    for (const b of [a('full', 1), a('partial', 2), a('partial', 3)]) h.queue.push(b);
    h.queue.push(a('partial', 4));
    expect(h.queue.stats()).toMatchObject({ depth: 3, forced: 1 });
    h.queue.push({ key: 'b', kind: 'full', value: 5 });
    expect(h.queue.stats()).toMatchObject({ depth: 3, forced: 2, overBound: 0 });
    h.queue.drain();
    expect(h.state.get('a')).toEqual([1, 2, 3, 4]);
    expect(h.appliedOrder.map((b) => b.value)).toEqual([1, 2, 3, 4, 5]);
  });

  it("treats kind 'unknown' as a full state", () => {
    const h = harness(1, 3);
    h.queue.push({ key: 'a', kind: 'partial', value: 1 });
    h.queue.push({ key: 'a', kind: 'unknown', value: 2 });
    h.queue.push({ key: 'a', kind: 'partial', value: 3 });
    h.queue.push({ key: 'a', kind: 'unknown', value: 4 });
    h.queue.drain();
    expect(h.appliedOrder.map((b) => b.value)).toEqual([4]);
    expect(h.queue.stats()).toMatchObject({ applied: 1, coalesced: 3 });
  });

  it('never lets the depth pass the bound while the keys fit in it', () => {
    const h = harness(5, 10);
    const bodies: Body[] = [];
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const b: Body = { key: `k${Math.floor(rnd() * 8)}`, kind: rnd() < 0.6 ? 'full' : 'partial', value: i };
      bodies.push(b);
      h.queue.push(b);
      expect(h.queue.stats().depth).toBeLessThanOrEqual(10);
      if (i % 10 === 0) h.clock.advance(7);
    }
    h.clock.advance(10_000);
    expect(h.state).toEqual(reference(bodies));
    const s = h.queue.stats();
    expect(s.overBound).toBe(0);
    expect(s.applied + s.coalesced).toBe(1000);
  });

  it('lets one body per extra key past the bound rather than drop a newest state', () => {
    const h = harness(1, 3);
    for (let i = 0; i < 6; i++) h.queue.push({ key: `k${i}`, kind: 'full', value: i });
    expect(h.queue.stats()).toMatchObject({ depth: 6, overBound: 3, coalesced: 0, forced: 0 });
    h.queue.push({ key: 'k0', kind: 'full', value: 10 });
    expect(h.queue.stats()).toMatchObject({ depth: 6, coalesced: 1 });
    h.queue.drain();
    expect([...h.state.entries()].sort()).toEqual([
      ['k0', [10]],
      ['k1', [1]],
      ['k2', [2]],
      ['k3', [3]],
      ['k4', [4]],
      ['k5', [5]],
    ]);
  });

  it('applies the oldest of a partial chain ahead of the rate instead of growing past the bound', () => {
    const h = harness(1, 3);
    const bodies: Body[] = [{ key: 'a', kind: 'full', value: 0 }];
    for (let i = 1; i <= 10; i++) bodies.push({ key: 'a', kind: 'partial', value: i });
    for (const b of bodies) {
      h.queue.push(b);
      expect(h.queue.stats().depth).toBeLessThanOrEqual(3);
    }
    expect(h.queue.stats()).toMatchObject({ forced: 8, applied: 8, depth: 3 });
    h.queue.drain();
    expect(h.state.get('a')).toEqual(bodies.map((b) => b.value));
  });

  it('makes room for a new key by applying the oldest body of a chain, not by passing the bound', () => {
    const h = harness(1, 3);
    h.queue.push({ key: 'a', kind: 'full', value: 1 });
    h.queue.push({ key: 'a', kind: 'partial', value: 2 });
    h.queue.push({ key: 'a', kind: 'partial', value: 3 });
    h.queue.push({ key: 'b', kind: 'full', value: 4 });
    expect(h.queue.stats()).toMatchObject({ depth: 3, forced: 1, overBound: 0, applied: 1 });
    expect(h.state.get('a')).toEqual([1]);
    h.queue.drain();
    expect(h.appliedOrder.map((b) => b.value)).toEqual([1, 2, 3, 4]);
  });

  it('coalesces at once when configured with a smaller bound', () => {
    const h = harness(1, 100);
    for (let i = 0; i < 20; i++) h.queue.push({ key: `k${i % 2}`, kind: 'full', value: i });
    h.queue.configure({ ratePerSecond: 1, bound: 10 });
    expect(h.queue.stats()).toMatchObject({ depth: 2, coalesced: 18, bound: 10 });
    h.queue.drain();
    expect(h.state).toEqual(
      new Map([
        ['k0', [18]],
        ['k1', [19]],
      ]),
    );
  });
});

describe('NotifyQueue flood (phone profile)', () => {
  it('5,000 bodies over 200 keys in one second with bound 100 and 10/s: every final state exact', () => {
    const h = harness(10, 100);
    const rnd = prng(42);
    const bodies: Body[] = [];
    let maxDepth = 0;
    for (let i = 0; i < 5000; i++) {
      const b: Body = {
        key: `sub${Math.floor(rnd() * 200)}`,
        kind: rnd() < 0.7 ? 'full' : 'partial',
        value: i,
      };
      bodies.push(b);
      h.queue.push(b);
      maxDepth = Math.max(maxDepth, h.queue.stats().depth);
      if (i % 5 === 4) h.clock.advance(1);
    }
    const during = h.queue.stats();
    // The flood took one second: at most ~11 bodies at the rate; the rest of what left the queue was forced.
    expect(during.applied - during.forced).toBeLessThanOrEqual(11);
    expect(maxDepth).toBeLessThanOrEqual(200);
    expect(during.overBound).toBeGreaterThan(0);
    h.clock.advance(120_000);
    const keys = new Set(bodies.map((b) => b.key));
    expect(h.state.size).toBe(keys.size);
    expect(h.state).toEqual(reference(bodies));
    const s = h.queue.stats();
    expect(s).toMatchObject({ depth: 0, received: 5000, rejected: 0, applied: h.appliedOrder.length });
    expect(s.applied + s.coalesced).toBe(5000);
    expect(h.clock.pending).toBe(0);
  });

  it('a flood of full states is applied at the rate: the rest is coalesced, nothing forced', () => {
    const h = harness(10, 100);
    const bodies = floodFullStates(h, { seed: 3, total: 5000, keys: 200 });
    expect(h.queue.stats()).toMatchObject({ forced: 0 });
    expect(h.queue.stats().applied).toBeLessThanOrEqual(11);
    h.clock.advance(60_000);
    expect(h.state).toEqual(reference(bodies));
    const s = h.queue.stats();
    expect(s.applied).toBeLessThanOrEqual(11 + 200);
    expect(s.applied + s.coalesced).toBe(5000);
  });

  it('keeps push cheap: 50,000 pushes over 2,000 keys stay far from quadratic', () => {
    const h = harness(10, 100);
    const started = performance.now();
    for (let i = 0; i < 50_000; i++)
      h.queue.push({ key: `k${i % 2000}`, kind: i % 3 === 0 ? 'partial' : 'full', value: i });
    expect(performance.now() - started).toBeLessThan(1500);
    h.queue.drain();
    expect(h.queue.stats().depth).toBe(0);
  });
});

describe('NotifyQueue flood (console profile)', () => {
  it('1,000 subscriptions flooded at 5,000/s: the rate is honoured and every final state is shown within 100 ms of the end', () => {
    const { ratePerSecond, queueBound } = NOTIFY_PROFILES.console;
    const h = harness(ratePerSecond, queueBound);
    // Four seconds of a 5,000/s flood.
    const bodies = floodFullStates(h, { seed: 7, total: 20_000, keys: 1000 });
    const atEnd = h.queue.stats();
    expect(atEnd.depth).toBeLessThanOrEqual(1000);
    // Never above the rate (plus one tick of burst), nothing forced past it.
    expect(atEnd.applied).toBeLessThanOrEqual(ratePerSecond * 4 + (ratePerSecond * TICK_MS) / 1000);
    expect(atEnd.forced).toBe(0);
    h.clock.advance(100);
    expect(h.queue.stats().depth).toBe(0);
    expect(h.state).toEqual(reference(bodies));
  });

  it('a whole panel of 1,000 queued full states (a PBX restart) is applied within one 100 ms period', () => {
    const { ratePerSecond, queueBound } = NOTIFY_PROFILES.console;
    const h = harness(ratePerSecond, queueBound);
    for (let i = 0; i < 1000; i++) h.queue.push({ key: `sub${i}`, kind: 'full', value: i });
    // The rate holds: one tick of burst plus the rate's share of 50 ms.
    h.clock.advance(50);
    expect(h.queue.stats().applied).toBeLessThanOrEqual((ratePerSecond * (TICK_MS + 50)) / 1000);
    h.clock.advance(50);
    expect(h.queue.stats()).toMatchObject({ depth: 0, applied: 1000, forced: 0 });
  });
});

describe('NotifyQueue accounting and stats', () => {
  it('counts refused and failing bodies as rejected and goes on', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const seen: number[] = [];
    const queue = new NotifyQueue<number>({
      clock,
      ratePerSecond: 100,
      bound: 10,
      classify: (n) => ({ key: String(n), kind: 'full' }),
      apply: (n) => {
        if (n === 2) return false;
        if (n === 3) throw new Error('bug');
        seen.push(n);
      },
      onError: (e) => errors.push(e),
    });
    for (const n of [1, 2, 3, 4]) queue.push(n);
    queue.reject();
    clock.advance(1000);
    expect(seen).toEqual([1, 4]);
    expect(errors).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ received: 4, applied: 2, rejected: 3 });
  });

  it('emits stats at most once a second while they change, and the last emission is current', () => {
    const h = harness(10, 100);
    const emitted: Array<{ at: number; stats: NotifyQueueCounters }> = [];
    h.queue.onStats((stats) => emitted.push({ at: h.clock.now(), stats }));
    for (let t = 0; t < 3000; t += 10) {
      h.queue.push({ key: `k${t % 7}`, kind: 'partial', value: t });
      h.clock.advance(10);
    }
    h.clock.advance(60_000);
    for (let i = 1; i < emitted.length; i++)
      expect(emitted[i]!.at - emitted[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(emitted.length).toBeGreaterThanOrEqual(3);
    expect(emitted.at(-1)!.stats).toEqual(h.queue.stats());
    expect(h.clock.pending).toBe(0);
  });

  it('drain applies everything in order and refuses nonsense limits', () => {
    const h = harness(1, 1000);
    const bodies = [1, 2, 3].map((value): Body => ({ key: 'a', kind: 'partial', value }));
    for (const b of bodies) h.queue.push(b);
    h.queue.drain();
    expect(h.appliedOrder).toEqual(bodies);
    expect(() => h.queue.configure({ ratePerSecond: 0, bound: 10 })).toThrow(RangeError);
    expect(() => h.queue.configure({ ratePerSecond: 1, bound: 0 })).toThrow(RangeError);
  });
});

describe('NotifyQueue version order', () => {
  it('never keeps a full body older (by version) than one already queued, whatever the arrival order', () => {
    const clock = new FakeClock();
    const applied: Array<{ key: string; version: number }> = [];
    const queue = new NotifyQueue<{ key: string; version: number }>({
      clock,
      ratePerSecond: 10,
      bound: 2,
      classify: (b) => ({ key: b.key, kind: 'full', version: b.version }),
      apply: (b) => void applied.push(b),
    });
    // UDP loss and retransmission: v25 arrives, then the retransmitted v24, while the queue is at its bound.
    queue.push({ key: 'a', version: 23 });
    queue.push({ key: 'b', version: 1 });
    queue.push({ key: 'a', version: 25 });
    queue.push({ key: 'a', version: 24 });
    clock.advance(10_000);
    const last = applied.filter((b) => b.key === 'a').at(-1);
    expect(last?.version).toBe(25);
    expect(applied.filter((b) => b.key === 'a').map((b) => b.version)).not.toContain(24);
    expect(queue.stats().received).toBe(4);
    expect(queue.stats().applied + queue.stats().coalesced).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock';
import { EngineGuard, observe } from './guard';

function guarded() {
  const reports: string[] = [];
  const guard = new EngineGuard((m) => reports.push(m));
  return { guard, reports };
}

describe('EngineGuard', () => {
  it('counts a plain Error thrown in a timer, logs it once with its reason, and keeps the other timers', () => {
    const { guard, reports } = guarded();
    const fired: string[] = [];
    const inner = new FakeClock();
    const wrapped = guard.clock(inner);
    wrapped.setTimeout(() => {
      throw new Error('bug in a refresh timer');
    }, 100);
    wrapped.setTimeout(() => fired.push('later'), 200);
    expect(() => inner.advance(300)).not.toThrow();
    expect(fired).toEqual(['later']);
    expect(guard.internalErrors).toBe(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^internal error in timer \(kept running\): Error: bug in a refresh timer/);
  });

  it('reports an error passed through two guarded layers once', () => {
    const { guard, reports } = guarded();
    const error = new Error('twice');
    guard.run('inner', () => {
      throw error;
    });
    guard.run('outer', () => {
      throw error;
    });
    expect(reports).toHaveLength(1);
    expect(guard.internalErrors).toBe(1);
  });

  it('observes a rejected promise instead of leaving it unhandled', async () => {
    const { guard, reports } = guarded();
    observe(Promise.reject(new TypeError('send failed')), 'un-REGISTER', guard);
    await new Promise((resolve) => setImmediate(resolve));
    expect(guard.internalErrors).toBe(1);
    expect(reports[0]).toMatch(/internal error in un-REGISTER .*TypeError: send failed/);
  });

  it('survives a reporter that throws and wraps a clock only once', () => {
    const guard = new EngineGuard(() => {
      throw new Error('log is broken');
    });
    expect(guard.run('x', () => {
      throw 'not even an Error';
    })).toBeUndefined();
    expect(guard.internalErrors).toBe(1);
    const clock = guard.clock(new FakeClock());
    expect(guard.clock(clock)).toBe(clock);
  });
});

import { describe, it, expect } from 'vitest';
import { FakeClock } from '../../sip/clock';
import { runQuitSequence, type QuitSequenceResult, type QuitStep } from './quit-sequence';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A step that finishes after `ms` of fake time (never, when `ms` is undefined), or fails. */
function step(clock: FakeClock, log: string[], name: string, ms?: number, fail = false): QuitStep {
  return {
    name,
    run: () =>
      new Promise<void>((resolve, reject) => {
        log.push(`start ${name}@${clock.now()}`);
        if (ms === undefined) return;
        clock.setTimeout(() => (fail ? reject(new Error(`${name} failed`)) : resolve()), ms);
      }),
  };
}

/** Runs the sequence while moving fake time forward in small steps until it settles. */
async function drive(clock: FakeClock, run: Promise<QuitSequenceResult>): Promise<QuitSequenceResult> {
  let done: QuitSequenceResult | undefined;
  void run.then((r) => (done = r));
  for (let i = 0; i < 1000 && done === undefined; i++) {
    await flush();
    if (done === undefined) clock.advance(50);
  }
  if (done === undefined) throw new Error('quit sequence did not settle');
  return done;
}

describe('runQuitSequence', () => {
  it('runs un-PUBLISH, un-SUBSCRIBE, un-REGISTER in order, each after the previous one finished', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const result = await drive(
      clock,
      runQuitSequence(
        [
          step(clock, log, 'unpublish', 100),
          step(clock, log, 'unsubscribe', 200),
          step(clock, log, 'unregister', 100),
        ],
        { clock, timeoutMs: 3000 },
      ),
    );
    expect(result).toEqual({
      completed: ['unpublish', 'unsubscribe', 'unregister'],
      timedOut: [],
      failed: [],
      skipped: [],
    });
    expect(log).toEqual(['start unpublish@0', 'start unsubscribe@100', 'start unregister@300']);
    expect(clock.pending).toBe(0);
  });

  it('bounds each step, then goes on with the next', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const result = await drive(
      clock,
      runQuitSequence([step(clock, log, 'unpublish'), step(clock, log, 'unregister', 100)], {
        clock,
        timeoutMs: 3000,
        stepTimeoutMs: 1000,
      }),
    );
    expect(result).toMatchObject({ completed: ['unregister'], timedOut: ['unpublish'] });
    expect(log).toEqual(['start unpublish@0', 'start unregister@1000']);
  });

  it('bounds the total: a late step gets only what is left, the rest is skipped', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const result = await drive(
      clock,
      runQuitSequence(
        [
          step(clock, log, 'unpublish', 1500),
          step(clock, log, 'unsubscribe'),
          step(clock, log, 'unregister', 10),
        ],
        { clock, timeoutMs: 2000 },
      ),
    );
    expect(result).toEqual({
      completed: ['unpublish'],
      timedOut: ['unsubscribe'],
      failed: [],
      skipped: ['unregister'],
    });
    expect(clock.now()).toBeLessThanOrEqual(2050);
  });

  it('records failures (rejection or synchronous throw) and continues', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const throwing: QuitStep = {
      name: 'unsubscribe',
      run: () => {
        throw new Error('boom');
      },
    };
    const result = await drive(
      clock,
      runQuitSequence(
        [step(clock, log, 'unpublish', 10, true), throwing, step(clock, log, 'unregister', 10)],
        {
          clock,
          timeoutMs: 1000,
        },
      ),
    );
    expect(result).toEqual({
      completed: ['unregister'],
      timedOut: [],
      failed: ['unpublish', 'unsubscribe'],
      skipped: [],
    });
  });

  it('ignores the late outcome of a timed-out step', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const result = await drive(
      clock,
      runQuitSequence([step(clock, log, 'unpublish', 800, true), step(clock, log, 'unregister', 100)], {
        clock,
        timeoutMs: 2000,
        stepTimeoutMs: 500,
      }),
    );
    expect(result).toEqual({ completed: ['unregister'], timedOut: ['unpublish'], failed: [], skipped: [] });
    clock.advance(1000);
    await flush();
  });

  it('with no steps or no budget finishes at once', async () => {
    const clock = new FakeClock();
    expect(await runQuitSequence([], { clock, timeoutMs: 1000 })).toEqual({
      completed: [],
      timedOut: [],
      failed: [],
      skipped: [],
    });
    const log: string[] = [];
    expect(await runQuitSequence([step(clock, log, 'unregister', 1)], { clock, timeoutMs: 0 })).toMatchObject(
      {
        skipped: ['unregister'],
      },
    );
    expect(log).toEqual([]);
  });
});

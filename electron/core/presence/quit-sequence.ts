/**
 * Orderly sign-off on quit (issue 4 §4): remove the published presence (RFC 3903 §4.4, `Expires: 0`), end the
 * subscriptions (RFC 6665 §4.1.2.3) and unregister (RFC 3261 §10.2.2), in that order, each step bounded and the whole
 * sequence bounded by a short total, so a dead server never keeps the app from closing. Pure over a {@link Clock}.
 */
import type { Clock, TimerHandle } from '../../sip/clock';

export interface QuitStep {
  name: string;
  run: () => Promise<void>;
}

export interface QuitSequenceOptions {
  clock: Clock;
  /** Budget for the whole sequence. */
  timeoutMs: number;
  /** Budget for any one step (never more than what is left of `timeoutMs`); default `timeoutMs`. */
  stepTimeoutMs?: number;
}

export interface QuitSequenceResult {
  /** Steps that finished in time, in order. */
  completed: string[];
  /** Steps cut off by their own or the total budget. */
  timedOut: string[];
  /** Steps that failed (rejected or threw) in time; the sequence goes on after them. */
  failed: string[];
  /** Steps never started because the total budget was spent. */
  skipped: string[];
}

const TIMED_OUT = Symbol('timed out');

/**
 * Runs `steps` one after another. A failed or timed-out step does not stop the sequence: un-REGISTER is still worth
 * sending when un-PUBLISH got no answer. A step that times out keeps running in the background; its late result
 * (or rejection) is ignored. Never rejects.
 */
export async function runQuitSequence(
  steps: QuitStep[],
  options: QuitSequenceOptions,
): Promise<QuitSequenceResult> {
  const { clock } = options;
  const total = Math.max(0, options.timeoutMs);
  const perStep = Math.max(0, options.stepTimeoutMs ?? total);
  const deadline = clock.now() + total;
  const result: QuitSequenceResult = { completed: [], timedOut: [], failed: [], skipped: [] };
  for (const step of steps) {
    const budget = Math.min(perStep, deadline - clock.now());
    if (budget <= 0) {
      result.skipped.push(step.name);
      continue;
    }
    const outcome = await bounded(step, budget, clock);
    if (outcome === 'ok') result.completed.push(step.name);
    else if (outcome === TIMED_OUT) result.timedOut.push(step.name);
    else result.failed.push(step.name);
  }
  return result;
}

async function bounded(
  step: QuitStep,
  ms: number,
  clock: Clock,
): Promise<'ok' | 'failed' | typeof TIMED_OUT> {
  let running: Promise<'ok' | 'failed'>;
  try {
    running = step.run().then(
      () => 'ok' as const,
      () => 'failed' as const,
    );
  } catch {
    return 'failed';
  }
  let timer: TimerHandle | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = clock.setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/**
 * The timers of one subscriber usage (RFC 6665 §4.1): the one pending refresh or retry, and Timer N.
 *
 * Decisions that are ours rather than the RFC's:
 * - Timer N (RFC 6665 §4.1.2.4, 64·T1) runs from the 2xx: no NOTIFY by then means the subscription failed and a new
 *   one is tried after back-off.
 * - A NOTIFY moves the refresh only when it brings it forward by more than {@link REFRESH_SLACK_MS}, so floods do
 *   not churn timers.
 * - Final answers that only an administrator can change are retried, but only at the slow end of the back-off
 *   (`retryMaxSeconds`, 30 min by default): a receptionist's console runs all day and should heal by itself once
 *   the PBX is fixed, and one SUBSCRIBE per half hour costs nothing.
 */
import type { Clock, TimerHandle } from '../../clock';
import { backoffSeconds, refreshDelaySeconds } from '../backoff';
import type { SubscriptionDeps } from './subscription-types';

/** A NOTIFY moves the refresh only when it brings it forward by more than this, so floods do not churn timers. */
export const REFRESH_SLACK_MS = 1000;

/**
 * Seconds until the next attempt after `failures` failures: the server's Retry-After when given, the back-off
 * otherwise (`retryBaseSeconds` doubling up to `retryMaxSeconds`, jittered); `slow` waits at least the maximum.
 */
export function retryDelaySeconds(failures: number, deps: SubscriptionDeps, afterSeconds?: number, slow = false): number {
  const max = deps.retryMaxSeconds ?? 1800;
  const delay = afterSeconds ?? backoffSeconds(failures, deps.retryBaseSeconds ?? 30, max, deps.random);
  return slow ? Math.max(delay, max) : delay;
}

/** The refresh-or-retry timer (at most one of the two runs) and Timer N. */
export class SubscriptionTimers {
  private timer: TimerHandle | undefined;
  private kind: 'refresh' | 'retry' | undefined;
  /** Monotonic ms the pending refresh is due. */
  private refreshAt = Infinity;
  private timerN: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  /** A retry is waiting (a NOTIFY proving the dialog alive replaces it with a refresh). */
  get retryPending(): boolean {
    return this.kind === 'retry';
  }

  /**
   * Runs `due` when a subscription granted `expires` seconds should be refreshed. With `onlyIfEarlier`, a pending
   * refresh is kept unless this one is due more than {@link REFRESH_SLACK_MS} sooner.
   */
  scheduleRefresh(expires: number, onlyIfEarlier: boolean, due: () => void): void {
    const delay = refreshDelaySeconds(expires) * 1000;
    const at = this.clock.now() + delay;
    if (onlyIfEarlier && this.kind === 'refresh' && at > this.refreshAt - REFRESH_SLACK_MS) return;
    this.clock.clearTimeout(this.timer);
    this.kind = 'refresh';
    this.refreshAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.kind = undefined;
      this.refreshAt = Infinity;
      due();
    }, delay);
  }

  /** Runs `due` after `seconds`, replacing a pending refresh or retry. */
  scheduleRetry(seconds: number, due: () => void): void {
    this.clock.clearTimeout(this.timer);
    this.refreshAt = Infinity;
    this.kind = 'retry';
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.kind = undefined;
      due();
    }, seconds * 1000);
  }

  /** (Re)starts Timer N: `expired` runs after `ms` unless {@link stopTimerN} comes first. */
  startTimerN(ms: number, expired: () => void): void {
    this.clock.clearTimeout(this.timerN);
    this.timerN = this.clock.setTimeout(() => {
      this.timerN = undefined;
      expired();
    }, ms);
  }

  stopTimerN(): void {
    this.clock.clearTimeout(this.timerN);
    this.timerN = undefined;
  }

  /** Cancels everything pending. */
  clear(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.kind = undefined;
    this.refreshAt = Infinity;
    this.stopTimerN();
  }
}

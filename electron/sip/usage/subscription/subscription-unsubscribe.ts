/**
 * Ending a subscription (RFC 6665 §4.1.2.3): the in-dialog SUBSCRIBE with Expires: 0, bounded in time so that
 * quitting the console never waits on a notifier that does not answer.
 */
import type { DigestSession } from '../../auth';
import type { Clock, TimerHandle } from '../../clock';
import type { SipRequest } from '../../message';
import type { Flow } from '../../transport/types';
import type { LineContext } from '../line-context';
import { flowFor, sendAnsweringChallenges, type Resolve } from '../requests';
import { buildSubscribe, type SubscribeParams } from './subscribe-request';
import { unroute, type Attempt } from './subscription-attempt';
import type { SubscriptionRouter } from './subscription-router';

/** How long `stop()` waits for the un-SUBSCRIBE (and for an initial SUBSCRIBE still on its way) on quit. */
export const UNSUBSCRIBE_TIMEOUT_MS = 3000;

/**
 * Sends SUBSCRIBE with Expires: 0 in the attempt's dialog, answering digest challenges; resolves when it has its
 * final answer. A flow that cannot be had ends it quietly: the subscription then simply expires at the notifier.
 */
export async function unsubscribe(line: LineContext, attempt: Attempt, params: SubscribeParams, digest: DigestSession, resolve?: Resolve): Promise<void> {
  let flow: Flow;
  try {
    flow = await flowFor(line, attempt.dialog, resolve);
  } catch {
    return;
  }
  const build = (): SipRequest => buildSubscribe(line, flow, { ...params, expires: 0 }, attempt.dialog, attempt);
  await sendAnsweringChallenges(line.stack, flow, digest, build);
}

/** Runs `work`, giving up waiting for it after {@link UNSUBSCRIBE_TIMEOUT_MS}. */
export function withinUnsubscribeDeadline(clock: Clock, work: () => Promise<void>): Promise<void> {
  let guard: TimerHandle | undefined;
  const timeout = new Promise<void>((resolve) => (guard = clock.setTimeout(resolve, UNSUBSCRIBE_TIMEOUT_MS)));
  return Promise.race([work(), timeout]).finally(() => clock.clearTimeout(guard));
}

/**
 * The attempt `stop()` is ending: its answers still count and, once the un-SUBSCRIBE is sent, its final NOTIFY is
 * still answered 200 for one transaction lifetime (64·T1) instead of 481.
 */
export class LingeringAttempt {
  private attempt: Attempt | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly router: SubscriptionRouter,
  ) {}

  is(attempt: Attempt): boolean {
    return attempt === this.attempt;
  }

  begin(attempt: Attempt): void {
    this.attempt = attempt;
  }

  /** Ends it after `ms` unless it ended already (a terminating NOTIFY, a new start). */
  endAfter(attempt: Attempt, ms: number): void {
    if (attempt.routed && this.attempt === attempt) this.timer = this.clock.setTimeout(() => this.end(), ms);
  }

  end(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.attempt) unroute(this.router, this.attempt);
    this.attempt = undefined;
  }
}

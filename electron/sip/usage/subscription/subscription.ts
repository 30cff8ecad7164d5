/**
 * Subscriber usage (RFC 6665 §4.1): one subscription to one event package at one URI on one line. It subscribes
 * (answering digest challenges and 423 like registration), keeps the subscription refreshed within its dialog,
 * answers every NOTIFY 200 at once, and acts on every way a subscription can end. The dialog attempt and NOTIFY
 * intake are in `subscription-attempt.ts`, the timers in `subscription-timers.ts`, the un-SUBSCRIBE in
 * `subscription-unsubscribe.ts`.
 *
 * Decisions that are ours rather than the RFC's:
 * - Final answers that only an administrator can change (403, 404, 489 Bad Event, 603) are retried at the slow end
 *   of the back-off. A NOTIFY saying `rejected` or `noresource` is final instead: the notifier told us explicitly
 *   not to try again.
 * - The first `deactivated`/`timeout` termination re-subscribes at once; repeated ones without an active NOTIFY
 *   in between back off, so a notifier that terminates every new subscription cannot make us loop.
 * - A refresh that fails without 481 leaves the dialog in place (RFC 6665 §4.1.2.2: the subscription lasts until
 *   it expires); the retry refreshes in the dialog while it is unexpired and starts a new one after.
 */
import { DigestSession } from '../../auth';
import { observe } from '../../guard';
import type { SipRequest, SipResponse } from '../../message';
import type { ServerTransaction } from '../../transaction';
import type { Flow } from '../../transport/types';
import type { LineContext } from '../line-context';
import { flowFor, headerValueReason } from '../requests';
import { buildSubscribe, type SubscribeParams } from './subscribe-request';
import { afterTermination, answerNotify, confirmRoute, cseqFellBack, newAttempt, trackAcceptedDialog, unroute, type Attempt } from './subscription-attempt';
import { parseEvent, type EventHeader, type SubscriptionStateHeader } from './notify-headers';
import { REFRESH_SLACK_MS, retryDelaySeconds, SubscriptionTimers } from './subscription-timers';
import type { SubscriptionConfig, SubscriptionDeps, SubscriptionStatus, SubscriptionUser } from './subscription-types';
import { LingeringAttempt, unsubscribe, withinUnsubscribeDeadline } from './subscription-unsubscribe';

export type { NotifierResetSign, NotifyEvent, SubscriptionConfig, SubscriptionDeps, SubscriptionStatus, SubscriptionUser } from './subscription-types';
export { SubscriptionRouter, type NotifyTarget, type SubscriptionRouterStats } from './subscription-router';
export { LATE_NOTIFY_MS } from './subscription-attempt';

const MAX_INTERVAL_ROUNDS = 3;
/** What desk phones commonly ask for: a restart the subscriber misses freezes its state at most this long. */
export const DEFAULT_SUBSCRIPTION_EXPIRES = 600;
const SLOW_RETRY = new Set([403, 404, 489, 603]);

export class Subscription {
  private current: SubscriptionStatus = { state: 'terminated', reason: 'not started' };
  private readonly event: EventHeader;
  private readonly params: SubscribeParams;
  private configuredExpires: number;
  private attempt: Attempt | undefined;
  private readonly lingering: LingeringAttempt;
  private digest: DigestSession;
  private failures = 0;
  private intervalRounds = 0;
  private readonly timers: SubscriptionTimers;
  private flow: Flow | undefined;
  private lastNotifyState: 'active' | 'pending' | undefined;
  private active = false;
  private settleWaiters: Array<() => void> = [];
  private removeFlowListener: (() => void) | undefined;

  constructor(
    private readonly line: LineContext,
    config: SubscriptionConfig,
    private readonly deps: SubscriptionDeps,
    private readonly user: SubscriptionUser,
  ) {
    this.event = parseEvent(config.event);
    this.configuredExpires = config.expires ?? DEFAULT_SUBSCRIPTION_EXPIRES;
    this.params = { event: config.event, target: config.target, accept: [...config.accept], eventList: config.eventList ?? false, expires: this.configuredExpires };
    this.digest = new DigestSession(line.credentials);
    this.timers = new SubscriptionTimers(deps.clock);
    this.lingering = new LingeringAttempt(deps.clock, deps.router);
  }

  get status(): SubscriptionStatus {
    return this.current;
  }

  /** Subscribes (again, after `stop()` or a termination with `rejected`/`noresource`). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.failures = 0;
    this.lingering.end();
    this.removeFlowListener ??= this.line.stack.onFlowClosed((flow) => this.flowClosed(flow));
    this.beginNew();
  }

  /**
   * Re-SUBSCRIBEs within the dialog now, so the notifier sends full state (the BLF asks after a version gap). A
   * SUBSCRIBE already on its way brings that NOTIFY anyway, so it is not doubled. Without a live dialog, a new
   * subscription is started instead of waiting for the retry timer.
   */
  refresh(): void {
    if (!this.active) return;
    const attempt = this.attempt;
    if (attempt?.inFlight) return;
    this.timers.clear();
    if (attempt?.dialog && !attempt.dead) observe(this.send(attempt), 'SUBSCRIBE');
    else this.beginNew();
  }

  /**
   * Changes the duration asked for (RFC 6665 §4.1.2.1) from the next SUBSCRIBE on (refresh or new subscription);
   * the running subscription keeps what was granted until then.
   */
  setExpires(seconds: number): void {
    if (seconds === this.configuredExpires) return;
    this.configuredExpires = seconds;
    this.params.expires = seconds;
    this.intervalRounds = 0;
  }

  /**
   * Ends the subscription: an in-dialog SUBSCRIBE with Expires: 0 (RFC 6665 §4.1.2.3), waiting at most a few
   * seconds (also for an initial SUBSCRIBE still on its way, so its dialog can be ended). The final NOTIFY is
   * answered 200 and ignored.
   */
  async stop(): Promise<void> {
    this.removeFlowListener?.();
    this.removeFlowListener = undefined;
    const wasActive = this.active;
    this.active = false;
    this.timers.clear();
    const attempt = this.attempt;
    this.attempt = undefined;
    if (wasActive && attempt && !attempt.dead) {
      this.lingering.begin(attempt);
      await withinUnsubscribeDeadline(this.deps.clock, async () => {
        while (attempt.inFlight && !attempt.dialog) await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
        if (attempt.dialog && !attempt.dead) await unsubscribe(this.line, attempt, this.params, this.digest, this.deps.resolve);
      });
      // The final NOTIFY may still be on its way: keep answering it 200 for one transaction lifetime.
      this.lingering.endAfter(attempt, 64 * this.line.stack.transactions.timers.t1);
    } else if (attempt) this.unroute(attempt);
    this.setStatus({ state: 'terminated', reason: 'unsubscribed' });
  }

  private beginNew(): void {
    this.timers.clear();
    if (this.attempt) this.unroute(this.attempt);
    const attempt = newAttempt(this.event, (a, request, tx) => this.receiveNotify(a, request, tx));
    this.attempt = attempt;
    this.deps.router.add(attempt);
    this.digest = new DigestSession(this.line.credentials);
    this.params.expires = this.configuredExpires;
    this.intervalRounds = 0;
    this.lastNotifyState = undefined;
    this.setStatus({ state: 'subscribing' });
    observe(this.send(attempt), 'SUBSCRIBE');
  }

  /** Sends a SUBSCRIBE in the attempt's dialog, or the initial one when there is no dialog yet. */
  private async send(attempt: Attempt): Promise<void> {
    attempt.inFlight = true;
    let flow: Flow;
    try {
      flow = await flowFor(this.line, attempt.dialog, this.deps.resolve);
    } catch (error) {
      return this.failedToSend(attempt, undefined, error instanceof Error ? error.message : String(error));
    }
    if (!this.isCurrent(attempt)) {
      attempt.inFlight = false;
      return this.settle();
    }
    this.flow = flow;
    if (!attempt.dialog) attempt.cseq++;
    let request: SipRequest;
    try {
      request = buildSubscribe(this.line, flow, this.params, attempt.dialog, attempt);
    } catch (error) {
      // A line or tile setting that would inject a header fails this subscription with why, never the process.
      const badSetting = headerValueReason(error);
      if (badSetting === undefined) throw error;
      attempt.inFlight = false;
      this.failures++;
      this.retryLater('failed', undefined, badSetting, undefined, true);
      return this.settle();
    }
    if (!attempt.dialog) attempt.initial = request;
    this.digest.prepare(request);
    this.line.stack.sendRequest(request, flow, {
      onFinal: (response) => this.onFinal(attempt, request, response),
      onTimeout: () => this.failedToSend(attempt, 408, 'Notifier did not answer (timeout)'),
      onTransportError: (_tx, error) => this.failedToSend(attempt, undefined, error.message),
    });
  }

  private onFinal(attempt: Attempt, request: SipRequest, response: SipResponse): void {
    attempt.inFlight = false;
    if (!this.isCurrent(attempt)) return this.settle();
    const status = response.status;
    const inDialog = 'tag' in request.to.params;
    if (status >= 200 && status < 300) this.accepted(attempt, request, response, inDialog);
    else if (status === 401 || status === 407) {
      if (this.digest.authorize(request, response) === 'retry') observe(this.send(attempt), 'SUBSCRIBE');
      else this.failed(status, `${response.reason} (credentials rejected)`, true);
    } else if (status === 423 && this.intervalRounds < MAX_INTERVAL_ROUNDS && Number(response.get('Min-Expires')) > this.params.expires) {
      // RFC 6665 §4.1.2.1 / RFC 3261 §10.2.8: ask again with at least Min-Expires.
      this.intervalRounds++;
      this.params.expires = Number(response.get('Min-Expires'));
      observe(this.send(attempt), 'SUBSCRIBE');
    } else if ((status === 481 || status === 404) && inDialog) {
      // RFC 6665 §4.1.2.2: the notifier has no such subscription (it restarted): start a fresh one at once. Some
      // servers answer 404 for a dialog they do not know; within a dialog that means the same.
      attempt.dead = true;
      if (this.active) this.beginNew();
      this.user.onResetSign?.({ kind: 'dialog-gone', sipStatus: status, detail: `${status} ${response.reason} to a refresh of ${this.params.target}` });
    } else this.failed(status, response.reason, SLOW_RETRY.has(status), response.get('Retry-After'));
    this.settle();
  }

  private accepted(attempt: Attempt, request: SipRequest, response: SipResponse, inDialog: boolean): void {
    this.intervalRounds = 0;
    trackAcceptedDialog(attempt, request, response);
    confirmRoute(this.deps.router, attempt);
    if (!this.active) return;
    // RFC 6665 §4.1.2.1: the 2xx Expires is what the notifier granted, possibly less than asked.
    const header = response.get('Expires')?.trim();
    const granted = header !== undefined && /^\d+$/.test(header) ? Number(header) : this.params.expires;
    if (granted > 0) this.scheduleRefresh(granted, false);
    if (!inDialog && !attempt.notified) this.startTimerN(attempt);
    const expiresAt = granted > 0 ? this.deps.clock.wallNow() + granted * 1000 : undefined;
    this.setStatus({ state: this.lastNotifyState ?? 'subscribing', sipStatus: response.status, reason: response.reason, expiresAt });
  }

  private receiveNotify(attempt: Attempt, request: SipRequest, tx: ServerTransaction): void {
    const state = answerNotify(attempt, this.event, request, tx);
    confirmRoute(this.deps.router, attempt);
    if (!state) return;
    if (!this.active || attempt !== this.attempt) {
      if (state.state === 'terminated' && this.lingering.is(attempt)) this.lingering.end();
      return;
    }
    attempt.notified = true;
    const backwards = cseqFellBack(attempt, request.cseq.seq, this.params.target, this.deps.clock.now());
    this.timers.stopTimerN();
    this.user.onNotify({ body: request.body, contentType: request.get('Content-Type') ?? '', state: state.state, reason: state.reason, cseq: request.cseq.seq });
    // onNotify may have stopped or restarted the subscription.
    if (!this.active || attempt !== this.attempt) return;
    if (state.state === 'terminated') this.terminated(attempt, state);
    else this.stateReported(state);
    if (backwards !== undefined) this.user.onResetSign?.({ kind: 'cseq-backwards', detail: backwards });
  }

  /** `active` or `pending`: the `expires` parameter (RFC 6665 §8.2.3) may bring the refresh forward. */
  private stateReported(state: SubscriptionStateHeader): void {
    const substate = state.state === 'pending' ? 'pending' : 'active';
    this.lastNotifyState = substate;
    if (substate === 'active') this.failures = 0;
    let expiresAt = this.current.expiresAt;
    if (state.expires !== undefined && state.expires > 0) {
      expiresAt = this.deps.clock.wallNow() + state.expires * 1000;
      // A NOTIFY in a dialog we were about to give up on proves it alive: refresh it instead of starting over.
      if (this.timers.retryPending) this.timers.clear();
      if (!this.attempt?.inFlight) this.scheduleRefresh(state.expires, true);
    }
    const previous = this.current;
    const moved = expiresAt !== undefined && Math.abs(expiresAt - (previous.expiresAt ?? 0)) > 2 * REFRESH_SLACK_MS;
    if (previous.state !== substate || moved) {
      this.setStatus({ state: substate, sipStatus: previous.sipStatus, expiresAt });
    }
  }

  /** RFC 6665 §4.1.3: what each termination reason asks of the subscriber. */
  private terminated(attempt: Attempt, state: SubscriptionStateHeader): void {
    attempt.dead = true;
    this.unroute(attempt);
    this.timers.clear();
    this.lastNotifyState = undefined;
    const final = afterTermination(state, this.failures + 1);
    if (final === 'final') {
      // Nothing is retried until the caller starts the subscription again.
      this.active = false;
      this.setStatus({ state: 'terminated', reason: state.reason });
      return;
    }
    this.failures++;
    if (final === 'resubscribe') this.beginNew();
    else this.retryLater('retrying', undefined, state.reason ?? 'terminated', state.retryAfter);
  }

  private failed(sipStatus: number, reason: string, slow: boolean, retryAfter?: string): void {
    this.failures++;
    const after = Number(retryAfter);
    this.retryLater('failed', sipStatus, reason, Number.isFinite(after) && after > 0 ? after : undefined, slow);
  }

  private failedToSend(attempt: Attempt, sipStatus: number | undefined, reason: string): void {
    attempt.inFlight = false;
    if (!this.isCurrent(attempt)) return this.settle();
    this.flow = undefined;
    this.failures++;
    this.retryLater('retrying', sipStatus, reason);
    this.settle();
  }

  /** The connection the dialog lived on is gone (TCP/TLS): the notifier cannot reach us through it any more. */
  private flowClosed(flow: Flow): void {
    if (!this.active || !this.flow || this.flow.id !== flow.id) return;
    this.flow = undefined;
    const attempt = this.attempt;
    // A request in flight on that flow reports the failure itself (failedToSend).
    if (!attempt || attempt.inFlight) return;
    this.abandon(attempt, 'Connection to the notifier closed');
  }

  /** The attempt's dialog cannot be trusted any more: a new subscription is tried after back-off. */
  private abandon(attempt: Attempt, reason: string): void {
    attempt.dead = true;
    this.unroute(attempt);
    this.failures++;
    this.retryLater('retrying', undefined, reason);
  }

  private retryLater(state: 'retrying' | 'failed', sipStatus: number | undefined, reason: string, afterSeconds?: number, slow = false): void {
    this.timers.clear();
    let nextRetryAt: number | undefined;
    if (this.active) {
      const delay = retryDelaySeconds(this.failures, this.deps, afterSeconds, slow);
      nextRetryAt = this.deps.clock.wallNow() + delay * 1000;
      this.timers.scheduleRetry(delay, () => this.retry());
    }
    const alive = this.attempt?.dialog && !this.attempt.dead;
    this.setStatus({ state, sipStatus, reason, nextRetryAt, expiresAt: alive ? this.current.expiresAt : undefined });
  }

  private retry(): void {
    const attempt = this.attempt;
    const unexpired = (this.current.expiresAt ?? 0) > this.deps.clock.wallNow();
    if (attempt?.dialog && !attempt.dead && unexpired) observe(this.send(attempt), 'SUBSCRIBE');
    else this.beginNew();
  }

  private scheduleRefresh(expires: number, onlyIfEarlier: boolean): void {
    this.timers.scheduleRefresh(expires, onlyIfEarlier, () => {
      const attempt = this.attempt;
      if (attempt && !attempt.inFlight) observe(this.send(attempt), 'SUBSCRIBE');
    });
  }

  private startTimerN(attempt: Attempt): void {
    this.timers.startTimerN(64 * this.line.stack.transactions.timers.t1, () => {
      if (attempt === this.attempt && !attempt.notified) this.abandon(attempt, 'No NOTIFY after the SUBSCRIBE was accepted (Timer N)');
    });
  }

  /** The attempt still matters: it is the live one, or the one `stop()` is ending. */
  private isCurrent(attempt: Attempt): boolean {
    return attempt === this.attempt || this.lingering.is(attempt);
  }

  /** Wakes `stop()` waiting for an initial SUBSCRIBE's outcome. */
  private settle(): void {
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private unroute(attempt: Attempt): void {
    unroute(this.deps.router, attempt);
  }

  private setStatus(status: SubscriptionStatus): void {
    this.current = status;
    this.user.onStatus(status);
  }
}

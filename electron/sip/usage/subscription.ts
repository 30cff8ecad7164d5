/**
 * Subscriber usage (RFC 6665 §4.1): one subscription to one event package at one URI on one line. It subscribes
 * (answering digest challenges and 423 like registration), keeps the subscription refreshed within its dialog,
 * answers every NOTIFY 200 at once, and acts on every way a subscription can end.
 *
 * Decisions that are ours rather than the RFC's:
 * - NOTIFYs are never refused for a low CSeq (RFC 3261 §12.2.2 would answer 500): under reordering and
 *   retransmission in a flood that happens often, a notifier drops a subscription whose NOTIFY fails, and tile
 *   correctness rests on the body's version (interop guide, "NOTIFY floods").
 * - Final answers that only an administrator can change (403, 404, 489 Bad Event, 603) are retried, but only at the
 *   slow end of the back-off (`retryMaxSeconds`, 30 min by default): a receptionist's console runs all day and
 *   should heal by itself once the PBX is fixed, and one SUBSCRIBE per half hour costs nothing. A NOTIFY saying
 *   `rejected` or `noresource` is final instead: the notifier told us explicitly not to try again.
 * - The first `deactivated`/`timeout` termination re-subscribes at once; repeated ones without an active NOTIFY
 *   in between back off, so a notifier that terminates every new subscription cannot make us loop.
 * - A refresh that fails without 481 leaves the dialog in place (RFC 6665 §4.1.2.2: the subscription lasts until
 *   it expires); the retry refreshes in the dialog while it is unexpired and starts a new one after.
 * - Timer N (RFC 6665 §4.1.2.4, 64·T1) runs from the 2xx: no NOTIFY by then means the subscription failed and a new
 *   one is tried after back-off.
 * - A NOTIFY from a second fork (another remote tag in an existing dialog) is answered 481, ending that fork.
 */
import { DigestSession } from '../auth';
import type { TimerHandle } from '../clock';
import { observe } from '../guard';
import { Dialog, DialogError } from '../dialog';
import { createResponse, newCallId, newTag, type SipRequest, type SipResponse } from '../message';
import type { ServerTransaction } from '../transaction';
import type { Flow } from '../transport/types';
import { backoffSeconds, refreshDelaySeconds } from './backoff';
import type { LineContext } from './line-context';
import { flowFor, headerValueReason, sendAnsweringChallenges } from './requests';
import { buildSubscribe, type SubscribeParams } from './subscribe-request';
import type { NotifyTarget } from './subscription-router';
import { eventMatches, parseEvent, parseSubscriptionState, type EventHeader, type SubscriptionStateHeader } from './subscription-state';
import type { SubscriptionConfig, SubscriptionDeps, SubscriptionStatus, SubscriptionUser } from './subscription-types';

export type { NotifierResetSign, NotifyEvent, SubscriptionConfig, SubscriptionDeps, SubscriptionStatus, SubscriptionUser } from './subscription-types';
export { SubscriptionRouter, type NotifyTarget, type SubscriptionRouterStats } from './subscription-router';

/** One dialog attempt: our Call-ID and From tag, and the dialog once the notifier answered. */
interface Attempt extends NotifyTarget {
  cseq: number;
  /** The initial SUBSCRIBE as last sent: a NOTIFY that beats its 2xx creates the dialog from it. */
  initial?: SipRequest;
  dialog?: Dialog;
  lastContact?: string;
  inFlight: boolean;
  notified: boolean;
  /** Terminated, timed out or replaced: no refresh may be sent in it. */
  dead: boolean;
  routed: boolean;
  /** Highest NOTIFY CSeq seen in this dialog (RFC 3261 §12.2.2 remote sequence number). */
  remoteCseq?: number;
}

const MAX_INTERVAL_ROUNDS = 3;
/** What desk phones commonly ask for: a restart the subscriber misses freezes its state at most this long. */
export const DEFAULT_SUBSCRIPTION_EXPIRES = 600;
/** How long `stop()` waits for the un-SUBSCRIBE (and for an initial SUBSCRIBE still on its way) on quit. */
const UNSUBSCRIBE_TIMEOUT_MS = 3000;
const SLOW_RETRY = new Set([403, 404, 489, 603]);
/** A NOTIFY moves the refresh only when it brings it forward by more than this, so floods do not churn timers. */
const REFRESH_SLACK_MS = 1000;
/**
 * NOTIFYs of one dialog may overtake each other (UDP, parallel notifier workers), so a CSeq a little below the
 * highest seen is reordering; one this far below means the notifier counts afresh (it lost the dialog's state).
 */
export const CSEQ_REORDER_WINDOW = 4;

export class Subscription {
  private current: SubscriptionStatus = { state: 'terminated', reason: 'not started' };
  private readonly event: EventHeader;
  private readonly params: SubscribeParams;
  private configuredExpires: number;
  private attempt: Attempt | undefined;
  private lingering: Attempt | undefined;
  private digest: DigestSession;
  private failures = 0;
  private intervalRounds = 0;
  private timer: TimerHandle | undefined;
  private timerKind: 'refresh' | 'retry' | undefined;
  private refreshAt = Infinity;
  private timerN: TimerHandle | undefined;
  private lingerTimer: TimerHandle | undefined;
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
  }

  get status(): SubscriptionStatus {
    return this.current;
  }

  /** Subscribes (again, after `stop()` or a termination with `rejected`/`noresource`). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.failures = 0;
    this.endLinger();
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
    this.clearTimers();
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
    this.clearTimers();
    const attempt = this.attempt;
    this.attempt = undefined;
    if (wasActive && attempt && !attempt.dead) {
      this.lingering = attempt;
      await this.withinDeadline(async () => {
        while (attempt.inFlight && !attempt.dialog) await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
        if (attempt.dialog && !attempt.dead) await this.unsubscribe(attempt);
      });
      // The final NOTIFY may still be on its way: keep answering it 200 for one transaction lifetime.
      if (attempt.routed && this.lingering === attempt) {
        this.lingerTimer = this.deps.clock.setTimeout(() => this.endLinger(), 64 * this.line.stack.transactions.timers.t1);
      }
    } else if (attempt) this.unroute(attempt);
    this.setStatus({ state: 'terminated', reason: 'unsubscribed' });
  }

  private beginNew(): void {
    this.clearTimers();
    if (this.attempt) this.unroute(this.attempt);
    const attempt: Attempt = {
      callId: newCallId(),
      localTag: newTag(),
      cseq: 0,
      inFlight: false,
      notified: false,
      dead: false,
      routed: true,
      onNotify: (request, tx) => this.receiveNotify(attempt, request, tx),
    };
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
    if (!attempt.dialog) {
      try {
        attempt.dialog = Dialog.fromUacResponse(request, response);
      } catch (error) {
        // A 2xx without a To tag: the NOTIFY that must follow (RFC 6665 §4.1.2.4) creates the dialog.
        if (!(error instanceof DialogError)) throw error;
      }
    } else if (response.to.params.tag === attempt.dialog.remoteTag) attempt.dialog.refreshTarget(response);
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
    const dialog = attempt.dialog;
    if (!eventMatches(request.get('Event'), this.event) || (dialog && dialog.remoteTag !== request.from.params.tag)) {
      tx.respond(createResponse(request, 481, 'Subscription Does Not Exist'));
      return;
    }
    // Answered before anything else, whatever happens next (interop guide: notifiers drop unanswered subscriptions).
    tx.respond(createResponse(request, 200, 'OK'));
    if (attempt.dead) return;
    this.trackDialog(attempt, request);
    const state = parseSubscriptionState(request.get('Subscription-State'));
    if (!this.active || attempt !== this.attempt) {
      if (state.state === 'terminated' && attempt === this.lingering) this.endLinger();
      return;
    }
    attempt.notified = true;
    const backwards = this.checkCseq(attempt, request.cseq.seq);
    this.deps.clock.clearTimeout(this.timerN);
    this.timerN = undefined;
    this.user.onNotify({ body: request.body, contentType: request.get('Content-Type') ?? '', state: state.state, reason: state.reason, cseq: request.cseq.seq });
    // onNotify may have stopped or restarted the subscription.
    if (!this.active || attempt !== this.attempt) return;
    if (state.state === 'terminated') this.terminated(attempt, state);
    else this.stateReported(state);
    if (backwards !== undefined) this.user.onResetSign?.({ kind: 'cseq-backwards', detail: backwards });
  }

  /** RFC 3261 §12.2.2: the remote CSeq only grows within a dialog. Returns why when it fell back past reordering. */
  private checkCseq(attempt: Attempt, cseq: number): string | undefined {
    const highest = attempt.remoteCseq;
    if (highest === undefined || cseq > highest) {
      attempt.remoteCseq = cseq;
      return undefined;
    }
    if (cseq + CSEQ_REORDER_WINDOW >= highest) return undefined;
    // Counting from here on, so one reset gives one sign.
    attempt.remoteCseq = cseq;
    return `NOTIFY CSeq fell from ${highest} to ${cseq} for ${this.params.target}`;
  }

  /** A NOTIFY creates the dialog when it beats the 2xx, and refreshes its target otherwise. */
  private trackDialog(attempt: Attempt, request: SipRequest): void {
    const dialog = attempt.dialog;
    if (!dialog) {
      if (!attempt.initial) return;
      try {
        attempt.dialog = Dialog.fromPeerRequest(attempt.initial, request);
        attempt.lastContact = request.get('Contact');
      } catch (error) {
        if (!(error instanceof DialogError)) throw error;
      }
      return;
    }
    dialog.receiveRequest(request);
    const contact = request.get('Contact');
    if (contact !== undefined && contact !== attempt.lastContact) {
      attempt.lastContact = contact;
      dialog.refreshTarget(request);
    }
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
      if (this.timerKind === 'retry') this.clearTimers();
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
    this.clearTimers();
    this.lastNotifyState = undefined;
    const reason = state.reason;
    if (reason === 'rejected' || reason === 'noresource') {
      // Final: nothing is retried until the caller starts the subscription again.
      this.active = false;
      this.setStatus({ state: 'terminated', reason });
      return;
    }
    this.failures++;
    if ((reason === 'deactivated' || reason === 'timeout') && this.failures === 1 && state.retryAfter === undefined) {
      this.beginNew();
      return;
    }
    this.retryLater('retrying', undefined, reason ?? 'terminated', state.retryAfter);
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
    attempt.dead = true;
    this.unroute(attempt);
    this.failures++;
    this.retryLater('retrying', undefined, 'Connection to the notifier closed');
  }

  private retryLater(state: 'retrying' | 'failed', sipStatus: number | undefined, reason: string, afterSeconds?: number, slow = false): void {
    this.clearTimers();
    const base = this.deps.retryBaseSeconds ?? 30;
    const max = this.deps.retryMaxSeconds ?? 1800;
    let nextRetryAt: number | undefined;
    if (this.active) {
      let delay = afterSeconds ?? backoffSeconds(this.failures, base, max, this.deps.random);
      if (slow) delay = Math.max(delay, max);
      nextRetryAt = this.deps.clock.wallNow() + delay * 1000;
      this.timerKind = 'retry';
      this.timer = this.deps.clock.setTimeout(() => this.retry(), delay * 1000);
    }
    const alive = this.attempt?.dialog && !this.attempt.dead;
    this.setStatus({ state, sipStatus, reason, nextRetryAt, expiresAt: alive ? this.current.expiresAt : undefined });
  }

  private retry(): void {
    this.timer = undefined;
    this.timerKind = undefined;
    const attempt = this.attempt;
    const unexpired = (this.current.expiresAt ?? 0) > this.deps.clock.wallNow();
    if (attempt?.dialog && !attempt.dead && unexpired) observe(this.send(attempt), 'SUBSCRIBE');
    else this.beginNew();
  }

  private scheduleRefresh(expires: number, onlyIfEarlier: boolean): void {
    const delay = refreshDelaySeconds(expires) * 1000;
    const due = this.deps.clock.now() + delay;
    if (onlyIfEarlier && this.timerKind === 'refresh' && due > this.refreshAt - REFRESH_SLACK_MS) return;
    this.deps.clock.clearTimeout(this.timer);
    this.timerKind = 'refresh';
    this.refreshAt = due;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerKind = undefined;
      this.refreshAt = Infinity;
      const attempt = this.attempt;
      if (attempt && !attempt.inFlight) observe(this.send(attempt), 'SUBSCRIBE');
    }, delay);
  }

  private startTimerN(attempt: Attempt): void {
    this.deps.clock.clearTimeout(this.timerN);
    this.timerN = this.deps.clock.setTimeout(() => {
      this.timerN = undefined;
      if (attempt !== this.attempt || attempt.notified) return;
      attempt.dead = true;
      this.unroute(attempt);
      this.failures++;
      this.retryLater('retrying', undefined, 'No NOTIFY after the SUBSCRIBE was accepted (Timer N)');
    }, 64 * this.line.stack.transactions.timers.t1);
  }

  private async unsubscribe(attempt: Attempt): Promise<void> {
    let flow: Flow;
    try {
      flow = await flowFor(this.line, attempt.dialog, this.deps.resolve);
    } catch {
      return;
    }
    const build = (): SipRequest => buildSubscribe(this.line, flow, { ...this.params, expires: 0 }, attempt.dialog, attempt);
    await sendAnsweringChallenges(this.line.stack, flow, this.digest, build);
  }

  private withinDeadline(work: () => Promise<void>): Promise<void> {
    let guard: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => (guard = this.deps.clock.setTimeout(resolve, UNSUBSCRIBE_TIMEOUT_MS)));
    return Promise.race([work(), timeout]).finally(() => this.deps.clock.clearTimeout(guard));
  }

  /** The attempt still matters: it is the live one, or the one `stop()` is ending. */
  private isCurrent(attempt: Attempt): boolean {
    return attempt === this.attempt || attempt === this.lingering;
  }

  /** Wakes `stop()` waiting for an initial SUBSCRIBE's outcome. */
  private settle(): void {
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private unroute(attempt: Attempt): void {
    if (!attempt.routed) return;
    attempt.routed = false;
    this.deps.router.remove(attempt);
  }

  private endLinger(): void {
    this.deps.clock.clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.lingering) this.unroute(this.lingering);
    this.lingering = undefined;
  }

  private clearTimers(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.deps.clock.clearTimeout(this.timerN);
    this.timer = undefined;
    this.timerN = undefined;
    this.timerKind = undefined;
    this.refreshAt = Infinity;
  }

  private setStatus(status: SubscriptionStatus): void {
    this.current = status;
    this.user.onStatus(status);
  }
}

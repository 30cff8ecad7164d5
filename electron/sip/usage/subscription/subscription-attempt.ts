/**
 * One dialog attempt of the subscriber usage (RFC 6665 §4.1): our Call-ID and From tag, the dialog once the notifier
 * answered, and what a NOTIFY does to that dialog before the subscription acts on it.
 *
 * Decisions that are ours rather than the RFC's:
 * - NOTIFYs are never refused for a low CSeq (RFC 3261 §12.2.2 would answer 500): under reordering and
 *   retransmission in a flood that happens often, a notifier drops a subscription whose NOTIFY fails, and tile
 *   correctness rests on the body's version (interop guide, "NOTIFY floods"). A CSeq far below the highest seen is
 *   reported instead, as a sign that the notifier lost the dialog's state.
 * - A NOTIFY from a second fork (another remote tag in an existing dialog) is answered 481, ending that fork: by the
 *   user-agent core once {@link confirmRoute} fixed the remote tag, by {@link answerNotify} before.
 */
import { Dialog, DialogError } from '../../dialog';
import { createResponse, newCallId, newTag, type SipRequest, type SipResponse } from '../../message';
import type { ServerTransaction } from '../../transaction';
import type { NotifyTarget, SubscriptionRouter } from './subscription-router';
import { eventMatches, parseSubscriptionState, type EventHeader, type SubscriptionStateHeader } from './notify-headers';

/** One dialog attempt: our Call-ID and From tag, and the dialog once the notifier answered. */
export interface Attempt extends NotifyTarget {
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
  /** The highest CSeq as it grew, one mark per {@link CSEQ_MARK_MS}, for {@link cseqFellBack}; oldest first. */
  cseqMarks?: Array<{ at: number; cseq: number }>;
  /** The highest CSeq seen at least {@link LATE_NOTIFY_MS} ago: no NOTIFY still retransmitted can be at or below it. */
  settledCseq?: number;
}

/**
 * How late a NOTIFY can arrive: over UDP its retransmissions stop at Timer F, 64×T1 = 32 s with the RFC's T1 of
 * 500 ms (RFC 3261 §17.1.2.2). A NOTIFY whose first transmission was lost (a flood overflowing a socket buffer) reaches
 * us up to that late, behind NOTIFYs sent after it — its CSeq can be any number of steps below the highest seen.
 */
export const LATE_NOTIFY_MS = 64 * 500;

/** Granularity of the CSeq history kept per dialog for {@link cseqFellBack} (at most ~10 marks per dialog). */
export const CSEQ_MARK_MS = 4000;

/** A fresh attempt for/** A fresh attempt for `event` with a new Call-ID and From tag (RFC 6665 §4.1.2.1), routed, nothing sent yet. */
export function newAttempt(event: EventHeader, onNotify: (attempt: Attempt, request: SipRequest, tx: ServerTransaction) => void): Attempt {
  const attempt: Attempt = {
    callId: newCallId(),
    localTag: newTag(),
    event,
    cseq: 0,
    inFlight: false,
    notified: false,
    dead: false,
    routed: true,
    onNotify: (request, tx) => onNotify(attempt, request, tx),
  };
  return attempt;
}

/** Fixes the remote tag of the attempt's routing once its dialog exists (RFC 6665 §4.1.2.4): other forks get 481. */
export function confirmRoute(router: SubscriptionRouter, attempt: Attempt): void {
  if (attempt.routed && attempt.dialog) router.confirm(attempt, attempt.dialog.remoteTag);
}

/** Stops routing NOTIFYs to `attempt` (later ones get 481); once. */
export function unroute(router: SubscriptionRouter, attempt: Attempt): void {
  if (!attempt.routed) return;
  attempt.routed = false;
  router.remove(attempt);
}

/** A 2xx creates the dialog (RFC 6665 §4.1.2.1) or, within it, refreshes its target (RFC 3261 §12.2.1.2). */
export function trackAcceptedDialog(attempt: Attempt, request: SipRequest, response: SipResponse): void {
  if (!attempt.dialog) {
    try {
      attempt.dialog = Dialog.fromUacResponse(request, response);
    } catch (error) {
      // A 2xx without a To tag: the NOTIFY that must follow (RFC 6665 §4.1.2.4) creates the dialog.
      if (!(error instanceof DialogError)) throw error;
    }
  } else if (response.to.params.tag === attempt.dialog.remoteTag) attempt.dialog.refreshTarget(response);
}

/**
 * Answers a NOTIFY of `attempt` at once — 481 for another event or fork, 200 otherwise, before anything else
 * happens (interop guide: notifiers drop unanswered subscriptions) — and tracks the dialog it implies. Returns its
 * Subscription-State, or undefined when the subscription has nothing more to do with it.
 */
export function answerNotify(attempt: Attempt, ours: EventHeader, request: SipRequest, tx: ServerTransaction): SubscriptionStateHeader | undefined {
  const dialog = attempt.dialog;
  if (!eventMatches(request.get('Event'), ours) || (dialog && dialog.remoteTag !== request.from.params.tag)) {
    tx.respond(createResponse(request, 481, 'Subscription Does Not Exist'));
    return undefined;
  }
  tx.respond(createResponse(request, 200, 'OK'));
  if (attempt.dead) return undefined;
  trackNotifyDialog(attempt, request);
  return parseSubscriptionState(request.get('Subscription-State'));
}

/** A NOTIFY creates the dialog when it beats the 2xx (RFC 6665 §4.1.2.4), and refreshes its target otherwise. */
function trackNotifyDialog(attempt: Attempt, request: SipRequest): void {
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

/**
 * RFC 3261 §12.2.2: the remote CSeq only grows within a dialog. A NOTIFY below the highest CSeq is either late (its
 * earlier transmissions were lost; the body's version keeps the tiles right) or from a notifier counting afresh (it
 * lost the dialog's state, e.g. a PBX restart). Only the second is a reset, and it is told apart by time, not by
 * distance: a late NOTIFY was sent after every CSeq we had seen {@link LATE_NOTIFY_MS} before it arrived, so a CSeq at
 * or below the highest seen that long ago cannot be late. Returns why when it is a reset, naming `target`; counting
 * restarts there, so one reset gives one sign. A reset within the dialog's first {@link LATE_NOTIFY_MS} is not
 * recognised here (a refresh answered 481 still is).
 */
export function cseqFellBack(attempt: Attempt, cseq: number, target: string, now: number): string | undefined {
  const marks = (attempt.cseqMarks ??= []);
  // A mark holds CSeqs first seen within CSEQ_MARK_MS after `at`: settled once all of them are LATE_NOTIFY_MS old.
  while (marks.length > 0 && marks[0]!.at + CSEQ_MARK_MS <= now - LATE_NOTIFY_MS) attempt.settledCseq = marks.shift()!.cseq;
  const highest = attempt.remoteCseq;
  if (highest === undefined || cseq > highest) {
    attempt.remoteCseq = cseq;
    const last = marks.at(-1);
    if (last && now - last.at < CSEQ_MARK_MS) last.cseq = cseq;
    else marks.push({ at: now, cseq });
    return undefined;
  }
  const settled = attempt.settledCseq;
  if (settled === undefined || cseq > settled) return undefined;
  attempt.remoteCseq = cseq;
  attempt.cseqMarks = [{ at: now, cseq }];
  attempt.settledCseq = undefined;
  return `NOTIFY CSeq fell from ${highest} to ${cseq} for ${target} (at or below ${settled}, seen over ${LATE_NOTIFY_MS / 1000} s ago: no NOTIFY arrives that late)`;
}

/**
 * RFC 6665 §4.1.3: what a termination reason asks of the subscriber, after `failures` failures (this one counted).
 * `rejected`/`noresource` are final; the first `deactivated`/`timeout` without retry-after re-subscribes at once;
 * everything else (and repeats, so a notifier that terminates every new subscription cannot make us loop) waits.
 */
export function afterTermination(state: SubscriptionStateHeader, failures: number): 'final' | 'resubscribe' | 'retry' {
  const reason = state.reason;
  if (reason === 'rejected' || reason === 'noresource') return 'final';
  if ((reason === 'deactivated' || reason === 'timeout') && failures === 1 && state.retryAfter === undefined) return 'resubscribe';
  return 'retry';
}

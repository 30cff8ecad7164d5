/**
 * Transfer by REFER in a call's dialog, transferor side (RFC 3515, RFC 5589): the far end (transferee) is held, then
 * asked to call the target — with Replaces for an attended transfer (RFC 5589 §7.3) — and reports how that goes in
 * NOTIFYs of the implicit subscription (RFC 3515 §2.4.4–§2.4.7) carrying `message/sipfrag` status lines (RFC 3420).
 * The call is kept until a final sipfrag: a 2xx ends our leg with BYE (RFC 5589 §6), anything else takes the caller
 * off hold again so the receptionist has them back.
 *
 * The implicit subscription shares the INVITE dialog (RFC 5057): it is a usage of its own in the core's dialog table,
 * routed by `Event: refer;id=<CSeq of the REFER>` (RFC 3515 §2.4.6) — the first transfer of a session also takes a
 * NOTIFY without `id`, which the RFC allows for the first REFER. A NOTIFY for any other id finds no usage and the
 * core answers 481 (RFC 6665 §4.1.3). Each NOTIFY is answered 200 at once, before anything else happens.
 *
 * Decisions that are ours rather than the RFC's:
 * - The bound (30 s by default, `transferTimeoutMs`) runs from the REFER's 2xx and counts only final sipfrags: a
 *   target that rings longer fails the transfer and the caller comes back.
 * - The far end is put on hold here, before the REFER, so the caller hears hold (music) while waiting; a hold the far
 *   end refuses does not stop the transfer.
 * - After a failure the caller is resumed whoever held them: the contract promises "the caller comes back".
 * - If our call ends meanwhile (the transferee's BYE, the receptionist's hang-up) a final NOTIFY may still come for
 *   a short grace; without one the transfer failed with "the call ended".
 * - Once the outcome is known, our side of the subscription lingers until a `terminated` NOTIFY (or 64·T1), so the
 *   transferee's last NOTIFY gets its 200 rather than a 481.
 */
import { observe } from '../../guard';
import { createResponse, type HeaderPairs, type SipRequest } from '../../message';
import { parseSipfragStatus } from '../../event-bodies/sipfrag';
import type { ServerTransaction } from '../../transaction';
import type { DialogRegistration, UsageRoute } from '../../ua-core';
import { headerValueReason, refuseControlCharacters } from '../requests';
import { parseSubscriptionState } from '../subscription/notify-headers';
import { statusText } from './call-headers';
import { DialTargetError, type DialogIds, type TransferProgress, type TransferResult } from './call-session-api';
import { parseDialTarget } from './dial-target';
import type { InviteSession } from './invite-session';
import { isValidReplaces, referToUri, replacesForTransfer } from './replaces';
import { TimerBag } from './timer-bag';

/** How long a final NOTIFY may take after the REFER was accepted (`CallAgentOptions.transferTimeoutMs`). */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 30_000;
/** After our call ended mid-transfer, how long a final NOTIFY may still come. */
const ENDED_GRACE_MS = 5000;

type Failure = Extract<TransferResult, { ok: false }>;

/** The transfer in flight: how to settle it, and whether the far end accepted the REFER. */
interface Running {
  resolve(result: TransferResult): void;
  accepted: boolean;
}

/** A local reason not to start (nothing was sent). */
const refusedHere = (reason: string): Promise<TransferResult> => Promise.resolve({ ok: false, reason, referRefused: false });

/** The transfers of one call session, one at a time; see the file comment. */
export class Transfers {
  /** The last transfer, while it runs and after it ended ({@link CallSession.transfer}). */
  progress: TransferProgress | undefined;
  private running: Running | undefined;
  private registration: DialogRegistration | undefined;
  private started = 0;
  private readonly timers: TimerBag;

  constructor(private readonly session: InviteSession) {
    this.timers = new TimerBag(session.ctx.clock);
  }

  /** {@link CallSession.refer}: resolves once the transfer is over, never rejects on an expected failure. */
  refer(target: string, options: { replaces?: DialogIds } = {}): Promise<TransferResult> {
    const s = this.session;
    if (this.running) return refusedHere('a transfer is already in progress');
    if (s.state !== 'connected' || !s.dialog) return refusedHere('the call is not connected');
    let uri: string;
    try {
      uri = parseDialTarget(target, s.lineContext.domain);
    } catch (error) {
      if (error instanceof DialTargetError) return refusedHere(error.message);
      throw error;
    }
    const replaces = options.replaces && replacesForTransfer(options.replaces);
    if (replaces && !isValidReplaces(replaces)) return refusedHere('the consultation call has no usable dialog identifiers');
    this.forget();
    this.started++;
    const done = new Promise<TransferResult>((resolve) => (this.running = { resolve, accepted: false }));
    this.update({ mode: replaces ? 'attended' : 'blind', target: uri, state: 'trying' });
    const sent = this.send(referToUri(uri, replaces), replaces !== undefined).catch((error: unknown) => {
      // A bug: the guard reports it, and the caller still gets an answer instead of a promise that never settles.
      this.fail({ ok: false, reason: `transfer failed: ${error instanceof Error ? error.message : String(error)}`, referRefused: false });
      throw error;
    });
    observe(sent, 'REFER', s.ctx.guard);
    return done;
  }

  /**
   * Our call ended (RFC 3261 §15) while the transfer runs: a final NOTIFY (or the REFER's answer, or the hold's)
   * gets a short grace, then the transfer failed.
   */
  sessionEnded(): void {
    if (this.running) this.timers.set('final', ENDED_GRACE_MS, () => this.fail(failure('the call ended')));
  }

  private async send(referTo: string, attended: boolean): Promise<void> {
    const s = this.session;
    if (!s.localHold) {
      // A far end that cannot be held can still be transferred: the result is not a reason to stop.
      await s.hold();
      if (!this.running) return;
      if (s.isEnded() || !s.dialog) return this.fail(failure('the call ended'));
    }
    let headers: HeaderPairs;
    try {
      refuseControlCharacters('Referred-By', s.lineContext.aor, 'line address contains a control character');
      headers = [['Refer-To', `<${referTo}>`], ['Referred-By', `<${s.lineContext.aor}>`]];
      const flow = await s.lineContext.getFlow().catch(() => undefined);
      if (flow) headers.push(['Contact', s.contactFor(flow)]);
    } catch (error) {
      const reason = headerValueReason(error);
      if (reason === undefined) throw error;
      return this.fail(failure(reason));
    }
    const outcome = await s.sendInDialog('REFER', headers, undefined, s.dialog, (request) => this.listen(request));
    const running = this.running;
    if (!running) return;
    const response = outcome.response;
    if (!response) return this.fail(failure(`REFER failed: ${outcome.error ?? 'no answer'}`));
    if (response.status >= 300) {
      const status = response.status;
      // RFC 3515 §2.4.2 (405/501: no REFER here); 420/403 to Replaces: the target's side refuses RFC 3891.
      const referRefused = status === 405 || status === 501 || (attended && (status === 420 || status === 403));
      const text = statusText(response);
      return this.fail({ ok: false, reason: referRefused ? `REFER refused: ${text}` : text, sipStatus: status, referRefused });
    }
    running.accepted = true;
    const bound = s.isEnded() ? ENDED_GRACE_MS : (s.ctx.options.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS);
    if (!this.timers.has('final')) this.timers.set('final', bound, () => this.fail(failure(s.isEnded() ? 'the call ended' : `no final NOTIFY in ${Math.round(bound / 1000)} s`)));
  }

  /** The implicit subscription of the REFER about to go out (again, with a new CSeq, after a digest challenge). */
  private listen(refer: SipRequest): void {
    const dialog = this.session.dialog;
    // A digest retry after the transfer already gave up (the call ended) subscribes to nothing.
    if (!dialog || !this.running) return;
    this.registration?.remove();
    const routes: UsageRoute[] = [{ method: 'NOTIFY', event: 'refer', id: String(refer.cseq.seq) }];
    // RFC 3515 §2.4.6: the NOTIFYs of the first REFER in a dialog may omit the id.
    if (this.started === 1) routes.push({ method: 'NOTIFY', event: 'refer' });
    this.registration = this.session.ctx.stack.core.dialogs.register(dialog.id, { routes, onRequest: (request, tx) => this.receiveNotify(request, tx) });
  }

  /**
   * A NOTIFY of our REFER (RFC 3515 §2.4.5): 200 at once, then the sipfrag and Subscription-State read. One that
   * arrives out of order (RFC 3261 §12.2.2) is answered 200 too — a 500 would end the subscription at the notifier
   * (RFC 6665 §4.2.2) — but its provisional sipfrag is stale and ignored; a final one or `terminated` still counts.
   */
  private receiveNotify(request: SipRequest, tx: ServerTransaction): void {
    const inOrder = this.session.dialog?.receiveRequest(request) ?? true;
    tx.respond(createResponse(request, 200, 'OK'));
    const terminated = parseSubscriptionState(request.get('Subscription-State'));
    if (this.running) this.progressFrom(request, terminated.state === 'terminated' ? terminated.reason ?? '' : undefined, inOrder);
    if (terminated.state === 'terminated') this.forget();
  }

  /** `ended` is the terminated subscription's reason (RFC 6665 §4.2.2), or undefined while it is active. */
  private progressFrom(request: SipRequest, ended: string | undefined, inOrder: boolean): void {
    const frag = parseSipfragStatus(request.body);
    const progress = this.progress!;
    if (frag && frag.status >= 200 && frag.status < 300) return this.succeed(frag.status);
    if (frag && frag.status >= 300) {
      return this.fail({ ok: false, reason: `${frag.status} ${frag.reason}`.trim(), sipStatus: frag.status, referRefused: false }, true);
    }
    if (ended !== undefined) return this.fail(failure(`the transfer ended without a final answer${ended ? ` (${ended})` : ''}`));
    if (!frag || !inOrder) return;
    const state = frag.status === 180 || frag.status === 183 ? 'ringing' : progress.state;
    if (state !== progress.state || frag.status !== progress.sipStatus) this.update({ ...progress, state, sipStatus: frag.status });
  }

  /** RFC 5589 §6: the transferee reached the target; the transferor hangs up. */
  private succeed(status: number): void {
    const running = this.settle();
    if (!running) return;
    const { mode, target } = this.progress!;
    this.update({ mode, target, state: 'succeeded', sipStatus: status });
    this.session.bye({ cause: 'local-hangup', reason: `transferred to ${target}` });
    running.resolve({ ok: true });
  }

  /**
   * The transfer failed: the caller is taken off hold again (unless our call is gone) and told why. Our side of the
   * subscription lingers only when the far end told us (`fromNotify`); a failure we decided ends it now.
   */
  private fail(result: Failure, fromNotify = false): void {
    const running = this.settle();
    if (!running) return;
    const { mode, target } = this.progress!;
    this.update({ mode, target, state: 'failed', ...(result.sipStatus === undefined ? {} : { sipStatus: result.sipStatus }), reason: result.reason });
    if (!fromNotify) this.forget();
    const s = this.session;
    if (s.isEnded() || !s.localHold) return running.resolve(result);
    observe(
      s.resume().then((resumed) => {
        running.resolve(resumed.ok ? result : { ...result, reason: `${result.reason}; the caller is still on hold: ${resumed.reason}` });
      }),
      'resume after a failed transfer',
      s.ctx.guard,
    );
  }

  /** Ends the running transfer (idempotent); the subscription lingers until `terminated` or 64·T1. */
  private settle(): Running | undefined {
    const running = this.running;
    this.running = undefined;
    this.timers.clear('final');
    if (running && this.registration) this.timers.set('linger', 64 * this.session.ctx.stack.transactions.timers.t1, () => this.forget());
    return running;
  }

  /** Our side of the implicit subscription is gone: later NOTIFYs get the core's 481. */
  private forget(): void {
    this.registration?.remove();
    this.registration = undefined;
    this.timers.clear('linger');
  }

  private update(progress: TransferProgress): void {
    this.progress = progress;
    this.session.changed();
  }
}

function failure(reason: string): Failure {
  return { ok: false, reason, referRefused: false };
}

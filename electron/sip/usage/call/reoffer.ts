/**
 * Offer/answer after the call is up (RFC 3264 §8, RFC 3261 §14): our re-INVITE for hold, resume and session
 * refresh, with the 491 back-off of §14.1 (glare); the peer's re-INVITE (with an offer, or without one: then our
 * offer goes in the 2xx and the answer comes in the ACK) and UPDATE (RFC 3311), answered through the media.
 */
import { observe } from '../../guard';
import { createResponse, type HeaderPairs, type SipRequest } from '../../message';
import type { ServerTransaction } from '../../transaction';
import type { Flow } from '../../transport/types';
import { allows, CALL_ALLOW, CALL_SUPPORTED, hasSdp, statusText } from './call-headers';
import type { SessionActionResult } from './call-session-api';
import { holds, type InviteSession } from './invite-session';
import { MIN_SE, parseSessionExpires } from './session-timer';

/** How often one hold/resume is retried after 491 before it gives up. */
const GLARE_RETRIES = 3;
/**
 * How long a hold or resume waits for an exchange in flight to finish (the ACK for the 2xx that answered the call,
 * the peer's re-INVITE): a receptionist who answers and at once clicks Transfer must not get an error for a few
 * milliseconds of ACK. RFC 3261 §14.1 forbids overlapping offers, so we wait rather than send.
 */
const BUSY_WAIT_MS = 4000;
const BUSY_POLL_MS = 50;

export class ReOffers {
  /** Our re-INVITE (or UPDATE) is in flight: a peer's offer now is glare (§14.1). */
  private clientPending = false;
  /** We are answering a peer's INVITE/UPDATE (no final response yet). */
  private serverBusy = false;
  private waiters = 0;

  constructor(private readonly session: InviteSession) {}

  /** A re-INVITE offering hold or resume (RFC 3264 §8.4); 491 retried after the §14.1 back-off. */
  async offer(hold: boolean): Promise<SessionActionResult> {
    const s = this.session;
    for (let attempt = 0; ; attempt++) {
      if (s.state !== 'connected' || !s.dialog) return { ok: false, reason: 'the call is not connected' };
      if (!(await this.untilIdle())) return { ok: false, reason: 'another offer/answer exchange is in progress' };
      if (s.state !== 'connected' || !s.dialog) return { ok: false, reason: 'the call is not connected' };
      this.clientPending = true;
      let result: SessionActionResult | 'glare';
      try {
        result = await this.reinvite(hold);
      } finally {
        this.clientPending = false;
      }
      if (result !== 'glare') return result;
      if (attempt >= GLARE_RETRIES) return { ok: false, reason: '491 Request Pending (gave up after retries)', sipStatus: 491 };
      // §14.1: the owner of the Call-ID waits 2.1–4 s, the other side 0–2 s, in units of 10 ms.
      const wait = s.ownsCallId ? 2100 + Math.floor(Math.random() * 190) * 10 : Math.floor(Math.random() * 200) * 10;
      if (!(await s.timers.sleep('glare', wait))) return { ok: false, reason: 'the call ended' };
    }
  }

  /** Waits up to {@link BUSY_WAIT_MS} for no exchange to be in flight; false when one still is (or the call ended). */
  private async untilIdle(): Promise<boolean> {
    const s = this.session;
    // A timer name of its own: two waiters (hold and resume clicked together) must not replace each other's timer.
    const name = `offer-wait-${++this.waiters}`;
    for (let waited = 0; this.clientPending || this.serverBusy || s.pendingAnswer; waited += BUSY_POLL_MS) {
      if (waited >= BUSY_WAIT_MS) return false;
      if (!(await s.timers.sleep(name, BUSY_POLL_MS))) return false;
    }
    return true;
  }

  /** The session timer says we refresh (RFC 4028 §7.4): UPDATE without a body when the peer takes it, else re-INVITE. */
  refresh(): void {
    const s = this.session;
    if (s.state !== 'connected') return;
    if (this.clientPending || this.serverBusy || s.pendingAnswer) {
      // An exchange in flight refreshes the session itself; check again shortly in case it fails.
      s.timers.set('session-timer', 5000, () => this.refresh());
      return;
    }
    observe(this.sendRefresh(), 'session refresh', s.ctx.guard);
  }

  private async sendRefresh(): Promise<void> {
    const s = this.session;
    if (allows(s.peerAllow, 'UPDATE')) {
      this.clientPending = true;
      let outcome;
      try {
        outcome = await s.sendInDialog('UPDATE', this.refreshHeaders(await this.flow()));
      } finally {
        this.clientPending = false;
      }
      if (s.isEnded()) return;
      if (outcome.response && outcome.response.status < 300) return s.sessionTimer.fromResponse(outcome.response);
      return s.bye({ cause: 'failed', reason: `session refresh failed: ${outcome.response ? statusText(outcome.response) : outcome.error}` });
    }
    const result = await this.offer(s.localHold);
    if (!result.ok && !s.isEnded()) s.bye({ cause: 'failed', reason: `session refresh failed: ${result.reason}` });
  }

  /** One re-INVITE with a fresh offer; 'glare' on 491. */
  private async reinvite(hold: boolean): Promise<SessionActionResult | 'glare'> {
    const s = this.session;
    const offer = await s.media.createOffer({ hold });
    if (s.isEnded()) return { ok: false, reason: 'the call ended' };
    if (!offer.ok) return { ok: false, reason: offer.reason };
    const headers = [...this.refreshHeaders(await this.flow()), ['Content-Type', 'application/sdp']] as HeaderPairs;
    const { request, response, flow, error } = await s.sendInDialog('INVITE', headers, offer.value);
    if (s.isEnded()) return { ok: false, reason: 'the call ended' };
    if (!response || !request || !flow) {
      // §14.1: a re-INVITE that times out ends the dialog.
      s.bye({ cause: 'failed', sipStatus: 408, reason: `re-INVITE failed: ${error ?? 'no answer'}` });
      return { ok: false, reason: error ?? 'no answer', sipStatus: 408 };
    }
    const status = response.status;
    if (status === 491) return 'glare';
    if (status === 408 || status === 481) {
      s.bye({ cause: 'failed', sipStatus: status, reason: statusText(response) });
      return { ok: false, reason: statusText(response), sipStatus: status };
    }
    if (status >= 300) return { ok: false, reason: statusText(response), sipStatus: status };
    s.sendAck(request, s.dialog!, flow);
    s.dialog!.refreshTarget(response);
    if (response.has('Allow')) s.peerAllow = response;
    s.sessionTimer.fromResponse(response);
    if (!hasSdp(response)) {
      s.bye({ cause: 'failed', reason: '2xx to re-INVITE without an answer' });
      return { ok: false, reason: 'no SDP answer' };
    }
    const applied = await s.media.applyAnswer(response.bodyText);
    if (s.isEnded()) return { ok: false, reason: 'the call ended' };
    if (!applied.ok) return { ok: false, reason: applied.reason };
    s.localHold = hold;
    s.remoteHold = holds(s.media.remoteDirection);
    s.changed();
    return { ok: true };
  }

  /** A re-INVITE from the peer (RFC 3261 §14.2). */
  receiveInvite(request: SipRequest, tx: ServerTransaction): void {
    const s = this.session;
    if (this.clientPending) return tx.respond(createResponse(request, 491, 'Request Pending'));
    if (this.serverBusy || s.pendingAnswer) {
      // §14.2: a second INVITE while the first is unanswered (or our offer in a 2xx awaits its answer).
      return tx.respond(createResponse(request, 500, 'Server Internal Error', { headers: [['Retry-After', String(Math.floor(Math.random() * 11))]] }));
    }
    if (this.refuseShortTimer(request, tx)) return;
    this.serverBusy = true;
    observe(
      this.answerInvite(request, tx).finally(() => (this.serverBusy = false)),
      're-INVITE',
      s.ctx.guard,
    );
  }

  private async answerInvite(request: SipRequest, tx: ServerTransaction): Promise<void> {
    const s = this.session;
    s.dialog!.refreshTarget(request);
    if (request.has('Allow')) s.peerAllow = request;
    const timerHeaders = s.sessionTimer.fromRequest(request);
    const offered = hasSdp(request);
    const sdp = offered ? await s.media.createAnswer(request.bodyText, { hold: s.localHold }) : await s.media.createOffer({ hold: s.localHold });
    if (s.isEnded()) return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    if (!sdp.ok) return tx.respond(createResponse(request, 488, 'Not Acceptable Here'));
    const headers: HeaderPairs = [['Contact', s.contactFor(tx.flow)], ['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED], ...timerHeaders];
    headers.push(['Content-Type', 'application/sdp'], ['User-Agent', s.lineContext.userAgent]);
    s.acceptInvite(request, tx, createResponse(request, 200, 'OK', { headers, body: sdp.value }), !offered);
    if (offered) this.remoteHoldChanged();
  }

  /** An UPDATE from the peer (RFC 3311 §5.2): a new offer, or only a session refresh. */
  receiveUpdate(request: SipRequest, tx: ServerTransaction): void {
    const s = this.session;
    if (this.refuseShortTimer(request, tx)) return;
    s.dialog!.refreshTarget(request);
    if (!hasSdp(request)) {
      const headers = s.sessionTimer.fromRequest(request);
      return tx.respond(createResponse(request, 200, 'OK', { headers: [['Contact', s.contactFor(tx.flow)], ...headers] }));
    }
    // §5.2: an offer while one of ours is outstanding is glare.
    if (this.clientPending || this.serverBusy || s.pendingAnswer?.offerInResponse) return tx.respond(createResponse(request, 491, 'Request Pending'));
    this.serverBusy = true;
    const answer = async (): Promise<void> => {
      const sdp = await s.media.createAnswer(request.bodyText, { hold: s.localHold });
      if (s.isEnded()) return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      if (!sdp.ok) return tx.respond(createResponse(request, 488, 'Not Acceptable Here'));
      const headers: HeaderPairs = [['Contact', s.contactFor(tx.flow)], ...s.sessionTimer.fromRequest(request), ['Content-Type', 'application/sdp']];
      tx.respond(createResponse(request, 200, 'OK', { headers, body: sdp.value }));
      this.remoteHoldChanged();
    };
    observe(
      answer().finally(() => (this.serverBusy = false)),
      'UPDATE',
      s.ctx.guard,
    );
  }

  /** RFC 4028 §8.1: a Session-Expires below our Min-SE is refused 422. */
  private refuseShortTimer(request: SipRequest, tx: ServerTransaction): boolean {
    const se = parseSessionExpires(request);
    if (!se || se.interval >= MIN_SE) return false;
    tx.respond(createResponse(request, 422, 'Session Interval Too Small', { headers: [['Min-SE', String(MIN_SE)]] }));
    return true;
  }

  private remoteHoldChanged(): void {
    const s = this.session;
    const remoteHold = holds(s.media.remoteDirection);
    if (remoteHold === s.remoteHold) return;
    s.remoteHold = remoteHold;
    s.changed();
  }

  /** Contact, Allow, Supported and Session-Expires of our target refresh requests. */
  private refreshHeaders(flow: Flow | undefined): HeaderPairs {
    const s = this.session;
    const headers: HeaderPairs = [];
    if (flow) headers.push(['Contact', s.contactFor(flow)]);
    headers.push(['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED]);
    const se = s.sessionTimer.requestHeader();
    if (se !== undefined) headers.push(['Session-Expires', se]);
    return headers;
  }

  private async flow(): Promise<Flow | undefined> {
    try {
      return await this.session.lineContext.getFlow();
    } catch {
      return undefined;
    }
  }
}

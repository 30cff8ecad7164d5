/**
 * An incoming call (RFC 3261 §13.3): our offer answer prepared at once (488 when no codec fits), 180 Ringing with
 * our To tag — reliably with RSeq and retransmitted until PRACK when the caller requires 100rel (RFC 3262 §3) —,
 * then answered (200, retransmitted until the ACK, §13.3.1.4), rejected (603/486/480, or 302 to voicemail), or
 * ended by the caller's CANCEL (§9.2: 487 to the INVITE; a missed call, unless RFC 3326 says answered elsewhere).
 */
import type { CallEnd } from '../../../../shared/calls';
import { Dialog } from '../../dialog';
import { observe } from '../../guard';
import { createResponse, newTag, type HeaderPairs, type SipRequest, type SipResponse } from '../../message';
import type { ServerTransaction } from '../../transaction';
import type { LineContext } from '../line-context';
import { refuseControlCharacters } from '../requests';
import { answeredElsewhere, CALL_ALLOW, CALL_SUPPORTED, hasSdp, optionTags } from './call-headers';
import type { SessionActionResult } from './call-session-api';
import { parseDialTarget } from './dial-target';
import { farParty } from './far-party';
import { holds, InviteSession, type AgentContext } from './invite-session';
import { retransmit } from './timer-bag';

export class UasSession extends InviteSession {
  readonly direction = 'incoming' as const;
  readonly ownsCallId = false;
  readonly toTag = newTag();
  /** Our answer to the INVITE's offer, made when it arrived; undefined when the INVITE had no offer. */
  private preparedAnswer: string | undefined;
  private answering = false;
  /** Set once a final response went out to the INVITE. */
  private finalSent = false;
  private reliable: { rseq: number; stop(): void } | undefined;

  constructor(
    ctx: AgentContext,
    line: LineContext,
    readonly invite: SipRequest,
    readonly tx: ServerTransaction,
  ) {
    super(ctx, line, 'ringing', farParty(invite, 'From'));
    this.registerDialog(Dialog.fromUasRequest(invite, this.toTag));
    if (invite.has('Allow')) this.peerAllow = invite;
    this.sdh = ctx.options.createMedia({ localAddress: tx.flow.local.host, line: line.number, secureSignalling: tx.flow.protocol === 'tls' });
  }

  /**
   * Prepares the answer, then rings (or, for a Replaces INVITE, answers at once). Resolves false when the call
   * ended before that (488, the caller's CANCEL).
   */
  async prepare(): Promise<boolean> {
    if (hasSdp(this.invite)) {
      const answer = await this.media.createAnswer(this.invite.bodyText, { hold: false });
      if (this.isEnded()) return false;
      if (!answer.ok) {
        this.respondFinal(488, 'Not Acceptable Here');
        this.finish({ cause: 'failed', sipStatus: 488, reason: `no common codec: ${answer.reason}` });
        return false;
      }
      this.preparedAnswer = answer.value;
      this.remoteHold = holds(this.media.remoteDirection);
    }
    return true;
  }

  /**
   * Record-Route copied into every dialog-creating response (RFC 3261 §12.1.1): without it the caller's ACK and BYE
   * skip the proxy that record-routed, and a proxy such as Kamailio drops them.
   */
  private recordRoute(): HeaderPairs {
    return this.invite.getAll('Record-Route').map((value): [string, string] => ['Record-Route', value]);
  }

  /** 180 Ringing with our To tag and Contact; reliable when the caller requires it (RFC 3262 §3). */
  ring(): void {
    if (this.isEnded() || this.finalSent) return;
    const headers: HeaderPairs = [...this.recordRoute(), ['Contact', this.contactFor(this.tx.flow)], ['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED]];
    const reliable = optionTags(this.invite, 'Require').has('100rel');
    const rseq = 1 + Math.floor(Math.random() * 2 ** 30);
    if (reliable) headers.push(['Require', '100rel'], ['RSeq', String(rseq)]);
    const ringing = createResponse(this.invite, 180, 'Ringing', { toTag: this.toTag, headers });
    this.tx.respond(ringing);
    if (!reliable) return;
    const resend = retransmit(this.timers, 'reliable-180', {
      t1: this.ctx.stack.transactions.timers.t1,
      send: () => this.tx.respond(ringing),
      // §3: no PRACK within 64·T1: the INVITE is refused with a 5xx.
      giveUp: () => {
        this.respondFinal(500, 'Server Internal Error');
        this.finish({ cause: 'failed', sipStatus: 500, reason: 'no PRACK for our reliable 180' });
      },
    });
    this.reliable = { rseq, stop: resend.stop };
  }

  protected initialTarget(): string {
    return this.invite.from.uri;
  }

  protected override receivePrack(request: SipRequest, tx: ServerTransaction): void {
    const rack = /^\s*(\d{1,10})\s+(\d{1,10})\s+INVITE\s*$/i.exec(request.get('RAck') ?? '');
    const reliable = this.reliable;
    if (!reliable || !rack || Number(rack[1]) !== reliable.rseq || Number(rack[2]) !== this.invite.cseq.seq) {
      return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    }
    reliable.stop();
    tx.respond(createResponse(request, 200, 'OK'));
  }

  async answer(): Promise<SessionActionResult> {
    if (this.state !== 'ringing' || this.finalSent || this.answering) return { ok: false, reason: 'the call is not ringing here' };
    this.answering = true;
    let body = this.preparedAnswer;
    const offerInResponse = body === undefined;
    if (body === undefined) {
      // No offer in the INVITE: ours goes in the 2xx, the answer comes in the ACK (RFC 3261 §13.2.1).
      const offer = await this.media.createOffer({ hold: false });
      if (this.isEnded()) return { ok: false, reason: 'the caller hung up' };
      if (!offer.ok) {
        this.respondFinal(488, 'Not Acceptable Here');
        this.finish({ cause: 'failed', sipStatus: 488, reason: `no offer: ${offer.reason}` });
        return { ok: false, reason: offer.reason, sipStatus: 488 };
      }
      body = offer.value;
    }
    this.reliable?.stop();
    const headers: HeaderPairs = [...this.recordRoute(), ['Contact', this.contactFor(this.tx.flow)], ['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED]];
    headers.push(...this.sessionTimer.fromRequest(this.invite), ['Content-Type', 'application/sdp'], ['User-Agent', this.lineContext.userAgent]);
    this.finalSent = true;
    this.acceptInvite(this.invite, this.tx, createResponse(this.invite, 200, 'OK', { toTag: this.toTag, headers, body }), offerInResponse);
    this.state = 'connected';
    this.answeredAt = this.ctx.clock.wallNow();
    if (!offerInResponse) this.media.start();
    this.changed();
    return { ok: true };
  }

  reject(options: { status?: 480 | 486 | 603; redirectTo?: string } = {}): void {
    if (this.state !== 'ringing' || this.finalSent) return;
    if (options.redirectTo !== undefined) {
      // Throws DialTargetError for a target no URI can be made of: the caller's mistake, told as a typed error.
      const uri = parseDialTarget(options.redirectTo, this.lineContext.domain);
      refuseControlCharacters('Contact', uri, 'redirect target contains a control character');
      this.respondFinal(302, 'Moved Temporarily', [['Contact', `<${uri}>`]]);
      return this.finish({ cause: 'rejected', sipStatus: 302, reason: `redirected to ${uri}` });
    }
    const status = options.status ?? 603;
    this.respondFinal(status);
    this.finish({ cause: 'rejected', sipStatus: status });
  }

  hangup(): void {
    if (this.isEnded()) return;
    if (this.state === 'ringing' && !this.finalSent) return this.reject();
    this.bye({ cause: 'local-hangup' });
  }

  terminate(end: CallEnd): void {
    if (this.isEnded()) return;
    if (this.state !== 'ringing' || this.finalSent) return this.bye(end);
    this.respondFinal(487, 'Request Terminated');
    this.finish(end);
  }

  /** The caller's CANCEL (RFC 3261 §9.2): the CANCEL got its 200 from the agent; the INVITE gets 487. */
  receiveCancel(cancel: SipRequest): void {
    if (this.state !== 'ringing' || this.finalSent) return;
    this.respondFinal(487, 'Request Terminated');
    this.finish(answeredElsewhere(cancel) ? { cause: 'answered-elsewhere', reason: 'answered elsewhere' } : { cause: 'missed' });
  }

  /** A BYE in the early dialog (RFC 3261 §15): the caller is gone before anyone answered. */
  protected override remoteBye(request: SipRequest): void {
    if (this.state === 'ringing' && !this.finalSent) {
      this.respondFinal(487, 'Request Terminated');
      return this.finish({ cause: 'missed' });
    }
    super.remoteBye(request);
  }

  /** Answers a Replaces INVITE at once (RFC 3891 §3) and reports it through `onIncoming` afterwards. */
  autoAnswer(onAnswered: () => void): void {
    observe(
      this.answer().then((result) => {
        if (result.ok) onAnswered();
      }),
      'answer Replaces INVITE',
      this.ctx.guard,
    );
  }

  private respondFinal(status: number, reason?: string, headers: HeaderPairs = []): void {
    this.finalSent = true;
    this.reliable?.stop();
    const response: SipResponse = createResponse(this.invite, status, reason, { toTag: this.toTag, headers });
    this.tx.respond(response);
  }
}

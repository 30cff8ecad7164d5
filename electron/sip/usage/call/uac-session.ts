/**
 * An outgoing call (RFC 3261 §13.2): the INVITE with our offer, digest (§22.2) and 422 (RFC 4028 §6) answered once,
 * provisional responses (ringing, early media from the first 183 with SDP, PRACK for reliable ones, RFC 3262 §4),
 * early dialogs per To tag, the first 2xx confirming the call and any later 2xx of another fork ACKed and ended with
 * BYE (§13.2.2.4), CANCEL only once a provisional arrived (§9.1), and the ring timeout.
 */
import { observe } from '../../guard';
import { Dialog, DialogError } from '../../dialog';
import { createRequest, newCallId, newTag, type HeaderPairs, type SipRequest, type SipResponse } from '../../message';
import type { ClientTransaction } from '../../transaction';
import type { Flow } from '../../transport/types';
import type { LineContext } from '../line-context';
import { headerValueReason, nameAddr, outOfDialogHeaders, sendCancel } from '../requests';
import type { CallEnd } from '../../../../shared/calls';
import { CALL_ALLOW, CALL_SUPPORTED, endForFinal, hasSdp, optionTags } from './call-headers';
import type { ReplacesHeader, SessionActionResult } from './call-session-api';
import { assertedParty, party } from './far-party';
import { holds, InviteSession, type AgentContext } from './invite-session';
import { formatReplaces } from './replaces';
import { MIN_SE, parseMinSe } from './session-timer';

/** What an outgoing INVITE may carry besides its target (CallAgent.dial's options, already checked). */
export interface UacOptions {
  /** The dialog this call takes over (RFC 3891): directed pickup sends `Replaces` and `Require: replaces`. */
  replaces?: ReplacesHeader;
  /** Request-URI when it is not the target (the ringing dialog's remote target); To stays the target. */
  requestUri?: string;
}

/** An early dialog of one fork (by To tag), with the reliable provisionals already PRACKed. */
interface Fork {
  dialog: Dialog;
  racked: Set<number>;
}

export class UacSession extends InviteSession {
  readonly direction = 'outgoing' as const;
  readonly ownsCallId = true;
  readonly callId = newCallId();
  readonly fromTag = newTag();
  private cseq = 0;
  private flow: Flow | undefined;
  private invite: SipRequest | undefined;
  private inviteTx: ClientTransaction | undefined;
  private provisionalSeen = false;
  /** Set once we want the INVITE gone: what to report when it ends (our hangup, or the ring timeout). */
  private cancelEnd: CallEnd | undefined;
  private cancelSent = false;
  private earlyAnswered = false;
  private sessionExpires: number;
  private minSe = MIN_SE;
  private retried422 = false;
  private readonly forks = new Map<string, Fork>();

  constructor(
    ctx: AgentContext,
    line: LineContext,
    private readonly target: string,
    private readonly uacOptions: UacOptions = {},
  ) {
    super(ctx, line, 'dialling', party({ uri: target, params: {} }));
    this.sessionExpires = ctx.sessionExpires;
  }

  /** Starts the call: flow, media, offer, INVITE. Failures end the session with why. */
  start(): void {
    this.timers.set('ring', this.ctx.options.ringTimeoutMs ?? 120_000, () =>
      this.cancel({ cause: 'no-answer', reason: `no answer within ${Math.round((this.ctx.options.ringTimeoutMs ?? 120_000) / 1000)} s` }),
    );
    observe(this.run(), 'outgoing call', this.ctx.guard);
  }

  private async run(): Promise<void> {
    try {
      this.flow = await this.lineContext.getFlow();
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      return this.finish({ cause: 'failed', reason: error.message });
    }
    if (this.isEnded()) return;
    this.sdh = this.ctx.options.createMedia({ localAddress: this.flow.local.host, line: this.lineContext.number, secureSignalling: this.flow.protocol === 'tls' });
    const offer = await this.sdh.createOffer({ hold: false });
    if (this.isEnded()) return;
    if (!offer.ok) return this.finish({ cause: 'failed', reason: `no offer: ${offer.reason}` });
    try {
      this.sendInvite(offer.value);
    } catch (error) {
      const reason = headerValueReason(error);
      if (reason === undefined) throw error;
      this.finish({ cause: 'failed', reason });
    }
  }

  protected initialTarget(): string {
    return this.target;
  }

  /** Before the 2xx, the early dialog of the latest fork that answered with a tag (RFC 3261 §12.1.2). */
  protected override currentDialog(): Dialog | undefined {
    return this.dialog ?? [...this.forks.values()].at(-1)?.dialog;
  }

  answer(): Promise<SessionActionResult> {
    return Promise.resolve({ ok: false, reason: 'an outgoing call cannot be answered' });
  }

  reject(): void {
    this.hangup();
  }

  hangup(): void {
    this.terminate({ cause: 'local-hangup' });
  }

  terminate(end: CallEnd): void {
    if (this.isEnded()) return;
    if (this.state === 'connected') return this.bye(end);
    this.cancel(end);
  }

  private sendInvite(body: string): void {
    const flow = this.flow!;
    const headers = outOfDialogHeaders({
      flow,
      method: 'INVITE',
      from: nameAddr(this.lineContext.displayName, this.lineContext.aor),
      fromTag: this.fromTag,
      to: `<${this.target}>`,
      callId: this.callId,
      cseq: ++this.cseq,
      route: this.lineContext.outboundRoute,
    });
    headers.push(
      ['Contact', this.contactFor(flow)],
      ['Allow', CALL_ALLOW],
      ['Supported', CALL_SUPPORTED],
    );
    const replaces = this.uacOptions.replaces;
    // RFC 3891 §6.1: the dialog to take over, and Require so that a UA without Replaces refuses (420) rather than
    // ringing as a new call.
    if (replaces) headers.push(['Replaces', formatReplaces(replaces)], ['Require', 'replaces']);
    headers.push(
      ['Session-Expires', String(this.sessionExpires)],
      ['Min-SE', String(this.minSe)],
      ['Content-Type', 'application/sdp'],
      ['User-Agent', this.lineContext.userAgent],
    );
    const invite = createRequest({ method: 'INVITE', uri: this.uacOptions.requestUri ?? this.target, headers, body });
    this.digest.prepare(invite);
    this.invite = invite;
    this.provisionalSeen = false;
    this.inviteTx = this.ctx.stack.sendRequest(invite, flow, {
      onProvisional: (response) => this.provisional(invite, response),
      onFinal: (response) => this.final(invite, response),
      onTimeout: () => this.finish(this.cancelEnd ?? { cause: 'no-answer', sipStatus: 408, reason: 'no answer to INVITE' }),
      onTransportError: (_tx, error) => this.finish(this.cancelEnd ?? { cause: 'failed', reason: error.message }),
    });
  }

  private provisional(invite: SipRequest, response: SipResponse): void {
    if (invite !== this.invite) return;
    this.provisionalSeen = true;
    // RFC 3261 §9.1: the CANCEL we held back may go now.
    if (this.cancelEnd) return this.cancelInvite();
    if (response.status === 100 || this.isEnded()) return;
    const fork = this.fork(invite, response);
    if (fork) this.prack(invite, response, fork);
    const far = assertedParty(response);
    if (far) this.far = far;
    if (this.state === 'dialling') this.state = 'ringing';
    if (hasSdp(response) && !this.earlyAnswered) {
      this.earlyAnswered = true;
      observe(
        this.media.applyAnswer(response.bodyText).then((applied) => {
          if (applied.ok && this.state === 'ringing') {
            this.state = 'early';
            this.changed();
          }
        }),
        'early media answer',
        this.ctx.guard,
      );
    }
    this.changed();
  }

  /** The early dialog of the response's To tag (RFC 3261 §12.1.2), created on its first provisional. */
  private fork(invite: SipRequest, response: SipResponse): Fork | undefined {
    const tag = response.to.params.tag;
    if (!tag) return undefined;
    let fork = this.forks.get(tag);
    if (!fork) {
      try {
        fork = { dialog: Dialog.fromUacResponse(invite, response), racked: new Set() };
      } catch (error) {
        if (error instanceof DialogError) return undefined;
        throw error;
      }
      this.forks.set(tag, fork);
    }
    return fork;
  }

  /** RFC 3262 §4: a reliable provisional (Require: 100rel, RSeq) is PRACKed once per RSeq, in its early dialog. */
  private prack(invite: SipRequest, response: SipResponse, fork: Fork): void {
    if (!optionTags(response, 'Require').has('100rel')) return;
    const rseq = /^\s*(\d{1,10})\s*$/.exec(response.get('RSeq') ?? '')?.[1];
    if (rseq === undefined || fork.racked.has(Number(rseq))) return;
    fork.racked.add(Number(rseq));
    const headers: HeaderPairs = [['RAck', `${rseq} ${invite.cseq.seq} INVITE`]];
    observe(this.sendInDialog('PRACK', headers, undefined, fork.dialog), 'PRACK', this.ctx.guard);
  }

  private final(invite: SipRequest, response: SipResponse): void {
    if (invite !== this.invite) return;
    const status = response.status;
    if (status < 300) return this.confirm(invite, response);
    if (this.cancelEnd) return this.finish(this.cancelEnd);
    if (this.isEnded()) return;
    if ((status === 401 || status === 407) && this.digest.authorize(invite, response) === 'retry') return this.sendInvite(invite.bodyText);
    if (status === 422 && !this.retried422) {
      // RFC 4028 §6: once, with the Min-SE the far end wants.
      this.retried422 = true;
      this.minSe = Math.max(this.minSe, parseMinSe(response) ?? this.minSe);
      this.sessionExpires = Math.max(this.sessionExpires, this.minSe);
      return this.sendInvite(invite.bodyText);
    }
    this.finish(endForFinal(response));
  }

  /** The first 2xx: the call is up (RFC 3261 §13.2.2.4); it is ACKed whatever else happens. */
  private confirm(invite: SipRequest, response: SipResponse): void {
    const flow = this.flow!;
    if (this.dialog) return this.endFork(invite, response, flow);
    let dialog: Dialog;
    try {
      dialog = Dialog.fromUacResponse(invite, response);
    } catch (error) {
      if (error instanceof DialogError) return this.finish({ cause: 'failed', sipStatus: response.status, reason: error.message });
      throw error;
    }
    this.sendAck(invite, dialog, flow);
    if (this.isEnded() || this.cancelEnd) {
      // A 2xx that crossed our CANCEL (or came after we gave up): ACKed above, then BYE (§9.1, §15).
      this.dialog = dialog;
      this.finish(this.cancelEnd ?? { cause: 'local-hangup' });
      observe(this.sendInDialog('BYE', [], undefined, dialog), 'BYE after CANCEL', this.ctx.guard);
      return;
    }
    this.registerDialog(dialog);
    this.timers.clear('ring');
    if (response.has('Allow')) this.peerAllow = response;
    const far = assertedParty(response);
    if (far) this.far = far;
    this.sessionTimer.fromResponse(response);
    observe(this.answered(response), 'apply answer', this.ctx.guard);
  }

  private async answered(response: SipResponse): Promise<void> {
    if (hasSdp(response)) {
      const applied = await this.media.applyAnswer(response.bodyText);
      if (this.isEnded()) return;
      if (!applied.ok) return this.bye({ cause: 'failed', sipStatus: 488, reason: `unusable answer: ${applied.reason}` });
    } else if (!this.earlyAnswered) {
      return this.bye({ cause: 'failed', reason: '2xx without an SDP answer' });
    }
    this.state = 'connected';
    this.answeredAt = this.ctx.clock.wallNow();
    this.remoteHold = holds(this.media.remoteDirection);
    this.media.start();
    this.changed();
  }

  /** A 2xx from a fork other than the one we took (§13.2.2.4): ACK it, then BYE it. */
  private endFork(invite: SipRequest, response: SipResponse, flow: Flow): void {
    let dialog: Dialog;
    try {
      dialog = Dialog.fromUacResponse(invite, response);
    } catch (error) {
      if (error instanceof DialogError) return;
      throw error;
    }
    this.sendAck(invite, dialog, flow);
    observe(this.sendInDialog('BYE', [], undefined, dialog), 'BYE to a second fork', this.ctx.guard);
  }

  /** A 2xx after the INVITE transaction ended: a retransmission (ACK again) or another fork (ACK and BYE). */
  override receiveStray2xx(response: SipResponse): boolean {
    if (super.receiveStray2xx(response)) return true;
    if (!this.invite || response.cseq.seq !== this.invite.cseq.seq || !this.flow) return false;
    this.confirm(this.invite, response);
    return true;
  }

  /** CANCEL (RFC 3261 §9.1) once a provisional came; the session ends on the 487 (or the 2xx that crossed it). */
  private cancel(end: CallEnd): void {
    if (this.isEnded() || this.cancelEnd) return;
    this.timers.clear('ring');
    this.cancelEnd = end;
    if (!this.invite) return this.finish(end);
    if (this.provisionalSeen) this.cancelInvite();
    // Nothing may come back at all (no provisional ever, a lost 487): Timer B's span ends the wait.
    this.timers.set('cancel-grace', 64 * this.ctx.stack.transactions.timers.t1, () => this.finish(end));
  }

  private cancelInvite(): void {
    const invite = this.invite!;
    if (this.cancelSent || !this.inviteTx || this.inviteTx.state === 'terminated') return;
    this.cancelSent = true;
    sendCancel(this.ctx.stack, this.flow!, invite, this.lineContext.userAgent);
  }

  /** Our early dialogs count too (RFC 3891 §3): any fork's To tag with our From tag. */
  override matchesReplaces(callId: string, tags: [string, string]): boolean {
    if (super.matchesReplaces(callId, tags)) return true;
    if (callId !== this.callId || !tags.includes(this.fromTag)) return false;
    return this.forks.has(tags[0] === this.fromTag ? tags[1] : tags[0]);
  }
}

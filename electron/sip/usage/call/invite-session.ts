/**
 * What outgoing and incoming calls share (RFC 3261 §13–§15): the state a {@link CallSession} shows, the dialog and
 * the requests inside it (BYE, INFO, OPTIONS, re-INVITE and UPDATE through {@link ReOffers}, REFER and the NOTIFYs
 * of its implicit subscription through {@link Transfers}), the ACK of a 2xx we received and its repetition for each
 * retransmitted 2xx (§13.2.2.4), the 2xx we sent and its retransmission until the ACK (§13.3.1.4), DTMF, and the
 * end: every timer cleared, the media closed, the dialog forgotten.
 */
import { DTMF_DIGITS, type CallDirection, type CallEnd, type CallParty } from '../../../../shared/calls';
import { DigestSession } from '../../auth';
import type { Clock } from '../../clock';
import type { Dialog } from '../../dialog';
import { observe, type EngineGuard } from '../../guard';
import { createResponse, type HeaderPairs, type SipMessage, type SipRequest, type SipResponse } from '../../message';
import type { SipStack } from '../../stack';
import { TransactionTransportError, type ServerTransaction } from '../../transaction';
import type { Flow } from '../../transport/types';
import type { DialogRegistration } from '../../ua-core';
import type { LineContext } from '../line-context';
import { flowFor, viaHeader } from '../requests';
import { CALL_ALLOW, CALL_SUPPORTED, hasSdp, statusText } from './call-headers';
import type {
  CallAgentOptions,
  CallSession,
  DialogIds,
  SessionActionResult,
  SessionState,
  TransferProgress,
  TransferResult,
} from './call-session-api';
import { Transfers } from './refer-transfer';
import { ReOffers } from './reoffer';
import type { MediaDirection, SessionDescriptionHandler } from './session-description-handler';
import { SessionTimer } from './session-timer';
import { retransmit, TimerBag } from './timer-bag';

/** What a session needs from the agent that owns it. */
export interface AgentContext {
  readonly stack: SipStack;
  readonly clock: Clock;
  readonly guard: EngineGuard;
  readonly options: CallAgentOptions;
  /** Session-Expires we ask for (RFC 4028). */
  readonly sessionExpires: number;
  nextId(): string;
  /** The session ended; the agent keeps routing stray 2xx and ACKs to it for a while. */
  ended(session: InviteSession): void;
}

/** Result of a request sent in the dialog: the final response, or why there is none. */
export interface InDialogOutcome {
  request?: SipRequest;
  response?: SipResponse;
  flow?: Flow;
  error?: string;
}

/** The far end holds us when its SDP says so (RFC 3264 §8.4). */
export const holds = (direction: MediaDirection): boolean => direction === 'sendonly' || direction === 'inactive';

/** Until the flow is known (an outgoing call before its INVITE) a session has no media: this stands in. */
const NO_MEDIA: SessionDescriptionHandler = {
  createOffer: () => Promise.resolve({ ok: false, reason: 'no media yet' }),
  createAnswer: () => Promise.resolve({ ok: false, reason: 'no media yet' }),
  applyAnswer: () => Promise.resolve({ ok: false, reason: 'no media yet' }),
  remoteDirection: 'sendrecv',
  start: () => undefined,
  sendDtmf: () => false,
  stats: () => ({ packetsSent: 0, packetsReceived: 0, telephoneEvent: false }),
  close: () => undefined,
};

export abstract class InviteSession implements CallSession {
  readonly id: string;
  abstract readonly direction: CallDirection;
  /** We generated the Call-ID (RFC 3261 §14.1 glare back-off). */
  abstract readonly ownsCallId: boolean;
  state: SessionState;
  localHold = false;
  remoteHold = false;
  far: CallParty;
  end: CallEnd | undefined;
  readonly startedAt: number;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  replaces: string | undefined;
  /** The confirmed dialog (UAS: from our first response on). */
  dialog: Dialog | undefined;
  /** The peer's latest message with an Allow header (does it take UPDATE for refreshes?). */
  peerAllow: SipMessage | undefined;
  readonly digest: DigestSession;
  readonly timers: TimerBag;
  readonly sessionTimer: SessionTimer;
  readonly reoffers: ReOffers;
  readonly transfers: Transfers;
  protected sdh: SessionDescriptionHandler | undefined;
  private registration: DialogRegistration | undefined;
  private readonly listeners = new Set<(session: CallSession) => void>();
  /** ACKs we sent for 2xx, by remote tag and CSeq, to repeat for each retransmitted 2xx (§13.2.2.4). */
  private readonly acks = new Map<string, { ack: SipRequest; flow: Flow }>();
  /** Our 2xx to an INVITE, retransmitted until its ACK (§13.3.1.4). */
  pendingAnswer: { cseq: number; offerInResponse: boolean; stop(): void } | undefined;

  constructor(
    readonly ctx: AgentContext,
    readonly lineContext: LineContext,
    state: SessionState,
    far: CallParty,
  ) {
    this.id = ctx.nextId();
    this.state = state;
    this.far = far;
    this.startedAt = ctx.clock.wallNow();
    this.digest = new DigestSession(lineContext.credentials);
    this.timers = new TimerBag(ctx.clock);
    this.sessionTimer = new SessionTimer(this.timers, {
      refresh: () => this.reoffers.refresh(),
      expired: () => this.bye({ cause: 'failed', reason: 'session expired' }),
    });
    this.reoffers = new ReOffers(this);
    this.transfers = new Transfers(this);
  }

  /** A method, not a field read: TypeScript would keep a narrowed `state` across an `await`. */
  isEnded(): boolean {
    return this.state === 'ended';
  }

  get line(): number {
    return this.lineContext.number;
  }

  get media(): SessionDescriptionHandler {
    return this.sdh ?? NO_MEDIA;
  }

  /** The dialog the far end is known by: the confirmed one (an outgoing call overrides it with its early one). */
  protected currentDialog(): Dialog | undefined {
    return this.dialog;
  }

  /** The far end's URI before any dialog exists (the dialled target). */
  protected abstract initialTarget(): string;

  get dialogIds(): DialogIds | undefined {
    const d = this.currentDialog();
    return d && { callId: d.callId, localTag: d.localTag, remoteTag: d.remoteTag };
  }

  /** The dialog's remote target (RFC 3261 §12.1: the far end's Contact, refreshed by target refresh requests). */
  get remoteTarget(): string {
    return this.currentDialog()?.remoteTarget ?? this.initialTarget();
  }

  get transfer(): TransferProgress | undefined {
    return this.transfers.progress;
  }

  /** Transfer by REFER in this dialog (RFC 3515, RFC 5589): see `refer-transfer.ts`. */
  refer(target: string, options?: { replaces?: DialogIds }): Promise<TransferResult> {
    return this.transfers.refer(target, options);
  }

  abstract answer(): Promise<SessionActionResult>;
  abstract reject(options?: { status?: 480 | 486 | 603; redirectTo?: string }): void;
  abstract hangup(): void;
  /** Ends the call in any state with `end` (CANCEL/487 before an answer, BYE after): Replaces, agent close. */
  abstract terminate(end: CallEnd): void;

  hold(): Promise<SessionActionResult> {
    return this.reoffers.offer(true);
  }

  resume(): Promise<SessionActionResult> {
    return this.reoffers.offer(false);
  }

  /** RFC 4733 through the media, else one INFO per digit (application/dtmf-relay, the de-facto Cisco format). */
  async sendDtmf(digits: string): Promise<SessionActionResult> {
    if (!DTMF_DIGITS.test(digits)) return { ok: false, reason: 'invalid DTMF digits' };
    if (this.state !== 'connected' || !this.dialog) return { ok: false, reason: 'the call is not connected' };
    for (const digit of digits) {
      if (this.media.sendDtmf(digit)) continue;
      const outcome = await this.sendInDialog('INFO', [['Content-Type', 'application/dtmf-relay']], `Signal=${digit}\r\nDuration=160\r\n`);
      const response = outcome.response;
      if (!response) return { ok: false, reason: `INFO failed: ${outcome.error ?? 'no answer'}` };
      if (response.status >= 300) return { ok: false, reason: statusText(response), sipStatus: response.status };
    }
    return { ok: true };
  }

  onChange(listener: (session: CallSession) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners; one that throws has a bug and is contained. */
  changed(): void {
    for (const listener of [...this.listeners]) this.ctx.guard.run('call session listener', () => listener(this));
  }

  /** Takes the dialog's in-dialog requests (RFC 3261 §12.2.2); the core answers 481 once the session ended. */
  registerDialog(dialog: Dialog): void {
    this.dialog = dialog;
    this.registration = this.ctx.stack.core.dialogs.register(dialog.id, {
      routes: ['BYE', 'INVITE', 'UPDATE', 'INFO', 'PRACK', 'OPTIONS'].map((method) => ({ method })),
      onRequest: (request, tx) => this.receiveInDialog(request, tx),
    });
  }

  /** Whether `message` belongs to this session's dialog, seen from our side (its tags may be either way round). */
  ownsDialog(callId: string, localTag: string | undefined, remoteTag: string | undefined): boolean {
    const dialog = this.dialog;
    return dialog !== undefined && dialog.callId === callId && dialog.localTag === localTag && dialog.remoteTag === remoteTag;
  }

  /** Whether the Replaces header's Call-ID and tags (RFC 3891 §3, in either order) name this session's dialog. */
  matchesReplaces(callId: string, tags: [string, string]): boolean {
    const d = this.dialog;
    if (!d || d.callId !== callId) return false;
    return (tags[0] === d.localTag && tags[1] === d.remoteTag) || (tags[1] === d.localTag && tags[0] === d.remoteTag);
  }

  private receiveInDialog(request: SipRequest, tx: ServerTransaction): void {
    const dialog = this.dialog!;
    if (this.isEnded()) return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    // §12.2.2: a lower CSeq than the last one is out of order.
    if (!dialog.receiveRequest(request)) return tx.respond(createResponse(request, 500, 'Server Internal Error', { headers: [['Retry-After', '1']] }));
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200, 'OK'));
        return this.remoteBye(request);
      case 'INFO':
        return tx.respond(createResponse(request, 200, 'OK'));
      case 'OPTIONS':
        return tx.respond(createResponse(request, 200, 'OK', { headers: [['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED], ['Accept', 'application/sdp']] }));
      case 'PRACK':
        return this.receivePrack(request, tx);
      case 'INVITE':
        return this.reoffers.receiveInvite(request, tx);
      default:
        return this.reoffers.receiveUpdate(request, tx);
    }
  }

  /** A PRACK (RFC 3262 §3): only an incoming call sends reliable provisionals. */
  protected receivePrack(request: SipRequest, tx: ServerTransaction): void {
    tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
  }

  /** The far end hung up (RFC 3261 §15.1.2). */
  protected remoteBye(_request: SipRequest): void {
    this.finish({ cause: 'remote-hangup' });
  }

  /**
   * Sends our 2xx to an INVITE and retransmits it T1, 2·T1, … capped at T2 until the ACK (RFC 3261 §13.3.1.4);
   * after 64·T1 without one the session is over (BYE).
   */
  acceptInvite(request: SipRequest, tx: ServerTransaction, response: SipResponse, offerInResponse: boolean): void {
    this.pendingAnswer?.stop();
    tx.respond(response);
    const { t1, t2 } = this.ctx.stack.transactions.timers;
    const resend = retransmit(this.timers, `2xx-${request.cseq.seq}`, {
      t1,
      cap: t2,
      send: () => {
        try {
          this.ctx.stack.transactions.sendStateless(response, tx.flow);
        } catch (error) {
          if (!(error instanceof TransactionTransportError)) throw error;
        }
      },
      giveUp: () => {
        this.pendingAnswer = undefined;
        this.bye({ cause: 'failed', sipStatus: 408, reason: 'no ACK for our 200 OK' });
      },
    });
    this.pendingAnswer = { cseq: request.cseq.seq, offerInResponse, stop: resend.stop };
  }

  /** An ACK outside any transaction for this session's dialog (RFC 3261 §13.3.1.4); true when it is ours. */
  receiveAck(ack: SipRequest): boolean {
    const pending = this.pendingAnswer;
    if (!pending || pending.cseq !== ack.cseq.seq) return true;
    pending.stop();
    this.pendingAnswer = undefined;
    this.acknowledged(ack, pending.offerInResponse);
    return true;
  }

  /** Our 2xx was ACKed; with our offer in the 2xx, the ACK carries the answer (RFC 3264 §4, RFC 3261 §13.2.1). */
  protected acknowledged(ack: SipRequest, offerInResponse: boolean): void {
    if (!offerInResponse || this.isEnded()) return;
    if (!hasSdp(ack)) return this.bye({ cause: 'failed', reason: 'ACK without the answer to our offer' });
    observe(
      this.media.applyAnswer(ack.bodyText).then((applied) => {
        if (this.isEnded()) return;
        if (!applied.ok) return this.bye({ cause: 'failed', sipStatus: 488, reason: `unusable answer: ${applied.reason}` });
        this.remoteHold = holds(this.media.remoteDirection);
        this.media.start();
        this.changed();
      }),
      'apply answer from ACK',
      this.ctx.guard,
    );
  }

  /** A 2xx no client transaction took; repeats the ACK when it is a retransmission we ACKed (§13.2.2.4). */
  receiveStray2xx(response: SipResponse): boolean {
    const sent = this.acks.get(`${response.to.params.tag ?? ''}:${response.cseq.seq}`);
    if (!sent) return false;
    this.sendStateless(sent.ack, sent.flow);
    return true;
  }

  /** RFC 3261 §13.2.2.4: the ACK to a 2xx is built in the dialog, with the INVITE's CSeq number and credentials. */
  sendAck(invite: SipRequest, dialog: Dialog, flow: Flow, body?: string): void {
    const headers: HeaderPairs = [];
    for (const name of ['Authorization', 'Proxy-Authorization']) for (const value of invite.getAll(name)) headers.push([name, value]);
    headers.push(['User-Agent', this.lineContext.userAgent]);
    if (body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    const ack = dialog.createRequest('ACK', { via: viaHeader(flow), cseq: invite.cseq.seq, headers, body });
    this.acks.set(`${dialog.remoteTag}:${invite.cseq.seq}`, { ack, flow });
    this.sendStateless(ack, flow);
  }

  /**
   * Sends `method` in the dialog, answering a digest challenge (RFC 3261 §22.2) with a new CSeq; `onSend` sees each
   * request just before it leaves (a REFER's subscription is keyed by its CSeq, RFC 3515 §2.4.6).
   */
  async sendInDialog(
    method: string,
    headers: HeaderPairs,
    body?: string,
    dialog = this.dialog,
    onSend?: (request: SipRequest) => void,
  ): Promise<InDialogOutcome> {
    if (!dialog) return { error: 'no dialog' };
    let flow: Flow;
    try {
      flow = await flowFor(this.lineContext, dialog);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      return { error: error.message };
    }
    const all: HeaderPairs = [...headers, ['User-Agent', this.lineContext.userAgent]];
    return new Promise((resolve) => {
      const send = (): void => {
        const request = dialog.createRequest(method, { via: viaHeader(flow), headers: all, body });
        this.digest.prepare(request);
        onSend?.(request);
        this.ctx.stack.sendRequest(request, flow, {
          onFinal: (response) => {
            const challenged = response.status === 401 || response.status === 407;
            if (challenged && this.digest.authorize(request, response) === 'retry') return send();
            resolve({ request, response, flow });
          },
          onTimeout: () => resolve({ request, flow, error: `no answer to ${method}` }),
          onTransportError: (_tx, error) => resolve({ request, flow, error: error.message }),
        });
      };
      send();
    });
  }

  /** Contact for our target refresh requests and 2xx (RFC 3261 §12.1.1, §12.2.1.1). */
  contactFor(flow: Flow): string {
    return `<${this.lineContext.contactUri(flow)}>`;
  }

  /** Ends the session and sends BYE in its dialog (RFC 3261 §15.1.1); the BYE's outcome changes nothing. */
  bye(end: CallEnd, dialog = this.dialog): void {
    if (this.isEnded()) return;
    this.finish(end);
    if (!dialog) return;
    observe(this.sendInDialog('BYE', [], undefined, dialog), 'call BYE', this.ctx.guard);
  }

  /** The session is over: every timer cleared, the media closed, the dialog forgotten, the listeners told. */
  finish(end: CallEnd): void {
    if (this.isEnded()) return;
    this.state = 'ended';
    this.end = end;
    this.endedAt = this.ctx.clock.wallNow();
    this.timers.clearAll();
    this.pendingAnswer = undefined;
    this.registration?.remove();
    this.sdh?.close();
    this.transfers.sessionEnded();
    this.ctx.ended(this);
    this.changed();
  }

  private sendStateless(message: SipRequest, flow: Flow): void {
    try {
      this.ctx.stack.transactions.sendStateless(message, flow);
    } catch (error) {
      // The far end retransmits its 2xx and gives up on its own if the flow stays dead.
      if (!(error instanceof TransactionTransportError)) throw error;
    }
  }
}

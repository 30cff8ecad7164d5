/**
 * The INVITE usage of one stack (issue 9 §1): every call session, outgoing ({@link CallAgent.dial}) and incoming
 * (the user-agent core's out-of-dialog INVITE and CANCEL handlers), and the messages outside any transaction that
 * belong to them — the ACK for our 2xx (RFC 3261 §13.3.1.4) and 2xx retransmissions or forks after the INVITE
 * transaction ended (§13.2.2.4). An incoming INVITE is refused before a session exists when it must be: 400 without
 * a From tag, 420 for an extension we lack (§8.2.2.3), 422 for a short Session-Expires (RFC 4028 §8.1), 481/486
 * for a Replaces we cannot honour (RFC 3891 §3), 404 with no line, 486 when the line is busy.
 */
import type { Clock, TimerHandle } from '../../clock';
import { observe, type EngineGuard } from '../../guard';
import { createResponse, type SipRequest, type SipResponse } from '../../message';
import type { ServerTransaction } from '../../transaction';
import type { LineContext } from '../line-context';
import { CALL_IN_DIALOG_METHODS, parseReplaces, unsupportedRequired, type ReplacesTarget } from './call-headers';
import { DialTargetError, type CallAgentOptions, type CallSession, type ReplacesHeader } from './call-session-api';
import { parseDialTarget } from './dial-target';
import type { AgentContext } from './invite-session';
import { isValidReplaces } from './replaces';
import { MIN_SE, parseSessionExpires } from './session-timer';
import { UacSession } from './uac-session';
import { UasSession } from './uas-session';

/** Default Session-Expires we ask for (RFC 4028 §4 recommends 1800 s). */
const DEFAULT_SESSION_EXPIRES = 1800;

type Session = UacSession | UasSession;

/** What {@link CallAgent.dial} may add to an outgoing call. */
export interface DialOptions {
  /**
   * Take over this dialog (RFC 3891): `Replaces` and `Require: replaces` on the INVITE. Directed pickup builds it
   * with `replacesFromDialogInfo` (replaces.ts), `earlyOnly` set.
   */
  replaces?: ReplacesHeader;
  /**
   * Request-URI of the INVITE when it is not the target: for pickup, the ringing dialog's remote target from
   * dialog-info (the UA that initiated it, RFC 3891 §3). To stays the target.
   */
  requestUri?: string;
}

export class CallAgent {
  private readonly clock: Clock;
  private readonly guard: EngineGuard;
  private readonly ctx: AgentContext;
  private readonly live = new Set<Session>();
  /** Live and recently ended sessions by Call-ID: stray 2xx and ACKs still find an ended session for 64·T1. */
  private readonly byCallId = new Map<string, Set<Session>>();
  private readonly byInviteTx = new WeakMap<ServerTransaction, UasSession>();
  private readonly lingering = new Map<Session, TimerHandle>();
  private readonly removers: Array<() => void> = [];
  private counter = 0;
  private closed = false;

  constructor(private readonly options: CallAgentOptions) {
    const stack = options.stack;
    this.guard = options.guard ?? stack.guard;
    this.clock = this.guard.clock(options.clock);
    this.ctx = {
      stack,
      clock: this.clock,
      guard: this.guard,
      options,
      sessionExpires: Math.max(MIN_SE, options.sessionExpiresSeconds ?? DEFAULT_SESSION_EXPIRES),
      nextId: () => `call-${++this.counter}-${Math.random().toString(36).slice(2, 8)}`,
      ended: (session) => this.ended(session as Session),
    };
    this.removers.push(
      stack.core.handle('INVITE', (request, tx) => this.receiveInvite(request, tx)),
      stack.core.handle('CANCEL', (request, tx) => this.receiveCancel(request, tx)),
      stack.core.advertise(CALL_IN_DIALOG_METHODS),
      stack.onAck((ack) => this.receiveAck(ack)),
      stack.onStrayResponse((response) => this.receiveStray(response)),
    );
  }

  /**
   * Calls `target` on `line`. Throws {@link DialTargetError} for a target no SIP URI can be made of (or a
   * `requestUri` that is none, or `replaces` ids no header can carry); every later failure ends the returned session
   * with its cause (a pickup that came too late: 481 or, `early-only`, 486).
   */
  dial(line: LineContext, target: string, options: DialOptions = {}): CallSession {
    if (this.closed) throw new Error('CallAgent used after close');
    const uri = parseDialTarget(target, line.domain);
    const requestUri = options.requestUri === undefined ? undefined : parseDialTarget(options.requestUri, line.domain);
    if (options.replaces && !isValidReplaces(options.replaces)) throw new DialTargetError(target, 'the dialog to take over has unusable identifiers');
    const session = new UacSession(this.ctx, line, uri, { replaces: options.replaces, requestUri });
    this.track(session, session.callId);
    session.start();
    return session;
  }

  /** The sessions not yet ended. */
  sessions(): CallSession[] {
    return [...this.live];
  }

  /** Ends every call (BYE, CANCEL, or 603 for one ringing here) and stops taking INVITEs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.live]) session.hangup();
    for (const remove of this.removers.splice(0)) remove();
    for (const handle of this.lingering.values()) this.clock.clearTimeout(handle);
    this.lingering.clear();
    this.byCallId.clear();
  }

  private receiveInvite(request: SipRequest, tx: ServerTransaction): void {
    const refuse = (status: number, reason?: string, headers: Array<[string, string]> = []): void => tx.respond(createResponse(request, status, reason, { headers }));
    if (!request.from.params.tag) return refuse(400, 'Missing From tag');
    const unsupported = unsupportedRequired(request);
    if (unsupported.length > 0) return refuse(420, 'Bad Extension', [['Unsupported', unsupported.join(', ')]]);
    const se = parseSessionExpires(request);
    if (se && se.interval < MIN_SE) return refuse(422, 'Session Interval Too Small', [['Min-SE', String(MIN_SE)]]);
    let replaced: Session | undefined;
    const replacesValue = request.get('Replaces');
    if (replacesValue !== undefined) {
      const target = parseReplaces(replacesValue);
      if (!target) return refuse(400, 'Bad Replaces header');
      replaced = this.findReplaced(target);
      if (!replaced) return refuse(481, 'Call/Transaction Does Not Exist');
      if (target.earlyOnly && replaced.state === 'connected') return refuse(486, 'Busy Here');
    }
    const line = this.options.lineFor(request) ?? replaced?.lineContext;
    if (!line) return refuse(404, 'Not Found');
    if (!replaced && this.options.busy(line.number)) return refuse(486, 'Busy Here');
    const session = new UasSession(this.ctx, line, request, tx);
    session.replaces = replaced?.id;
    this.track(session, request.callId);
    this.byInviteTx.set(tx, session);
    observe(this.present(session, replaced), 'incoming call', this.guard);
  }

  /** Rings and reports a new incoming call; a Replaces INVITE is answered and the old call ended instead. */
  private async present(session: UasSession, replaced: Session | undefined): Promise<void> {
    if (!(await session.prepare())) return;
    if (!replaced) {
      session.ring();
      if (!session.isEnded()) this.options.onIncoming(session);
      return;
    }
    session.autoAnswer(() => {
      this.options.onIncoming(session);
      replaced.terminate({ cause: 'replaced', reason: `replaced by ${session.id}` });
    });
  }

  /** RFC 3261 §9.2: 200 to the CANCEL when its INVITE is still pending, and the session sends 487. */
  private receiveCancel(cancel: SipRequest, tx: ServerTransaction): void {
    const invite = this.options.stack.transactions.findInviteForCancel(cancel);
    if (!invite) return tx.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist'));
    tx.respond(createResponse(cancel, 200, 'OK'));
    this.byInviteTx.get(invite)?.receiveCancel(cancel);
  }

  private receiveAck(ack: SipRequest): boolean {
    const local = ack.to.params.tag ?? undefined;
    const remote = ack.from.params.tag ?? undefined;
    for (const session of this.byCallId.get(ack.callId) ?? []) if (session.ownsDialog(ack.callId, local, remote)) return session.receiveAck(ack);
    return false;
  }

  private receiveStray(response: SipResponse): boolean {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return false;
    const local = response.from.params.tag;
    for (const session of this.byCallId.get(response.callId) ?? []) {
      const ours = session instanceof UacSession ? session.fromTag : session.toTag;
      if (ours === local) return session.receiveStray2xx(response);
    }
    return false;
  }

  /** The live session whose early or confirmed dialog the Replaces header names, seen from either side. */
  private findReplaced(target: ReplacesTarget): Session | undefined {
    for (const session of this.byCallId.get(target.callId) ?? []) {
      if (!session.isEnded() && session.matchesReplaces(target.callId, [target.toTag, target.fromTag])) return session;
    }
    return undefined;
  }

  private track(session: Session, callId: string): void {
    this.live.add(session);
    let set = this.byCallId.get(callId);
    if (!set) this.byCallId.set(callId, (set = new Set()));
    set.add(session);
  }

  private ended(session: Session): void {
    this.live.delete(session);
    if (this.closed) return;
    const callId = session instanceof UacSession ? session.callId : session.invite.callId;
    // Retransmitted 2xx and late ACKs keep coming for up to 64·T1 (RFC 3261 §13.2.2.4, Timer L).
    const handle = this.clock.setTimeout(() => {
      this.lingering.delete(session);
      const set = this.byCallId.get(callId);
      set?.delete(session);
      if (set?.size === 0) this.byCallId.delete(callId);
    }, 64 * this.options.stack.transactions.timers.t1);
    this.lingering.set(session, handle);
  }
}

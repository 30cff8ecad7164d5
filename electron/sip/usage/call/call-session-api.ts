/**
 * The contract between the INVITE usage (this folder) and the call service (`electron/core/calls/`): what a call
 * session exposes and what the agent that owns every session of one stack needs. Implemented by `call-agent.ts`
 * and `invite-session.ts`; the call service only sees these types.
 */
import type { CallDirection, CallEnd, CallParty } from '../../../../shared/calls';
import type { Clock } from '../../clock';
import type { EngineGuard } from '../../guard';
import type { SipRequest } from '../../message';
import type { SipStack } from '../../stack';
import type { LineContext } from '../line-context';
import type { SessionDescriptionHandler, SessionDescriptionHandlerFactory } from './session-description-handler';

/** Session states: `connected` covers held too (see the hold flags). */
export type SessionState = 'dialling' | 'ringing' | 'early' | 'connected' | 'ended';

/** An action's outcome: expected failures (491 after back-off, 488, timeouts) are values, never thrown. */
export type SessionActionResult = { ok: true } | { ok: false; reason: string; sipStatus?: number };

/** The dialog identifiers of a session, as RFC 3891 Replaces names them (our side's view). */
export interface DialogIds {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** What an INVITE with Replaces (RFC 3891 §6.1) names: the dialog to take over, and whether only an early one. */
export interface ReplacesHeader {
  callId: string;
  toTag: string;
  fromTag: string;
  /** `early-only` (RFC 3891 §6.1): refuse if the dialog was answered meanwhile (directed pickup). */
  earlyOnly?: boolean;
}

/**
 * A transfer we started on this session (RFC 3515 REFER; RFC 5589): its progress from the NOTIFY `message/sipfrag`
 * bodies of the implicit subscription, and how it ended.
 */
export interface TransferProgress {
  /** `attended` when the REFER carries Replaces for a consult dialog (RFC 5589 §7). */
  mode: 'blind' | 'attended';
  /** The Refer-To URI (without its Replaces header). */
  target: string;
  /** `trying` until a 1xx sipfrag says the target rings (`ringing`); then `succeeded` or `failed`. */
  state: 'trying' | 'ringing' | 'succeeded' | 'failed';
  /** Status of the last sipfrag (RFC 3420), or of a failed REFER itself. */
  sipStatus?: number;
  /** Why it failed, in words ("486 Busy Here", "no final NOTIFY in 30 s", "REFER refused: 405"). */
  reason?: string;
}

/** Outcome of {@link CallSession.refer}. */
export type TransferResult =
  | { ok: true }
  | {
      ok: false;
      reason: string;
      sipStatus?: number;
      /** The far end refused the REFER method itself (405/501, or 420 for Replaces): use the feature code instead. */
      referRefused: boolean;
    };

export interface CallSession {
  /** Stable id, safe for the contract (`[A-Za-z0-9_-]`), not the SIP Call-ID. */
  readonly id: string;
  /** 1-based line number. */
  readonly line: number;
  readonly direction: CallDirection;
  readonly state: SessionState;
  /** We hold the call (our last offer was sendonly/inactive). */
  readonly localHold: boolean;
  /** The far end holds us (its last SDP was sendonly/inactive). */
  readonly remoteHold: boolean;
  /** Far end identity: P-Asserted-Identity, then Remote-Party-ID, then From (incoming) or To (outgoing). */
  readonly far: CallParty;
  /** Set once `state` is `ended`. */
  readonly end?: CallEnd;
  /** Wall-clock ms (clock.wallNow()). */
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  /** The id of the session this one replaced (an incoming INVITE with Replaces, RFC 3891). */
  readonly replaces?: string;
  /** The media of this call. */
  readonly media: SessionDescriptionHandler;
  /** Answers an incoming ringing call (200 with our SDP answer, or offer when the INVITE had none). */
  answer(): Promise<SessionActionResult>;
  /**
   * Refuses an incoming ringing call: 603 Decline by default, 486/480 when given, or 302 Moved Temporarily to
   * `redirectTo` (a SIP URI; "send to voicemail").
   */
  reject(options?: { status?: 480 | 486 | 603; redirectTo?: string }): void;
  /** Ends the call in any state: CANCEL (dialling/ringing/early out), reject 603 (ringing in), BYE (connected). */
  hangup(): void;
  /** re-INVITE with a sendonly (or inactive) offer; glare (491) retried per RFC 3261 §14.1. */
  hold(): Promise<SessionActionResult>;
  resume(): Promise<SessionActionResult>;
  /** RFC 4733 through the media when negotiated, else one SIP INFO per digit (application/dtmf-relay). */
  sendDtmf(digits: string): Promise<SessionActionResult>;
  /** The dialog's ids once it exists (early or confirmed); attended transfer names the consult call by them. */
  readonly dialogIds?: DialogIds;
  /** The far end's URI for Refer-To: its remote target (Contact, RFC 3261 §12.1) once known, else the dialled URI. */
  readonly remoteTarget?: string;
  /** The last transfer started on this session, while it runs and after it ended. */
  readonly transfer?: TransferProgress;
  /**
   * Transfers the far end to `target` (a SIP URI) by REFER in this dialog (RFC 3515), with `Replaces` for
   * `replaces` (attended, RFC 5589 §7) and Referred-By. Resolves when the transfer is over: on a 2xx sipfrag it is
   * ok and this session has sent BYE; on a failure (non-2xx sipfrag, REFER refused, no final NOTIFY within the
   * bound, the subscription ending without one) the far end is taken off hold again and the result says why.
   */
  refer(target: string, options?: { replaces?: DialogIds }): Promise<TransferResult>;
  /** Called after every change of the fields above (state, hold, far, end, transfer). */
  onChange(listener: (session: CallSession) => void): () => void;
}

export interface CallAgentOptions {
  stack: SipStack;
  clock: Clock;
  guard?: EngineGuard;
  /** The line an incoming INVITE is addressed to (Request-URI user, else To user); none → 404 Not Found. */
  lineFor(request: SipRequest): LineContext | undefined;
  /** Whether `line` answers a new incoming call 486 Busy Here now ("busy when on a call"). */
  busy(line: number): boolean;
  createMedia: SessionDescriptionHandlerFactory;
  /** A new incoming session is ringing (180 sent); also a Replaces INVITE, which is answered at once. */
  onIncoming(session: CallSession): void;
  /** Session-Expires we ask for and accept (RFC 4028); default 1800, never below Min-SE 90. */
  sessionExpiresSeconds?: number;
  /** How long an outgoing call may ring without an answer before CANCEL; default 120 s. */
  ringTimeoutMs?: number;
  /** How long a transfer waits for the final NOTIFY after its REFER was accepted (RFC 3515); default 30 s. */
  transferTimeoutMs?: number;
}

/** A dial target the console cannot turn into a SIP URI (a typed expected condition). */
export class DialTargetError extends Error {
  readonly code = 'invalid-target';
  constructor(readonly target: string, reason: string) {
    super(`cannot dial "${target}": ${reason}`);
  }
}

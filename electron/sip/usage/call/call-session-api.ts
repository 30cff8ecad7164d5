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
  /** Called after every change of the fields above (state, hold, far, end). */
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
}

/** A dial target the console cannot turn into a SIP URI (a typed expected condition). */
export class DialTargetError extends Error {
  readonly code = 'invalid-target';
  constructor(readonly target: string, reason: string) {
    super(`cannot dial "${target}": ${reason}`);
  }
}

/**
 * Calls as the renderer sees them (issue 9): one {@link CallView} per call the console takes part in, sent whole in
 * `calls.changed` after every change. The SIP and RTP details stay in main.
 */

export type CallDirection = 'incoming' | 'outgoing';

/**
 * Where a call stands. `dialling`: our INVITE is out, nothing heard back yet; `ringing`: an incoming call rings
 * here, or the far end's phone rings (180); `early`: the far end plays early media (183 with SDP); `connected`:
 * answered and talking; `held`: answered and on hold (see {@link CallView.hold} for who held); `ended`: over (see
 * {@link CallView.end}).
 */
export type CallState = 'dialling' | 'ringing' | 'early' | 'connected' | 'held' | 'ended';

/** Why a call ended, in words a receptionist reads. */
export type CallEndCause =
  /** We hung up (BYE or CANCEL from us). */
  | 'local-hangup'
  /** The far end hung up an answered call (their BYE). */
  | 'remote-hangup'
  /** An incoming call ended before anyone here answered (CANCEL, or the caller gave up). */
  | 'missed'
  /** We rejected an incoming call (603), or sent it to voicemail (302). */
  | 'rejected'
  /** The far end is busy (486/600). */
  | 'busy'
  /** The far end declined (603). */
  | 'declined'
  /** Nobody answered, or the far end is unreachable (408/480/487 without our CANCEL). */
  | 'no-answer'
  /** The target does not exist (404/484/604). */
  | 'not-found'
  /** Answered by someone else (CANCEL with Reason cause 200, RFC 3326). */
  | 'answered-elsewhere'
  /** Another dialog took this call's place (RFC 3891 Replaces). */
  | 'replaced'
  /** Anything else: a SIP failure, a transport error, a timeout; see `sipStatus` and `reason`. */
  | 'failed';

export interface CallParty {
  /** Display name, when the PBX sent one (P-Asserted-Identity, Remote-Party-ID or From/To, in that order). */
  name?: string;
  /** The number (URI user part) or, without one, the whole address. */
  number: string;
  /** The full SIP URI. */
  uri: string;
}

export interface CallEnd {
  cause: CallEndCause;
  sipStatus?: number;
  /** Human-readable detail, e.g. "486 Busy Here" or "no answer to INVITE". */
  reason?: string;
}

/** RTP figures of a call's media session, for the strip and Diagnostics. */
export interface CallMediaStats {
  codec?: string;
  packetsSent: number;
  packetsReceived: number;
  /** Whether the far end offered RFC 4733 telephone-events (else DTMF goes as SIP INFO). */
  telephoneEvent: boolean;
  /** The media is SRTP (RFC 3711, keys by SDES). */
  srtp?: boolean;
  /** Quality figures from RTP reception and RTCP reports (issue 10), once audio flows. */
  quality?: CallQuality;
}

/** How a call sounds, in one word for the strip and in figures for Diagnostics. */
export type QualityRating = 'good' | 'fair' | 'poor';

/**
 * Quality of one call's audio (RFC 3550 §6.4 reception figures, RFC 3611-style summary). `rating` comes from an
 * E-model estimate (ITU-T G.107, simplified as in RFC 3611 §4.7.5) of loss, jitter buffer delay and round trip.
 */
export interface CallQuality {
  rating: QualityRating;
  /** Estimated mean opinion score, 1–4.5. */
  mos: number;
  /** Percentage of the far end's packets lost on the way to us (whole call). */
  lossPercent: number;
  /** Interarrival jitter of what we receive, ms (RFC 3550 §A.8). */
  jitterMs: number;
  /** Delay the jitter buffer chose, ms. */
  jitterBufferMs: number;
  /** Frames we had to conceal (lost or late), percent. */
  concealedPercent: number;
  /** Round trip from RTCP (RFC 3550 §6.4.1 LSR/DLSR), ms, once a report came back. */
  roundTripMs?: number;
  /** What the far end reports about our stream (its RTCP): loss percent and jitter ms. */
  remoteLossPercent?: number;
  remoteJitterMs?: number;
}

/** A transfer started on a call (issue 11): progress from the far end's NOTIFY sipfrag bodies (RFC 3515). */
export interface CallTransfer {
  mode: 'blind' | 'attended';
  /** Who the caller is being transferred to (number or URI as the receptionist gave it). */
  target: string;
  /** `trying` → `ringing` → `succeeded` (our leg ends) or `failed` (the caller is back on this call). */
  state: 'trying' | 'ringing' | 'succeeded' | 'failed';
  sipStatus?: number;
  /** Why it failed, e.g. "486 Busy Here" or "no answer to the transfer in 30 s". */
  reason?: string;
  /** The failed transfer went through the line's transfer feature code instead of REFER. */
  viaFeatureCode?: boolean;
}

export interface CallView {
  /** Stable id of the call (not the SIP Call-ID). */
  id: string;
  /** 1-based line number the call is on. */
  line: number;
  direction: CallDirection;
  state: CallState;
  /** Who holds the call: us (`local`), the far end (`remote`), or both. Present while answered. */
  hold?: { local: boolean; remote: boolean };
  far: CallParty;
  /** Epoch ms when the call started (INVITE sent or received). */
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  end?: CallEnd;
  media?: CallMediaStats;
  /** The last transfer of this call, while it runs and for a while after it ended. */
  transfer?: CallTransfer;
  /**
   * On a consultation call (attended transfer, RFC 5589 §7): the id of the held call it consults for. "Complete"
   * connects the two far ends; hanging up the consultation returns to that call.
   */
  consultFor?: string;
  /** The microphone is muted for this call (the far end hears silence). */
  muted?: boolean;
  /** RFC 4733 digits the far end sent during the call, latest last (at most 32). */
  dtmfReceived?: string;
  /** An action in flight (hold, resume, answer): the UI disables its buttons meanwhile. */
  pending?: 'answer' | 'hold' | 'resume' | 'hangup';
}

/** DTMF digits the contract accepts (RFC 4733 §3.2 events 0–15). */
export const DTMF_DIGITS = /^[0-9*#A-Da-d]{1,32}$/;

/**
 * What an INVITE session needs from its media (the SIP.js split: the SIP usage speaks offer/answer, the media layer
 * owns SDP and RTP). The call usage never imports `electron/media/`: the composition root (`electron/core/calls/`)
 * hands it a factory whose handlers `electron/media/media-session.ts` implements structurally.
 *
 * Hold follows RFC 3264 §8.4: with `hold: true` an offer says `sendonly` (or `inactive` when the far end holds us
 * too) and an answer to `sendrecv` says `sendonly`; an offer of `sendonly` from the far end is answered `recvonly`.
 */

import type { CallMediaStats } from '../../../../shared/calls';

/** RFC 3264 §6.1 media direction, from the point of view of the side that wrote the SDP. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Expected outcomes of offer/answer are values: a failure becomes 488 Not Acceptable Here (RFC 3261 §13.3.1.3). */
export type SdpResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SessionDescriptionOptions {
  /** We hold the call (RFC 3264 §8.4). */
  hold: boolean;
}

/** Figures a handler reports for `calls.changed`: the contract's `CallMediaStats`, passed through as they are. */
export type SessionMediaStats = CallMediaStats;

export interface SessionDescriptionHandler {
  /** An SDP offer: the initial one (INVITE) or a re-offer (re-INVITE/UPDATE for hold, resume, refresh). */
  createOffer(options: SessionDescriptionOptions): Promise<SdpResult<string>>;
  /** Our answer to a remote offer; fails when there is no common codec. */
  createAnswer(remoteSdp: string, options: SessionDescriptionOptions): Promise<SdpResult<string>>;
  /** Applies the far end's answer to our last offer (also a 183's early-media answer). */
  applyAnswer(remoteSdp: string): Promise<SdpResult<void>>;
  /** The direction of the far end's last SDP; `sendonly` or `inactive` there means it holds us. */
  readonly remoteDirection: MediaDirection;
  /** Starts sending RTP (the call is answered). Receiving runs from the first SDP on. Idempotent. */
  start(): void;
  /** Sends one RFC 4733 event for `digit`; false when telephone-event was not negotiated (send SIP INFO then). */
  sendDtmf(digit: string): boolean;
  stats(): SessionMediaStats;
  /** Sends RTCP BYE and frees the ports. Idempotent. */
  close(): void;
}

/** What a factory learns about the call it builds media for. */
export interface SessionDescriptionHandlerOptions {
  /** The address of the SIP flow (the c= line of our SDP). */
  localAddress: string;
  /** 1-based line number of the call (the line's SRTP policy). */
  line: number;
  /** The signalling runs over TLS: only then may SDES keys travel in the SDP (RFC 4568 §8.3). */
  secureSignalling: boolean;
}

/** Builds one handler per call. */
export type SessionDescriptionHandlerFactory = (options: SessionDescriptionHandlerOptions) => SessionDescriptionHandler;

/**
 * Shapes the media layer shares with the SIP call usage. They are copies, not imports: electron/media never imports
 * electron/sip, and `MediaSession` satisfies `SessionDescriptionHandler` (electron/sip/usage/call/
 * session-description-handler.ts) structurally; the composition root checks the assignment. The figures for the
 * renderer are the contract's own type (shared/calls.ts), which both layers may import.
 */

import type { CallMediaStats } from '../../shared/calls';

/** RFC 3264 §6.1 media direction, from the point of view of the side that wrote the SDP. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Expected outcomes of offer/answer are values: a failure becomes 488 Not Acceptable Here (RFC 3261 §13.3.1.3). */
export type SdpResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What the call usage asks of an offer or answer. */
export interface SessionDescriptionOptions {
  /** We hold the call (RFC 3264 §8.4). */
  hold: boolean;
}

/** The G.711 codecs this layer speaks (RFC 3551 §4.5.14). */
export type G711Codec = 'PCMU' | 'PCMA';

/** Figures for `calls.changed`: exactly the contract's `CallMediaStats` (shared/calls.ts). */
export type SessionMediaStats = CallMediaStats;

/** Opaque timer id of a {@link MediaClock}. */
export interface MediaTimerHandle {
  readonly id: number;
}

/** Time source for pacing and RTCP timers; the same shape as electron/sip/clock.ts `Clock`, so one clock serves both. */
export interface MediaClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Wall-clock milliseconds since the epoch (RTCP SR NTP timestamps, RFC 3550 §6.4.1). */
  wallNow(): number;
  setTimeout(callback: () => void, ms: number): MediaTimerHandle;
  clearTimeout(handle: MediaTimerHandle | undefined): void;
}

/** Where the layer reports socket errors and other conditions worth a line in the log. */
export type MediaLog = (message: string) => void;

/** The UDP ports RTP may use; RTP takes an even port, RTCP the odd one above it (RFC 3550 §11). */
export interface PortRange {
  min: number;
  max: number;
}

/** One DTMF event received as RFC 4733 telephone-event. */
export interface ReceivedDtmf {
  /** `0`-`9`, `*`, `#`, `A`-`D`; `flash` for event 16. */
  digit: string;
  /** `start` on the first packet of an event, `end` on the first packet with the E bit. */
  phase: 'start' | 'end';
  /** Duration so far in milliseconds (RFC 4733 §2.3.5, 8 kHz units). */
  durationMs: number;
}

/** Reception and sending quality (RFC 3550 §6.4), for diagnostics and the audio issue. */
export interface RtcpStats {
  packetsSent: number;
  octetsSent: number;
  packetsReceived: number;
  octetsReceived: number;
  /** Packets that were not RTP of the negotiated payload types (RFC 3550 §A.1 validity). */
  invalidPackets: number;
  /** Cumulative packets lost from the far end (RFC 3550 §6.4.1). */
  packetsLost: number;
  /** Fraction lost over the last report interval, 0..1. */
  fractionLost: number;
  /** Interarrival jitter in milliseconds (RFC 3550 §6.4.1, §A.8). */
  jitterMs: number;
  rtcpSent: number;
  rtcpReceived: number;
  /** The far end's view of our stream, from its last SR/RR report block about our SSRC. */
  remote?: { fractionLost: number; packetsLost: number; jitterMs: number; roundTripMs?: number };
  /** The far end sent an RTCP BYE. */
  remoteBye: boolean;
}

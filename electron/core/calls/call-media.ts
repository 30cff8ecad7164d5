/**
 * What the call service needs from a call's media beyond SIP's offer/answer (issue 10): the audio path to the device
 * and received DTMF. `electron/media`'s `MediaSession` provides it; the SIP usage only sees the
 * `SessionDescriptionHandler` part.
 */
import type { SessionDescriptionHandler, SessionDescriptionHandlerOptions } from '../../sip/usage/call/session-description-handler';

/** One call's audio as the audio hub drives it (electron/media/call-audio.ts). */
export interface CallAudioPort {
  /** The far end hears silence while set. */
  muted: boolean;
  /** One 20 ms microphone frame (160 samples, 8 kHz). */
  pushCapture(samples: Int16Array): void;
  /** The next 20 ms to play. */
  pullPlayout(): Int16Array;
  /** The device stopped feeding this call (another call took the audio, the window went away). */
  deviceIdle(): void;
}

/** A received RFC 4733 event (media-types.ts `ReceivedDtmf`). */
export interface CallDtmfEvent {
  digit: string;
  phase: 'start' | 'end';
}

export interface CallMedia extends SessionDescriptionHandler {
  readonly callAudio: CallAudioPort;
  onDtmf(listener: (event: CallDtmfEvent) => void): () => void;
}

export type CallMediaFactory = (options: SessionDescriptionHandlerOptions) => CallMedia;

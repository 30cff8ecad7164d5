/**
 * The receiving half of one RTP stream: validity checks (RFC 3550 §A.1: version 2, a whole header, a payload type
 * we negotiated), reception statistics of the far end's SSRC, and dispatch of audio payloads and RFC 4733 events.
 * Bytes from the network never throw; a listener that throws is reported and the next one still runs.
 */
import type { MediaLog, ReceivedDtmf } from './media-types';
import { ReceptionStats } from './reception-stats';
import { dtmfDigit, parseRtp, parseTelephoneEvent, type RtpPacket } from './rtp-packet';

/** The payload types RTP may arrive with, from the last offer/answer. */
export interface ReceivePayloadTypes {
  audio: ReadonlySet<number>;
  telephoneEvent: ReadonlySet<number>;
}

/** Gets each received audio payload (a view into the received datagram), its payload type and the whole packet. */
export type AudioFrameListener = (payload: Uint8Array, payloadType: number, packet: RtpPacket) => void;
/** Gets the start and the end of each received RFC 4733 event. */
export type DtmfListener = (event: ReceivedDtmf) => void;

/** Counts, validates and dispatches incoming RTP of one session. */
export class RtpReceiver {
  packetsReceived = 0;
  octetsReceived = 0;
  invalidPackets = 0;
  /** Statistics of the current far-end source, reset when its SSRC changes (RFC 3550 §8.2). */
  source: ReceptionStats | undefined;
  private payloadTypes: ReceivePayloadTypes = { audio: new Set(), telephoneEvent: new Set() };
  private readonly audioListeners = new Set<AudioFrameListener>();
  private readonly dtmfListeners = new Set<DtmfListener>();
  /** RFC 4733 §2.5.2: one event is one timestamp; its start and end are reported once each. */
  private dtmfEvent: { timestamp: number; ssrc: number; ended: boolean } | undefined;

  constructor(private readonly log: MediaLog) {}

  setPayloadTypes(types: ReceivePayloadTypes): void {
    this.payloadTypes = types;
  }

  onAudioFrame(listener: AudioFrameListener): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  onDtmf(listener: DtmfListener): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  /** Handles one datagram; returns the packet when it was valid RTP of a negotiated type (the session latches on it). */
  receive(data: Uint8Array, arrivalMs: number): RtpPacket | undefined {
    const packet = parseRtp(data);
    const isAudio = packet !== undefined && this.payloadTypes.audio.has(packet.payloadType);
    const isEvent = packet !== undefined && this.payloadTypes.telephoneEvent.has(packet.payloadType);
    if (!packet || (!isAudio && !isEvent)) {
      this.invalidPackets++;
      return undefined;
    }
    this.packetsReceived++;
    this.octetsReceived += packet.payload.length;
    if (this.source?.ssrc !== packet.ssrc) this.source = new ReceptionStats(packet.ssrc, packet.sequence);
    this.source.update(packet.sequence, packet.timestamp, arrivalMs);
    if (isAudio) this.emit(this.audioListeners, 'audio frame', (l) => l(packet.payload, packet.payloadType, packet));
    else this.receiveEvent(packet);
    return packet;
  }

  private receiveEvent(packet: RtpPacket): void {
    const event = parseTelephoneEvent(packet.payload);
    const digit = event && dtmfDigit(event.event);
    if (!event || digit === undefined) return;
    const current = this.dtmfEvent;
    const durationMs = event.duration / 8;
    if (!current || current.timestamp !== packet.timestamp || current.ssrc !== packet.ssrc) {
      this.dtmfEvent = { timestamp: packet.timestamp, ssrc: packet.ssrc, ended: false };
      this.emit(this.dtmfListeners, 'dtmf', (l) => l({ digit, phase: 'start', durationMs }));
    }
    if (event.end && !this.dtmfEvent!.ended) {
      this.dtmfEvent!.ended = true;
      this.emit(this.dtmfListeners, 'dtmf', (l) => l({ digit, phase: 'end', durationMs }));
    }
  }

  private emit<L>(listeners: Set<L>, what: string, call: (listener: L) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (error) {
        this.log(`media: ${what} listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

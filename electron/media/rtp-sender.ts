/**
 * The sending half of one RTP stream (RFC 3550 §5.1): random SSRC, sequence and timestamp origin, one 20 ms G.711
 * frame per tick, RFC 4733 telephone-events in place of audio while a digit plays. Pacing is drift-free: frame n is
 * due at start + n·20 ms and carries timestamp origin + n·160, whatever the timer jitter, so a late timer sends
 * the frames it owes instead of stretching the stream.
 */
import { randomBytes } from 'node:crypto';
import type { MediaClock, MediaTimerHandle } from './media-types';
import { buildRtp, buildTelephoneEvent, nextSequence, addTimestamp } from './rtp-packet';

export const FRAME_MS = 20;
/** 20 ms at 8 kHz (RFC 3551 §4.5.14). */
export const FRAME_SAMPLES = 160;
/** After a stall (event loop blocked, machine asleep) at most this many owed frames are sent; the rest are skipped. */
const MAX_CATCH_UP = 3;
/** RFC 4733 §2.5.1: packets with growing duration (5 × 20 ms ≈ 100 ms tone), then the end packet sent 3 times. */
const DTMF_UPDATES = 5;
const DTMF_END_REPEATS = 3;
/** -10 dBm0, a usual DTMF level (RFC 4733 §2.3.4). */
const DTMF_VOLUME = 10;

/** What the sender needs from the session at each frame. */
export interface SenderHooks {
  /** Whether RTP may go out now (direction, remote address, codec known). */
  canSend(): boolean;
  /** Payload type and payload for one audio frame. */
  audioFrame(): { payloadType: number; payload: Uint8Array };
  /** telephone-event payload type, undefined when not negotiated. */
  telephoneEventType(): number | undefined;
  /** Puts one packet on the wire. */
  transmit(packet: Buffer): void;
}

interface DtmfInProgress {
  event: number;
  timestamp: number;
  packets: number;
}

const random32 = (): number => randomBytes(4).readUInt32BE(0);

/** Paces and numbers outgoing RTP of one session. */
export class RtpSender {
  readonly ssrc = random32();
  private sequence = random32() & 0xffff;
  private readonly timestampOrigin = random32();
  private startedAt: number | undefined;
  private nextFrame = 0;
  private timer: MediaTimerHandle | undefined;
  /** RFC 3551 §4.1: marker on the first packet after a silence (start, resume from hold). */
  private marker = true;
  private readonly dtmfQueue: number[] = [];
  private dtmf: DtmfInProgress | undefined;
  packetsSent = 0;
  /** Payload octets sent (the SR octet count of RFC 3550 §6.4.1). */
  octetsSent = 0;
  /** Whether anything was sent since the last RTCP report (RFC 3550 §6.4: SR rather than RR). */
  sentSinceReport = false;

  constructor(
    private readonly clock: MediaClock,
    private readonly hooks: SenderHooks,
  ) {}

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  /** Starts the 20 ms schedule. Idempotent. */
  start(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = this.clock.now();
    this.nextFrame = 0;
    this.tick();
  }

  /** Stops for good (the session is closing); a stopped sender is not restarted. */
  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.startedAt = undefined;
    this.dtmfQueue.length = 0;
    this.dtmf = undefined;
  }

  /** The RTP timestamp that corresponds to now (the SR's RTP timestamp, RFC 3550 §6.4.1). */
  currentTimestamp(): number {
    if (this.startedAt === undefined) return this.timestampOrigin;
    return addTimestamp(this.timestampOrigin, Math.floor(((this.clock.now() - this.startedAt) * FRAME_SAMPLES) / FRAME_MS));
  }

  /** Queues one RFC 4733 event; the caller has checked that telephone-event was negotiated. */
  queueDtmf(event: number): void {
    this.dtmfQueue.push(event);
  }

  private tick(): void {
    if (this.startedAt === undefined) return;
    const due = Math.floor((this.clock.now() - this.startedAt) / FRAME_MS);
    if (due - this.nextFrame >= MAX_CATCH_UP) this.nextFrame = due - MAX_CATCH_UP + 1;
    for (; this.nextFrame <= due; this.nextFrame++) this.sendFrame(this.nextFrame);
    this.timer = this.clock.setTimeout(() => this.tick(), this.startedAt + this.nextFrame * FRAME_MS - this.clock.now());
  }

  private sendFrame(index: number): void {
    const timestamp = addTimestamp(this.timestampOrigin, index * FRAME_SAMPLES);
    if (!this.hooks.canSend()) {
      this.marker = true;
      return;
    }
    const te = this.hooks.telephoneEventType();
    if (!this.dtmf && te !== undefined && this.dtmfQueue.length > 0) {
      this.dtmf = { event: this.dtmfQueue.shift()!, timestamp, packets: 0 };
    }
    if (this.dtmf && te !== undefined) {
      this.sendDtmfPacket(this.dtmf, te);
      return;
    }
    const { payloadType, payload } = this.hooks.audioFrame();
    this.send(payloadType, timestamp, payload);
  }

  /** RFC 4733 §2.5.1: one timestamp for the whole event, duration growing each packet, E bit on the last three. */
  private sendDtmfPacket(dtmf: DtmfInProgress, payloadType: number): void {
    const first = dtmf.packets === 0;
    dtmf.packets++;
    const end = dtmf.packets > DTMF_UPDATES;
    const duration = Math.min(dtmf.packets, DTMF_UPDATES) * FRAME_SAMPLES;
    if (first) this.marker = true;
    this.send(payloadType, dtmf.timestamp, buildTelephoneEvent({ event: dtmf.event, end, volume: DTMF_VOLUME, duration }));
    if (dtmf.packets >= DTMF_UPDATES + DTMF_END_REPEATS) {
      this.dtmf = undefined;
      // The audio after an event starts a new talkspurt.
      this.marker = true;
    }
  }

  private send(payloadType: number, timestamp: number, payload: Uint8Array): void {
    const packet = buildRtp({ marker: this.marker, payloadType, sequence: this.sequence, timestamp, ssrc: this.ssrc, payload });
    this.marker = false;
    this.sequence = nextSequence(this.sequence);
    this.packetsSent++;
    this.octetsSent += payload.length;
    this.sentSinceReport = true;
    this.hooks.transmit(packet);
  }
}

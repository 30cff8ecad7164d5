/**
 * The media of one call: SDP offer/answer (RFC 3264) and one G.711 RTP/RTCP stream (RFC 3550) on a pair of UDP
 * sockets. It satisfies electron/sip's `SessionDescriptionHandler` structurally (this layer never imports the SIP
 * stack); the composition root hands it to the call usage.
 *
 * Until the audio issue lands the stream carries G.711 silence, or the frames of {@link MediaSession.setAudioSource}.
 * Symmetric RTP (RFC 4961 practice): we send to the address of the far end's SDP until valid RTP arrives from
 * elsewhere (a NAT, an SBC that rewrites ports), then to where it came from; RTCP likewise.
 */
import type { RemoteInfo } from 'node:dgram';
import type { CallQuality } from '../../shared/calls';
import type { G711Codec, MediaClock, MediaDirection, MediaLog, ReceivedDtmf, RtcpStats, SdpResult, SessionDescriptionOptions, SessionMediaStats } from './media-types';
import { CallAudio } from './call-audio';
import { estimateQuality } from './call-quality';
import { MediaError, type PortAllocator, type RtpSocketPair } from './port-allocator';
import { RtcpReporter } from './rtcp-reporter';
import { RtpReceiver, type AudioFrameListener } from './rtp-receiver';
import { FRAME_SAMPLES, RtpSender } from './rtp-sender';
import { dtmfEventCode } from './rtp-packet';
import { mayTransmit, offerDirection, sends } from './sdp-direction';
import { OFFERED_CODECS, OFFERED_TELEPHONE_EVENT, SdpOrigin, answerOffer, offerCrypto, readAnswer, reofferCrypto, writeOffer, type MediaSlot, type NegotiatedAudio, type OfferSrtp, type SrtpPolicy } from './sdp-offer-answer';
import { SrtpSession } from './srtp/srtp-context';

/** G.711 silence (RFC 3551 §4.5.14): μ-law 0xFF, A-law 0xD5 (zero level with even-bit inversion). */
const SILENCE: Record<G711Codec, Uint8Array> = {
  PCMU: new Uint8Array(FRAME_SAMPLES).fill(0xff),
  PCMA: new Uint8Array(FRAME_SAMPLES).fill(0xd5),
};

/** Supplies one encoded 20 ms frame in the negotiated codec, or undefined for silence. */
export type AudioSource = () => Uint8Array | undefined;

export interface MediaSessionOptions {
  /** The address of the SIP flow: bound for RTP and written in our c= line. */
  localAddress: string;
  clock: MediaClock;
  ports: PortAllocator;
  log?: MediaLog;
  /** For RTCP interval randomisation and the o= line; tests pin it. */
  random?: () => number;
  /**
   * SRTP (RFC 3711, SDES keys RFC 4568): `off` unless the signalling is TLS (the composition root decides from the
   * line's transport and its `srtp` setting).
   */
  srtp?: SrtpPolicy;
}

interface Target {
  address: string;
  port: number;
}

const sameTarget = (a: Target | undefined, b: Target): boolean => a?.address === b.address && a.port === b.port;

/** One call's SDP and RTP. */
export class MediaSession {
  /** The call's audio between RTP and the device (issue 10). */
  readonly callAudio: CallAudio;
  private readonly clock: MediaClock;
  private readonly log: MediaLog;
  private readonly origin: SdpOrigin;
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly reporter: RtcpReporter;
  private sockets: RtpSocketPair | undefined;
  private binding: Promise<RtpSocketPair> | undefined;
  private layout: MediaSlot[] = [{ kind: 'audio' }];
  private localDirection: MediaDirection = 'sendrecv';
  /** We hold the call: the microphone never goes out, only silence (see {@link audioFrame}). */
  private held = false;
  private remote: MediaDirection = 'sendrecv';
  private audio: NegotiatedAudio | undefined;
  private offerOutstanding = false;
  private rtpTarget: Target | undefined;
  private rtcpTarget: Target | undefined;
  private audioSource: AudioSource | undefined;
  private sendErrors = 0;
  private closed = false;
  private readonly srtpPolicy: SrtpPolicy;
  /** The crypto lines of our outstanding offer (readAnswer checks the answer against them). */
  private offerSrtp: OfferSrtp = { policy: 'off' };
  private srtp: SrtpSession | undefined;
  /** Packets that failed SRTP authentication or replay checks (RFC 3711 §3.3). */
  srtpFailures = 0;

  constructor(private readonly options: MediaSessionOptions) {
    this.clock = options.clock;
    this.log = options.log ?? (() => {});
    this.srtpPolicy = options.srtp ?? 'off';
    this.origin = new SdpOrigin(options.random);
    this.receiver = new RtpReceiver(this.log);
    this.callAudio = new CallAudio(this.clock);
    this.receiver.onAudioFrame((_payload, _type, packet) => {
      if (this.audio) this.callAudio.receive(packet, this.audio.codec, this.clock.now());
    });
    this.sender = new RtpSender(this.clock, {
      canSend: () => this.canSend(),
      audioFrame: () => this.audioFrame(),
      telephoneEventType: () => this.audio?.telephoneEvent?.payloadType,
      transmit: (packet) => this.transmit('rtp', packet),
    });
    this.reporter = new RtcpReporter(this.clock, this.sender, this.receiver, (packet, done) => this.transmit('rtcp', packet, done), options.random);
  }

  /** The direction of the far end's last SDP (c=0.0.0.0 read as hold). */
  get remoteDirection(): MediaDirection {
    return this.remote;
  }

  /** Our offer (RFC 3264 §5), initial or re-offer; binds the ports on first use. */
  async createOffer(options: SessionDescriptionOptions): Promise<SdpResult<string>> {
    const local = await this.localEndpoint();
    if (!local.ok) return local;
    const direction = offerDirection(options.hold, this.remote);
    const srtp = this.nextOfferSrtp();
    const sdp = this.origin.stamp((origin) => writeOffer(origin, local.value, this.layout, direction, srtp));
    this.offerSrtp = srtp;
    this.localDirection = direction;
    this.held = options.hold;
    this.offerOutstanding = true;
    if (!this.audio) {
      this.receiver.setPayloadTypes({ audio: new Set(OFFERED_CODECS.map((c) => c.payloadType)), telephoneEvent: new Set([OFFERED_TELEPHONE_EVENT]) });
    }
    return { ok: true, value: sdp };
  }

  /** Our answer to the far end's offer (RFC 3264 §6). */
  async createAnswer(remoteSdp: string, options: SessionDescriptionOptions): Promise<SdpResult<string>> {
    const local = await this.localEndpoint();
    if (!local.ok) return local;
    const outcome = answerOffer(remoteSdp, local.value, options.hold, { policy: this.srtpPolicy, ...(this.audio?.srtp && { current: this.audio.srtp }) });
    if (!outcome.ok) return outcome;
    const sdp = this.origin.stamp(outcome.value.render);
    this.layout = outcome.value.layout;
    this.localDirection = outcome.value.direction;
    this.held = options.hold;
    this.offerOutstanding = false;
    this.negotiated(outcome.value.audio);
    return { ok: true, value: sdp };
  }

  /** The far end's answer to our last offer (RFC 3264 §7), also a reliable 183's. */
  async applyAnswer(remoteSdp: string): Promise<SdpResult<void>> {
    if (this.closed) return { ok: false, reason: 'media session closed' };
    if (!this.offerOutstanding) return { ok: false, reason: 'no offer outstanding' };
    const result = readAnswer(remoteSdp, this.layout, this.offerSrtp);
    if (!result.ok) return result;
    this.negotiated(result.value);
    return { ok: true, value: undefined };
  }

  /** Starts sending (the call is answered). Idempotent. */
  start(): void {
    if (this.closed) return;
    this.sender.start();
    this.reporter.start();
  }

  /**
   * Queues one RFC 4733 event. False when telephone-event was not negotiated, the digit is not a DTMF symbol, or we
   * do not send (recvonly/inactive, closed): the caller falls back to SIP INFO.
   */
  sendDtmf(digit: string): boolean {
    const event = dtmfEventCode(digit);
    if (this.closed || event === undefined || !this.audio?.telephoneEvent || !sends(this.localDirection)) return false;
    this.sender.queueDtmf(event);
    return true;
  }

  stats(): SessionMediaStats {
    const quality = this.quality();
    return {
      ...(this.audio && { codec: this.audio.codec }),
      packetsSent: this.sender.packetsSent,
      packetsReceived: this.receiver.packetsReceived,
      telephoneEvent: this.audio?.telephoneEvent !== undefined,
      ...(this.srtp && { srtp: true }),
      ...(quality && { quality }),
    };
  }

  rtcpStats(): RtcpStats {
    const source = this.receiver.source;
    return {
      packetsSent: this.sender.packetsSent,
      octetsSent: this.sender.octetsSent,
      packetsReceived: this.receiver.packetsReceived,
      octetsReceived: this.receiver.octetsReceived,
      invalidPackets: this.receiver.invalidPackets,
      packetsLost: source?.cumulativeLost ?? 0,
      fractionLost: source?.fractionLost ?? 0,
      jitterMs: source?.jitterMs ?? 0,
      rtcpSent: this.reporter.rtcpSent,
      rtcpReceived: this.reporter.rtcpReceived,
      ...(this.reporter.remote && { remote: this.reporter.remote }),
      remoteBye: this.reporter.remoteBye,
    };
  }

  /** How the call sounds: reception figures, the far end's RTCP view and the jitter buffer, rated (call-quality.ts). */
  quality(): CallQuality | undefined {
    const source = this.receiver.source;
    const jitter = this.callAudio.stats().jitter;
    if (!source || !jitter) return undefined;
    const remote = this.reporter.remote;
    const expected = source.expected;
    const lossPercent = expected > 0 ? (100 * Math.max(0, source.cumulativeLost)) / expected : 0;
    const played = jitter.playedFrames + jitter.concealedFrames;
    const concealedPercent = played > 0 ? (100 * jitter.concealedFrames) / played : 0;
    // Without a round trip yet, assume a LAN's few ms each way.
    const oneWay = (remote?.roundTripMs ?? 10) / 2 + jitter.delayMs + 20;
    const recentLoss = Math.max(source.fractionLost, remote?.fractionLost ?? 0);
    const { mos, rating } = estimateQuality({ recentLoss, oneWayDelayMs: oneWay });
    const round = (n: number): number => Math.round(n * 10) / 10;
    return {
      rating,
      mos,
      lossPercent: round(lossPercent),
      jitterMs: round(source.jitterMs),
      jitterBufferMs: Math.round(jitter.delayMs),
      concealedPercent: round(concealedPercent),
      ...(remote?.roundTripMs !== undefined && { roundTripMs: Math.round(remote.roundTripMs) }),
      ...(remote && { remoteLossPercent: round(remote.fractionLost * 100), remoteJitterMs: round(remote.jitterMs) }),
    };
  }

  /** Received audio payloads in the negotiated codec, one per RTP packet; returns an unsubscribe function. */
  onAudioFrame(listener: AudioFrameListener): () => void {
    return this.receiver.onAudioFrame(listener);
  }

  /** Received RFC 4733 events; returns an unsubscribe function. */
  onDtmf(listener: (event: ReceivedDtmf) => void): () => void {
    return this.receiver.onDtmf(listener);
  }

  /** Frames that replace silence: each call returns one 20 ms payload in the codec of `stats().codec`. */
  setAudioSource(source: AudioSource | undefined): void {
    this.audioSource = source;
  }

  /** The local RTP port, once bound (diagnostics, tests). */
  get localRtpPort(): number | undefined {
    return this.sockets?.rtpPort;
  }

  /** Sends RTCP BYE (RFC 3550 §6.6), stops the timers and frees the ports. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sender.stop();
    const sockets = this.sockets;
    if (!sockets) return; // A bind still running releases its pair when it completes.
    if (this.rtcpTarget) this.reporter.sendBye(() => sockets.release());
    else {
      this.reporter.stop();
      sockets.release();
    }
  }

  private async localEndpoint(): Promise<SdpResult<{ address: string; rtpPort: number }>> {
    const address = this.options.localAddress;
    // RFC 3264 §8.4: 0.0.0.0 in c= means hold to old peers; we never write it.
    if (address === '0.0.0.0' || address === '') return { ok: false, reason: 'no usable local address for media' };
    if (this.closed) return { ok: false, reason: 'media session closed' };
    try {
      const sockets = await this.bind();
      return { ok: true, value: { address, rtpPort: sockets.rtpPort } };
    } catch (error) {
      if (error instanceof MediaError) return { ok: false, reason: error.message };
      throw error;
    }
  }

  private async bind(): Promise<RtpSocketPair> {
    if (this.sockets) return this.sockets;
    this.binding ??= this.options.ports.allocate(this.options.localAddress);
    let sockets: RtpSocketPair;
    try {
      sockets = await this.binding;
    } catch (error) {
      // A later offer/answer may find a pair freed by then.
      this.binding = undefined;
      throw error;
    }
    if (this.closed) {
      sockets.release();
      throw new MediaError('media session closed');
    }
    if (!this.sockets) {
      this.sockets = sockets;
      sockets.rtp.on('message', (data, from) => this.guard('rtp', () => this.onRtp(data, from)));
      sockets.rtcp.on('message', (data, from) => this.guard('rtcp', () => this.onRtcp(data, from)));
    }
    return sockets;
  }

  /**
   * The SRTP part of our next offer: the first offer under the policy; a re-offer on an SRTP session repeats the
   * accepted line with our same key (RFC 4568 §7.1.4, so the sending context and its ROC carry on); a session that
   * fell back to plain RTP under `offer` stays plain (the far end said no once).
   */
  private nextOfferSrtp(): OfferSrtp {
    if (this.srtpPolicy === 'off') return { policy: 'off' };
    if (this.audio?.srtp) return { policy: this.srtpPolicy, crypto: reofferCrypto(this.audio.srtp) };
    if (this.audio) return this.srtpPolicy === 'require' ? { policy: 'require', crypto: offerCrypto() } : { policy: 'off' };
    return { policy: this.srtpPolicy, crypto: offerCrypto() };
  }

  private negotiated(audio: NegotiatedAudio): void {
    const previous = this.audio;
    this.audio = audio;
    if (audio.srtp) {
      if (this.srtp) this.srtp.update(audio.srtp);
      else this.srtp = new SrtpSession(audio.srtp);
    } else this.srtp = undefined;
    this.offerOutstanding = false;
    this.remote = audio.remoteDirection;
    // A new address in the SDP (re-INVITE after a transfer, a moved SBC) overrides what we latched on.
    const rtp = { address: audio.remoteAddress, port: audio.remotePort };
    if (!previous || previous.remoteAddress !== audio.remoteAddress || previous.remotePort !== audio.remotePort) this.rtpTarget = rtp;
    const rtcp = { address: audio.remoteRtcpAddress, port: audio.remoteRtcpPort };
    if (!previous || previous.remoteRtcpAddress !== rtcp.address || previous.remoteRtcpPort !== rtcp.port) this.rtcpTarget = rtcp;
    const te = audio.telephoneEvent;
    this.receiver.setPayloadTypes({
      audio: new Set([audio.payloadType, audio.localPayloadType]),
      telephoneEvent: new Set(te ? [te.payloadType, te.localPayloadType] : []),
    });
  }

  private canSend(): boolean {
    const target = this.rtpTarget;
    return !this.closed && this.audio !== undefined && target !== undefined && target.port !== 0 && target.address !== '0.0.0.0' && mayTransmit(this.localDirection, this.remote);
  }

  private audioFrame(): { payloadType: number; payload: Uint8Array } {
    const audio = this.audio!;
    let payload: Uint8Array | undefined;
    try {
      payload = this.audioSource ? this.audioSource() : this.callAudio.nextPayload(audio.codec);
    } catch (error) {
      this.log(`media: audio source failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // RFC 3264 §8.4 lets a holder send; we send silence, never the room the receptionist is in, and keep RTP
    // flowing so a PBX with an RTP timeout does not end the held call.
    if (this.held) return { payloadType: audio.payloadType, payload: SILENCE[audio.codec] };
    return { payloadType: audio.payloadType, payload: payload && payload.length > 0 ? payload : SILENCE[audio.codec] };
  }

  /** SRTP unprotect (RFC 3711 §3.3) when the session is secured; undefined for a packet that fails. */
  private unprotect(kind: 'rtp' | 'rtcp', data: Buffer): Buffer | undefined {
    if (!this.srtp) return data;
    const result = kind === 'rtp' ? this.srtp.unprotectRtp(data) : this.srtp.unprotectRtcp(data);
    if (result.ok) return result.packet;
    this.srtpFailures++;
    // First and then every thousandth: forged or stale packets may come fifty a second.
    if (this.srtpFailures % 1000 === 1) this.log(`media: SRTP ${kind} packet refused (${result.reason}, ${this.srtpFailures}x)`);
    return undefined;
  }

  private onRtp(raw: Buffer, from: RemoteInfo): void {
    const data = this.unprotect('rtp', raw);
    if (!data) return;
    const packet = this.receiver.receive(data, this.clock.now());
    const source = { address: from.address, port: from.port };
    if (packet && this.audio && !sameTarget(this.rtpTarget, source)) {
      this.log(`media: RTP latched to ${source.address}:${source.port} (SDP said ${this.rtpTarget?.address}:${this.rtpTarget?.port})`);
      this.rtpTarget = source;
    }
  }

  private onRtcp(raw: Buffer, from: RemoteInfo): void {
    const data = this.unprotect('rtcp', raw);
    if (!data) return;
    const source = { address: from.address, port: from.port };
    if (this.reporter.receive(data) && this.audio && !sameTarget(this.rtcpTarget, source)) this.rtcpTarget = source;
  }

  private transmit(kind: 'rtp' | 'rtcp', clear: Buffer, done?: () => void): void {
    const packet = !this.srtp ? clear : kind === 'rtp' ? this.srtp.protectRtp(clear) : this.srtp.protectRtcp(clear);
    const target = kind === 'rtp' ? this.rtpTarget : this.rtcpTarget;
    const socket = kind === 'rtp' ? this.sockets?.rtp : this.sockets?.rtcp;
    if (!target || !socket) {
      done?.();
      return;
    }
    const failed = (error: Error): void => {
      this.sendErrors++;
      // First failure and then every hundredth: a dead route must not flood the log at 50 packets a second.
      if (this.sendErrors % 100 === 1) this.log(`media: ${kind} send to ${target.address}:${target.port} failed (${this.sendErrors}x): ${error.message}`);
    };
    try {
      socket.send(packet, target.port, target.address, (error) => {
        if (error) failed(error);
        done?.();
      });
    } catch (error) {
      failed(error instanceof Error ? error : new Error(String(error)));
      done?.();
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log(`media: ${what} handler failed (a bug): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
}

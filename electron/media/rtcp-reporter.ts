/**
 * RTCP of one session (RFC 3550 §6): a compound SR (we sent since the last report) or RR, with SDES CNAME, about every
 * 5 s randomised over [0.5, 1.5] × 5 s (§6.3.1, fixed minimum interval of §6.2); BYE on close (§6.6). Incoming
 * reports update LSR/DLSR for our next report and the far end's view of our stream (loss, jitter, round trip).
 */
import { randomBytes } from 'node:crypto';
import type { MediaClock, MediaTimerHandle, RtcpStats } from './media-types';
import type { RtpReceiver } from './rtp-receiver';
import type { RtpSender } from './rtp-sender';
import { buildRtcp, ntpMiddle, parseRtcp, toNtp, type ReportBlock, type RtcpPacket } from './rtcp-packet';

/** RFC 3550 §6.2 minimum report interval, the nominal interval for a two-party session. */
export const RTCP_INTERVAL_MS = 5000;

/** Builds, schedules and reads RTCP for one RTP session. */
export class RtcpReporter {
  rtcpSent = 0;
  rtcpReceived = 0;
  remoteBye = false;
  remote: RtcpStats['remote'];
  /** RFC 7022: a random CNAME per session, so it tells nothing about the host. */
  private readonly cname = `${randomBytes(12).toString('base64url')}@attendant-console`;
  private timer: MediaTimerHandle | undefined;

  constructor(
    private readonly clock: MediaClock,
    private readonly sender: RtpSender,
    private readonly receiver: RtpReceiver,
    private readonly transmit: (packet: Buffer, done?: () => void) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts periodic reports. Idempotent. */
  start(): void {
    if (this.timer) return;
    this.schedule();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const interval = RTCP_INTERVAL_MS * (0.5 + this.random());
    this.timer = this.clock.setTimeout(() => {
      this.transmit(this.compound(false));
      this.schedule();
    }, interval);
  }

  /** Sends the final compound with BYE; `done` runs once it left (or failed), so the socket can close after it. */
  sendBye(done: () => void): void {
    this.stop();
    this.transmit(this.compound(true), done);
  }

  /** One compound packet: SR or RR, SDES CNAME, and BYE when leaving (§6.1). */
  compound(bye: boolean): Buffer {
    const now = this.clock.now();
    const reports = this.receiver.source ? [this.receiver.source.reportBlock(now)] : [];
    const ssrc = this.sender.ssrc;
    const packets: RtcpPacket[] = [];
    if (this.sender.sentSinceReport) {
      const ntp = toNtp(this.clock.wallNow());
      packets.push({
        type: 'sr',
        ssrc,
        ntpSeconds: ntp.seconds,
        ntpFraction: ntp.fraction,
        rtpTimestamp: this.sender.currentTimestamp(),
        packetCount: this.sender.packetsSent,
        octetCount: this.sender.octetsSent,
        reports,
      });
    } else {
      packets.push({ type: 'rr', ssrc, reports });
    }
    this.sender.sentSinceReport = false;
    packets.push({ type: 'sdes', ssrc, cname: this.cname });
    if (bye) packets.push({ type: 'bye', ssrcs: [ssrc] });
    this.rtcpSent++;
    return buildRtcp(packets);
  }

  /** Reads one incoming compound packet; false when it held no RTCP we understand. */
  receive(data: Uint8Array): boolean {
    const packets = parseRtcp(data);
    if (packets.length === 0) return false;
    this.rtcpReceived++;
    for (const packet of packets) {
      if (packet.type === 'bye') this.remoteBye = true;
      if (packet.type === 'sr' && this.receiver.source?.ssrc === packet.ssrc) {
        this.receiver.source.senderReport(ntpMiddle({ seconds: packet.ntpSeconds, fraction: packet.ntpFraction }), this.clock.now());
      }
      if (packet.type === 'sr' || packet.type === 'rr') {
        const block = packet.reports.find((r) => r.ssrc === this.sender.ssrc);
        if (block) this.remote = this.remoteView(block);
      }
    }
    return true;
  }

  private remoteView(block: ReportBlock): NonNullable<RtcpStats['remote']> {
    // §6.4.1: round trip = A - LSR - DLSR, all in 1/65536 s; only meaningful once the far end has seen our SR.
    let roundTripMs: number | undefined;
    if (block.lastSr !== 0) {
      const arrival = ntpMiddle(toNtp(this.clock.wallNow()));
      const units = (arrival - block.lastSr - block.delaySinceLastSr) >>> 0;
      if (units < 0x8000_0000) roundTripMs = (units * 1000) / 65536;
    }
    return {
      fractionLost: block.fractionLost / 256,
      packetsLost: block.cumulativeLost,
      jitterMs: block.jitter / 8,
      ...(roundTripMs !== undefined && { roundTripMs }),
    };
  }
}

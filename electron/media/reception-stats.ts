/**
 * Receiver-side statistics of one RTP source (RFC 3550 Appendix A): sequence tracking with wrap-around (§A.1),
 * loss for reception reports (§A.3), interarrival jitter (§6.4.1, §A.8) and the LSR/DLSR of the last SR.
 */
import type { ReportBlock } from './rtcp-packet';

const SEQ_MOD = 0x10000;
/** §A.1: a jump larger than this is a restart of the source, not loss. */
const MAX_DROPOUT = 3000;
/** §A.1: a packet this far behind is a late or duplicate packet. */
const MAX_MISORDER = 100;

/** Reception state for the far end's SSRC; reset when that SSRC changes. */
export class ReceptionStats {
  private baseSeq = 0;
  private maxSeq = 0;
  private badSeq = SEQ_MOD + 1;
  private cycles = 0;
  private received = 0;
  private receivedPrior = 0;
  private expectedPrior = 0;
  private transit: number | undefined;
  /** §A.8 jitter, in timestamp units, as a float (the report carries it truncated). */
  private jitterUnits = 0;
  private lastFraction = 0;
  private lastSr: { middle: number; arrivedMs: number } | undefined;

  /**
   * @param ssrc the source these figures describe
   * @param firstSequence sequence number of the first packet (§A.1 init_seq)
   * @param clockRate RTP timestamp rate (8000 for G.711 and telephone-event)
   */
  constructor(
    readonly ssrc: number,
    firstSequence: number,
    private readonly clockRate = 8000,
  ) {
    this.initSequence(firstSequence);
  }

  private initSequence(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /**
   * Records one packet (§A.1 update_seq without the probation of a new source: the SDP already told us to expect
   * it). The constructor does not count the first packet: call this for it too. False only for the first packet of a
   * suspected restart, which is not counted.
   */
  update(seq: number, timestamp: number, arrivalMs: number): boolean {
    const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    if (delta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
    } else if (delta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: accept it only when the next packet follows on (the sender restarted).
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
      this.initSequence(seq);
      this.transit = undefined;
    }
    // Otherwise a duplicate or reordered packet: counted, as in §A.1, which is why cumulative loss can go negative.
    this.received++;
    this.updateJitter(timestamp, arrivalMs);
    return true;
  }

  /** §A.8: J += (|D| - J) / 16 with D the change in relative transit time, both in timestamp units. */
  private updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.transit !== undefined) {
      let d = Math.abs(transit - this.transit);
      // The timestamp wrapped between the two packets.
      if (d > 0x8000_0000) d = Math.abs(d - 0x1_0000_0000);
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.transit = transit;
  }

  /** Records an SR from this source for LSR/DLSR (§6.4.1). */
  senderReport(ntpMiddle: number, arrivedMs: number): void {
    this.lastSr = { middle: ntpMiddle, arrivedMs };
  }

  get extendedHighestSequence(): number {
    return (this.cycles + this.maxSeq) >>> 0;
  }

  get expected(): number {
    return this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** §A.3 cumulative lost (negative with duplicates). */
  get cumulativeLost(): number {
    return this.expected - this.received;
  }

  get jitter(): number {
    return this.jitterUnits;
  }

  get jitterMs(): number {
    return (this.jitterUnits * 1000) / this.clockRate;
  }

  /** Fraction lost in the interval ending at the last report, 0..1. */
  get fractionLost(): number {
    return this.lastFraction / 256;
  }

  /** A report block for an SR/RR sent now; closes the §A.3 interval. */
  reportBlock(nowMs: number): ReportBlock {
    const expectedInterval = this.expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = this.expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    this.lastFraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: this.lastFraction,
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.extendedHighestSequence,
      jitter: Math.floor(this.jitterUnits),
      lastSr: this.lastSr?.middle ?? 0,
      delaySinceLastSr: this.lastSr ? Math.floor(((nowMs - this.lastSr.arrivedMs) * 65536) / 1000) : 0,
    };
  }
}

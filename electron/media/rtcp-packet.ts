/**
 * RTCP packets (RFC 3550 §6.4-6.6): SR, RR, SDES CNAME and BYE, built into compound packets (§6.1) and parsed from
 * them. Parsing never throws: a malformed compound packet yields the packets before the fault, or none.
 */

/** A reception report block (RFC 3550 §6.4.1). */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, as the 8-bit fixed point value (0-255). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from `ssrc`, 0 when none. */
  lastSr: number;
  /** Delay since that SR in units of 1/65536 s, 0 when none. */
  delaySinceLastSr: number;
}

/** A sender report (PT 200, §6.4.1). */
export interface SenderReport {
  type: 'sr';
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

/** A receiver report (PT 201, §6.4.2). */
export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

/** Source description with the CNAME item only (PT 202, §6.5); other items are skipped when parsing. */
export interface SourceDescription {
  type: 'sdes';
  ssrc: number;
  cname?: string;
}

/** Goodbye (PT 203, §6.6). */
export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
}

/** One packet of a compound RTCP packet. */
export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye;

const SR = 200;
const RR = 201;
const SDES = 202;
const BYE = 203;
const CNAME = 1;

function header(out: DataView, offset: number, count: number, type: number, byteLength: number): void {
  out.setUint8(offset, 0x80 | (count & 0x1f));
  out.setUint8(offset + 1, type);
  // §6.4.1: length in 32-bit words minus one, header included.
  out.setUint16(offset + 2, byteLength / 4 - 1);
}

function writeBlock(out: DataView, offset: number, block: ReportBlock): void {
  out.setUint32(offset, block.ssrc >>> 0);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost)) & 0xffffff;
  out.setUint32(offset + 4, (((block.fractionLost & 0xff) << 24) | lost) >>> 0);
  out.setUint32(offset + 8, block.extendedHighestSequence >>> 0);
  out.setUint32(offset + 12, block.jitter >>> 0);
  out.setUint32(offset + 16, block.lastSr >>> 0);
  out.setUint32(offset + 20, block.delaySinceLastSr >>> 0);
}

function readBlock(view: DataView, offset: number): ReportBlock {
  const word = view.getUint32(offset + 4);
  const lost = word & 0xffffff;
  return {
    ssrc: view.getUint32(offset),
    fractionLost: word >>> 24,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    extendedHighestSequence: view.getUint32(offset + 8),
    jitter: view.getUint32(offset + 12),
    lastSr: view.getUint32(offset + 16),
    delaySinceLastSr: view.getUint32(offset + 20),
  };
}

function sizeOf(packet: RtcpPacket): number {
  switch (packet.type) {
    case 'sr':
      return 28 + 24 * packet.reports.length;
    case 'rr':
      return 8 + 24 * packet.reports.length;
    case 'sdes': {
      // SSRC, CNAME item (type, length, text), at least one null octet, padded to a 32-bit boundary (§6.5).
      const itemBytes = 2 + Buffer.byteLength(packet.cname ?? '');
      return 4 + Math.ceil((4 + itemBytes + 1) / 4) * 4;
    }
    case 'bye':
      return 4 + 4 * packet.ssrcs.length;
  }
}

/** Serialises `packets` back to back as one compound packet (RFC 3550 §6.1: SR or RR first, then SDES). */
export function buildRtcp(packets: readonly RtcpPacket[]): Buffer {
  const out = Buffer.alloc(packets.reduce((sum, p) => sum + sizeOf(p), 0));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  for (const packet of packets) {
    const size = sizeOf(packet);
    switch (packet.type) {
      case 'sr':
        header(view, offset, packet.reports.length, SR, size);
        view.setUint32(offset + 4, packet.ssrc >>> 0);
        view.setUint32(offset + 8, packet.ntpSeconds >>> 0);
        view.setUint32(offset + 12, packet.ntpFraction >>> 0);
        view.setUint32(offset + 16, packet.rtpTimestamp >>> 0);
        view.setUint32(offset + 20, packet.packetCount >>> 0);
        view.setUint32(offset + 24, packet.octetCount >>> 0);
        packet.reports.forEach((block, i) => writeBlock(view, offset + 28 + 24 * i, block));
        break;
      case 'rr':
        header(view, offset, packet.reports.length, RR, size);
        view.setUint32(offset + 4, packet.ssrc >>> 0);
        packet.reports.forEach((block, i) => writeBlock(view, offset + 8 + 24 * i, block));
        break;
      case 'sdes': {
        header(view, offset, 1, SDES, size);
        view.setUint32(offset + 4, packet.ssrc >>> 0);
        const text = Buffer.from(packet.cname ?? '');
        view.setUint8(offset + 8, CNAME);
        view.setUint8(offset + 9, Math.min(255, text.length));
        out.set(text.subarray(0, 255), offset + 10);
        break;
      }
      case 'bye':
        header(view, offset, packet.ssrcs.length, BYE, size);
        packet.ssrcs.forEach((ssrc, i) => view.setUint32(offset + 4 + 4 * i, ssrc >>> 0));
        break;
    }
    offset += size;
  }
  return out;
}

function parseSdes(view: DataView, start: number, end: number, count: number): SourceDescription | undefined {
  if (count < 1 || start + 4 > end) return undefined;
  const ssrc = view.getUint32(start);
  let offset = start + 4;
  while (offset < end) {
    const type = view.getUint8(offset);
    if (type === 0) break;
    if (offset + 2 > end) return undefined;
    const length = view.getUint8(offset + 1);
    if (offset + 2 + length > end) return undefined;
    if (type === CNAME) {
      const bytes = new Uint8Array(view.buffer, view.byteOffset + offset + 2, length);
      return { type: 'sdes', ssrc, cname: Buffer.from(bytes).toString('utf8') };
    }
    offset += 2 + length;
  }
  return { type: 'sdes', ssrc };
}

/**
 * Parses a compound RTCP packet. Each packet must have version 2 and a length that fits; parsing stops at the first
 * that does not. Unknown packet types (APP, XR, feedback) are skipped.
 */
export function parseRtcp(data: Uint8Array): RtcpPacket[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset + 4 <= data.length) {
    const b0 = view.getUint8(offset);
    if (b0 >> 6 !== 2) break;
    const count = b0 & 0x1f;
    const type = view.getUint8(offset + 1);
    const end = offset + (view.getUint16(offset + 2) + 1) * 4;
    if (end > data.length) break;
    if (type === SR && offset + 28 + 24 * count <= end) {
      const reports = Array.from({ length: count }, (_, i) => readBlock(view, offset + 28 + 24 * i));
      packets.push({
        type: 'sr',
        ssrc: view.getUint32(offset + 4),
        ntpSeconds: view.getUint32(offset + 8),
        ntpFraction: view.getUint32(offset + 12),
        rtpTimestamp: view.getUint32(offset + 16),
        packetCount: view.getUint32(offset + 20),
        octetCount: view.getUint32(offset + 24),
        reports,
      });
    } else if (type === RR && offset + 8 + 24 * count <= end) {
      const reports = Array.from({ length: count }, (_, i) => readBlock(view, offset + 8 + 24 * i));
      packets.push({ type: 'rr', ssrc: view.getUint32(offset + 4), reports });
    } else if (type === SDES) {
      const sdes = parseSdes(view, offset + 4, end, count);
      if (sdes) packets.push(sdes);
    } else if (type === BYE && offset + 4 + 4 * count <= end) {
      packets.push({ type: 'bye', ssrcs: Array.from({ length: count }, (_, i) => view.getUint32(offset + 4 + 4 * i)) });
    }
    offset = end;
  }
  return packets;
}

const NTP_EPOCH_OFFSET = 2_208_988_800;

/** Wall-clock milliseconds as the 64-bit NTP timestamp of RFC 3550 §4 (seconds since 1900 plus a 2^-32 fraction). */
export function toNtp(wallMs: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(wallMs / 1000);
  const fraction = Math.floor(((wallMs - seconds * 1000) / 1000) * 0x1_0000_0000);
  return { seconds: (seconds + NTP_EPOCH_OFFSET) >>> 0, fraction: fraction >>> 0 };
}

/** The middle 32 bits of an NTP timestamp (the LSR field, §6.4.1). */
export function ntpMiddle(ntp: { seconds: number; fraction: number }): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/**
 * SRTP and SRTCP (RFC 3711) for the AES_CM_128_HMAC_SHA1_80 and _32 suites (RFC 4568 §6.2), keyed by SDES. One
 * {@link SrtpSession} holds both directions of a call: our master key protects what we send, the far end's
 * unprotects what we receive. Per-SSRC state (ROC, replay window, SRTCP index) is kept for every source the keys
 * cover: with SDES the keys belong to the media line, not to one SSRC (RFC 4568 §6.4), and a PBX may switch SSRC
 * mid-call (transfer, music on hold).
 *
 * Unprotecting never throws: bytes from the network give an {@link SrtpResult} with a reason. Protecting takes our
 * own packets, so a packet that is not RTP/RTCP at all is a bug and throws a RangeError.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AesCm, deriveSessionKeys, type SrtpMasterKey } from './aes-cm';
import { ReplayWindow, estimateRtpIndex } from './replay-window';

export type { SrtpMasterKey } from './aes-cm';

/** The crypto suites we speak, in the order we prefer them (RFC 4568 §6.2.1, §6.2.2). */
export const SRTP_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;

/** One of {@link SRTP_SUITES}. */
export type SrtpSuite = (typeof SRTP_SUITES)[number];

/** Whether `name` (as written in SDP, case-sensitive) is a suite we support. */
export function isSrtpSuite(name: string): name is SrtpSuite {
  return (SRTP_SUITES as readonly string[]).includes(name);
}

/** Authentication tag lengths in bytes: _32 shortens only the SRTP tag, SRTCP keeps 80 bits (RFC 4568 §6.2.2). */
const TAG_LENGTH: Record<SrtpSuite, { rtp: number; rtcp: number }> = {
  AES_CM_128_HMAC_SHA1_80: { rtp: 10, rtcp: 10 },
  AES_CM_128_HMAC_SHA1_32: { rtp: 4, rtcp: 10 },
};

/** Keys of one {@link SrtpSession}: the suite and the master key of each direction. */
export interface SrtpSessionOptions {
  suite: SrtpSuite;
  /** Our master key and salt: protects what we send. */
  local: SrtpMasterKey;
  /** The far end's: unprotects what we receive. */
  remote: SrtpMasterKey;
}

/** Why an incoming packet was dropped. */
export type SrtpRejection =
  /** Shorter than a header plus the authentication tag (and the SRTCP index). */
  | 'too-short'
  /** Not version 2, or a CSRC list/header extension that overruns the packet. */
  | 'malformed'
  /** The tag does not match: wrong key, tampering, or not SRTP at all. */
  | 'auth-failed'
  /** This index was already accepted (RFC 3711 §3.3.2). */
  | 'replayed'
  /** Older than the replay window, so it cannot be told from a replay (§3.3.2). */
  | 'too-old';

/** Result of unprotecting: the plain RTP/RTCP packet, or why it was dropped. */
export type SrtpResult = { ok: true; packet: Buffer } | { ok: false; reason: SrtpRejection };

/** RFC 3711 §3.3.1: the RTP index is ROC·2^16 + SEQ. */
const SEQ_SPAN = 0x1_0000;
/** SRTCP index modulus (§3.4: 31 bits) and the E flag above it. */
const SRTCP_INDEX_SPAN = 0x8000_0000;
const E_FLAG = 0x8000_0000;
/** A call sees one or two SSRCs each way; the cap only bounds memory if a peer keeps changing it. */
const MAX_STREAMS = 16;
const RTP_HEADER = 12;
/** SRTCP leaves the first RTCP header and SSRC in the clear (§3.4). */
const RTCP_CLEAR = 8;
/** The window of a stream not seen yet: everything is new. Never updated (a real window is created on acceptance). */
const FRESH = new ReplayWindow();

/** Session keys and per-SSRC state of one direction. */
interface Direction {
  master: SrtpMasterKey;
  rtpCipher: AesCm;
  rtpAuth: Buffer;
  rtcpCipher: AesCm;
  rtcpAuth: Buffer;
}

function direction(master: SrtpMasterKey): Direction {
  const rtp = deriveSessionKeys(master, 'rtp');
  const rtcp = deriveSessionKeys(master, 'rtcp');
  return {
    master: { key: Uint8Array.from(master.key), salt: Uint8Array.from(master.salt) },
    rtpCipher: new AesCm(rtp.encryption, rtp.salt),
    rtpAuth: rtp.authentication,
    rtcpCipher: new AesCm(rtcp.encryption, rtcp.salt),
    rtcpAuth: rtcp.authentication,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);
const sameMaster = (a: SrtpMasterKey, b: SrtpMasterKey): boolean => sameBytes(a.key, b.key) && sameBytes(a.salt, b.salt);

/** Stores `value` under `ssrc`, dropping the oldest stream when the map is full. */
function remember<T>(map: Map<number, T>, ssrc: number, value: T): T {
  if (!map.has(ssrc) && map.size >= MAX_STREAMS) map.delete(map.keys().next().value!);
  map.set(ssrc, value);
  return value;
}

const u32 = (data: Uint8Array, at: number): number => ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;

/**
 * Length of the RTP header with CSRCs and header extension (RFC 3550 §5.1, §5.3.1): SRTP encrypts only what follows
 * (RFC 3711 §3.1). Undefined when it does not fit in the first `length` bytes.
 */
function rtpHeaderLength(packet: Uint8Array, length: number): number | undefined {
  const b0 = packet[0]!;
  let offset = RTP_HEADER + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (offset + 4 > length) return undefined;
    offset += 4 + ((packet[offset + 2]! << 8) | packet[offset + 3]!) * 4;
  }
  return offset <= length ? offset : undefined;
}

/** SRTP/SRTCP protection of one call's media line, both directions. */
export class SrtpSession {
  private suite: SrtpSuite;
  private tx: Direction;
  private rx: Direction;
  /** Highest RTP index sent per SSRC: our ROC is its upper 32 bits (§3.3.1). */
  private readonly txRtp = new Map<number, number>();
  /** Next SRTCP index per SSRC (§3.4: starts at 0, one up per packet). */
  private readonly txRtcp = new Map<number, number>();
  private readonly rxRtp = new Map<number, ReplayWindow>();
  private readonly rxRtcp = new Map<number, ReplayWindow>();
  private readonly roc = Buffer.alloc(4);

  constructor(options: SrtpSessionOptions) {
    this.suite = options.suite;
    this.tx = direction(options.local);
    this.rx = direction(options.remote);
  }

  /**
   * Takes the keys of a new offer/answer exchange. A direction whose suite and master key are unchanged keeps its
   * cryptographic context (ROC, replay window, SRTCP index: RFC 4568 §7.1.4 lets a re-offer keep its keys, and
   * restarting the ROC under the same key would reuse keystream); a changed one starts afresh.
   */
  update(options: SrtpSessionOptions): void {
    const sameSuite = options.suite === this.suite;
    this.suite = options.suite;
    if (!sameSuite || !sameMaster(this.tx.master, options.local)) {
      this.tx = direction(options.local);
      this.txRtp.clear();
      this.txRtcp.clear();
    }
    if (!sameSuite || !sameMaster(this.rx.master, options.remote)) {
      this.rx = direction(options.remote);
      this.rxRtp.clear();
      this.rxRtcp.clear();
    }
  }

  /** SRTP packet for an RTP packet we send (§3.3): payload encrypted, tag over header, payload and ROC appended. */
  protectRtp(packet: Uint8Array): Buffer {
    const length = packet.length;
    const headerLength = length >= RTP_HEADER && packet[0]! >> 6 === 2 ? rtpHeaderLength(packet, length) : undefined;
    if (headerLength === undefined) throw new RangeError('protectRtp: not an RTP packet');
    const seq = (packet[2]! << 8) | packet[3]!;
    const ssrc = u32(packet, 8);
    const highest = this.txRtp.get(ssrc);
    // Below 0 only for a packet from before the first one sent under these keys; ROC 0 is the only choice left.
    const index = Math.max(estimateRtpIndex(highest, seq), seq);
    if (highest === undefined || index > highest) remember(this.txRtp, ssrc, index);
    const roc = Math.floor(index / SEQ_SPAN);
    const tagLength = TAG_LENGTH[this.suite].rtp;
    const out = Buffer.allocUnsafe(length + tagLength);
    out.set(packet.subarray(0, headerLength));
    this.tx.rtpCipher.xor(ssrc, roc, seq, packet, headerLength, out, headerLength, length - headerLength);
    this.sign(this.tx.rtpAuth, out, length, roc).copy(out, length, 0, tagLength);
    return out;
  }

  /** The RTP packet inside an SRTP packet we received (§3.3): authenticated, replay-checked, decrypted. */
  unprotectRtp(packet: Uint8Array): SrtpResult {
    const tagLength = TAG_LENGTH[this.suite].rtp;
    const length = packet.length - tagLength;
    if (length < RTP_HEADER) return { ok: false, reason: 'too-short' };
    const headerLength = packet[0]! >> 6 === 2 ? rtpHeaderLength(packet, length) : undefined;
    if (headerLength === undefined) return { ok: false, reason: 'malformed' };
    const seq = (packet[2]! << 8) | packet[3]!;
    const ssrc = u32(packet, 8);
    const window = this.rxRtp.get(ssrc);
    const index = estimateRtpIndex(window?.highest, seq);
    const verdict = (window ?? FRESH).check(index);
    if (verdict !== 'new') return { ok: false, reason: verdict };
    const roc = Math.floor(index / SEQ_SPAN);
    if (!this.verify(this.rx.rtpAuth, packet, length, roc, tagLength)) return { ok: false, reason: 'auth-failed' };
    const out = Buffer.allocUnsafe(length);
    out.set(packet.subarray(0, headerLength));
    this.rx.rtpCipher.xor(ssrc, roc, seq, packet, headerLength, out, headerLength, length - headerLength);
    // §3.3.2: the window and ROC move only for authenticated packets.
    (window ?? remember(this.rxRtp, ssrc, new ReplayWindow())).accept(index);
    return { ok: true, packet: out };
  }

  /**
   * SRTCP packet for a compound RTCP packet we send (§3.4): all but the first 8 bytes encrypted, then E flag and
   * 31-bit index, then an 80-bit tag over everything before it.
   */
  protectRtcp(packet: Uint8Array): Buffer {
    const length = packet.length;
    if (length < RTCP_CLEAR || packet[0]! >> 6 !== 2) throw new RangeError('protectRtcp: not an RTCP packet');
    const ssrc = u32(packet, 4);
    const index = this.txRtcp.get(ssrc) ?? 0;
    remember(this.txRtcp, ssrc, (index + 1) % SRTCP_INDEX_SPAN);
    const tagLength = TAG_LENGTH[this.suite].rtcp;
    const out = Buffer.allocUnsafe(length + 4 + tagLength);
    out.set(packet.subarray(0, RTCP_CLEAR));
    this.tx.rtcpCipher.xor(ssrc, index >>> 16, index & 0xffff, packet, RTCP_CLEAR, out, RTCP_CLEAR, length - RTCP_CLEAR);
    out.writeUInt32BE((E_FLAG | index) >>> 0, length);
    this.sign(this.tx.rtcpAuth, out, length + 4, undefined).copy(out, length + 4, 0, tagLength);
    return out;
  }

  /** The compound RTCP packet inside an SRTCP packet we received (§3.4). An E flag of 0 means sent unencrypted. */
  unprotectRtcp(packet: Uint8Array): SrtpResult {
    const tagLength = TAG_LENGTH[this.suite].rtcp;
    const authenticated = packet.length - tagLength;
    const length = authenticated - 4;
    if (length < RTCP_CLEAR) return { ok: false, reason: 'too-short' };
    if (packet[0]! >> 6 !== 2) return { ok: false, reason: 'malformed' };
    const word = u32(packet, length);
    const index = word % SRTCP_INDEX_SPAN;
    const ssrc = u32(packet, 4);
    const window = this.rxRtcp.get(ssrc);
    const verdict = (window ?? FRESH).check(index);
    if (verdict !== 'new') return { ok: false, reason: verdict };
    if (!this.verify(this.rx.rtcpAuth, packet, authenticated, undefined, tagLength)) return { ok: false, reason: 'auth-failed' };
    const out = Buffer.allocUnsafe(length);
    if (word >= E_FLAG) {
      out.set(packet.subarray(0, RTCP_CLEAR));
      this.rx.rtcpCipher.xor(ssrc, index >>> 16, index & 0xffff, packet, RTCP_CLEAR, out, RTCP_CLEAR, length - RTCP_CLEAR);
    } else {
      out.set(packet.subarray(0, length));
    }
    (window ?? remember(this.rxRtcp, ssrc, new ReplayWindow())).accept(index);
    return { ok: true, packet: out };
  }

  /** HMAC-SHA1 over the authenticated portion, and the ROC for SRTP (§4.2). */
  private sign(key: Buffer, data: Uint8Array, length: number, roc: number | undefined): Buffer {
    const hmac = createHmac('sha1', key).update(data.subarray(0, length));
    if (roc !== undefined) {
      this.roc.writeUInt32BE(roc);
      hmac.update(this.roc);
    }
    return hmac.digest();
  }

  private verify(key: Buffer, packet: Uint8Array, length: number, roc: number | undefined, tagLength: number): boolean {
    const expected = this.sign(key, packet, length, roc).subarray(0, tagLength);
    return timingSafeEqual(expected, packet.subarray(length, length + tagLength));
  }
}

/**
 * RTP fixed header (RFC 3550 §5.1) and RFC 4733 telephone-event payloads. Parsing never throws: bytes from the network
 * that are not a valid packet give `undefined`.
 */

/** One RTP packet, header fields plus payload. */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit timestamp. */
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

const HEADER = 12;

/** Serialises `packet` with version 2, no padding, no extension, no CSRCs. */
export function buildRtp(packet: RtpPacket): Buffer {
  const out = Buffer.alloc(HEADER + packet.payload.length);
  out[0] = 0x80;
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out.writeUInt16BE(packet.sequence & 0xffff, 2);
  out.writeUInt32BE(packet.timestamp >>> 0, 4);
  out.writeUInt32BE(packet.ssrc >>> 0, 8);
  out.set(packet.payload, HEADER);
  return out;
}

/**
 * Parses an RTP packet; `undefined` unless version is 2 and the CSRC list, header extension (§5.3.1) and padding
 * (§5.1, P bit) fit in the datagram.
 */
export function parseRtp(data: Uint8Array): RtpPacket | undefined {
  if (data.length < HEADER) return undefined;
  const b0 = data[0]!;
  if (b0 >> 6 !== 2) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = HEADER + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (offset + 4 > data.length) return undefined;
    offset += 4 + view.getUint16(offset + 2) * 4;
  }
  let end = data.length;
  if (b0 & 0x20) {
    const padding = data[data.length - 1]!;
    if (padding === 0) return undefined;
    end -= padding;
  }
  if (offset > end) return undefined;
  const b1 = data[1]!;
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: data.subarray(offset, end),
  };
}

/** The next sequence number, wrapping at 2^16 (RFC 3550 §5.1). */
export function nextSequence(sequence: number): number {
  return (sequence + 1) & 0xffff;
}

/** `timestamp + delta`, wrapping at 2^32 (RFC 3550 §5.1). */
export function addTimestamp(timestamp: number, delta: number): number {
  return (timestamp + delta) % 0x1_0000_0000;
}

/** RFC 4733 §3.2 event codes 0-16 in order. */
const EVENTS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D', 'flash'];

/** The RFC 4733 §3.2 event code for `digit`, or undefined when it is not a DTMF symbol. */
export function dtmfEventCode(digit: string): number | undefined {
  const index = EVENTS.indexOf(digit.length === 1 ? digit.toUpperCase() : digit);
  return index < 0 ? undefined : index;
}

/** One telephone-event payload (RFC 4733 §2.3). */
export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0-63 (§2.3.4). */
  volume: number;
  /** In timestamp units (§2.3.5). */
  duration: number;
}

/** Serialises the 4-byte event payload of RFC 4733 §2.3 (R bit zero). */
export function buildTelephoneEvent(event: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = event.event & 0xff;
  out[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  out[2] = (event.duration >> 8) & 0xff;
  out[3] = event.duration & 0xff;
  return out;
}

/** Parses a telephone-event payload; `undefined` when it is shorter than 4 bytes. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** The digit for an RFC 4733 event code, or undefined for events other than DTMF and flash. */
export function dtmfDigit(event: number): string | undefined {
  return EVENTS[event];
}

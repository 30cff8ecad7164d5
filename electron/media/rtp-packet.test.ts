import { describe, expect, it } from 'vitest';
import { addTimestamp, buildRtp, buildTelephoneEvent, dtmfDigit, dtmfEventCode, nextSequence, parseRtp, parseTelephoneEvent } from './rtp-packet';

describe('RTP packets (RFC 3550 §5.1)', () => {
  it('round-trips header fields and payload', () => {
    const payload = new Uint8Array(160).fill(0xff);
    const bytes = buildRtp({ marker: true, payloadType: 8, sequence: 65535, timestamp: 0xffffffff, ssrc: 0xdeadbeef, payload });
    expect(bytes.length).toBe(172);
    expect(bytes[0]).toBe(0x80);
    expect(bytes[1]).toBe(0x88);
    const parsed = parseRtp(bytes)!;
    expect(parsed).toMatchObject({ marker: true, payloadType: 8, sequence: 65535, timestamp: 0xffffffff, ssrc: 0xdeadbeef });
    expect(Array.from(parsed.payload)).toEqual(Array.from(payload));
  });

  it('wraps sequence at 2^16 and timestamp at 2^32', () => {
    expect(nextSequence(65535)).toBe(0);
    expect(nextSequence(41)).toBe(42);
    expect(addTimestamp(0xffffffff - 159, 160)).toBe(0);
    expect(addTimestamp(0xffffff00, 0x200)).toBe(0x100);
    expect(addTimestamp(5, 160)).toBe(165);
  });

  it('skips CSRCs, header extension and padding', () => {
    const bytes = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0xaa, 0xbb, 0, 0, 3]);
    const parsed = parseRtp(bytes)!;
    expect(parsed.sequence).toBe(1);
    expect(Array.from(parsed.payload)).toEqual([0xaa, 0xbb]);
  });

  it('rejects what is not RTP without throwing', () => {
    expect(parseRtp(new Uint8Array(11))).toBeUndefined();
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // version 1
    expect(parseRtp(Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // 15 CSRCs missing
    expect(parseRtp(Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]))).toBeUndefined(); // extension too long
    expect(parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // zero padding count
    expect(parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40]))).toBeUndefined(); // padding beyond packet
  });
});

describe('telephone-event payloads (RFC 4733 §2.3)', () => {
  it('round-trips event, end bit, volume and duration', () => {
    const bytes = buildTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect(Array.from(bytes)).toEqual([11, 0x8a, 0x03, 0x20]);
    expect(parseTelephoneEvent(bytes)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(new Uint8Array(3))).toBeUndefined();
  });

  it('maps digits to event codes and back', () => {
    expect(dtmfEventCode('5')).toBe(5);
    expect(dtmfEventCode('*')).toBe(10);
    expect(dtmfEventCode('#')).toBe(11);
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfEventCode('x')).toBeUndefined();
    expect(dtmfEventCode('12')).toBeUndefined();
    expect(dtmfDigit(15)).toBe('D');
    expect(dtmfDigit(16)).toBe('flash');
    expect(dtmfDigit(40)).toBeUndefined();
  });
});

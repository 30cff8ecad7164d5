import { describe, expect, it } from 'vitest';
import { buildRtcp, ntpMiddle, parseRtcp, toNtp, type RtcpPacket } from './rtcp-packet';

const block = { ssrc: 0x11223344, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 0x1_0005, jitter: 42, lastSr: 0xabcd1234, delaySinceLastSr: 65536 };

describe('RTCP compound packets (RFC 3550 §6)', () => {
  it('round-trips SR + SDES + BYE', () => {
    const packets: RtcpPacket[] = [
      { type: 'sr', ssrc: 7, ntpSeconds: 0xe0000000, ntpFraction: 0x80000000, rtpTimestamp: 0xfffffff0, packetCount: 250, octetCount: 40000, reports: [block] },
      { type: 'sdes', ssrc: 7, cname: 'abc@attendant-console' },
      { type: 'bye', ssrcs: [7] },
    ];
    const bytes = buildRtcp(packets);
    expect(bytes.length % 4).toBe(0);
    expect(bytes[0]).toBe(0x81);
    expect(bytes[1]).toBe(200);
    expect(parseRtcp(bytes)).toEqual(packets);
  });

  it('round-trips RR without and with a report block', () => {
    const rr: RtcpPacket[] = [{ type: 'rr', ssrc: 9, reports: [] }, { type: 'sdes', ssrc: 9, cname: 'x' }];
    expect(parseRtcp(buildRtcp(rr))).toEqual(rr);
    const withBlock: RtcpPacket[] = [{ type: 'rr', ssrc: 9, reports: [block, { ...block, ssrc: 1, cumulativeLost: 0x7fffff }] }];
    expect(parseRtcp(buildRtcp(withBlock))).toEqual(withBlock);
  });

  it('pads SDES to a 32-bit boundary with at least one null octet for every CNAME length', () => {
    for (let n = 0; n < 9; n++) {
      const bytes = buildRtcp([{ type: 'sdes', ssrc: 1, cname: 'c'.repeat(n) }]);
      expect(bytes.length % 4).toBe(0);
      expect(bytes[bytes.length - 1]).toBe(0);
      expect(parseRtcp(bytes)).toEqual([{ type: 'sdes', ssrc: 1, cname: 'c'.repeat(n) }]);
    }
  });

  it('never throws on malformed input and keeps what parsed before the fault', () => {
    const good = buildRtcp([{ type: 'rr', ssrc: 9, reports: [] }]);
    expect(parseRtcp(new Uint8Array(0))).toEqual([]);
    expect(parseRtcp(Buffer.from([0x40, 201, 0, 1, 0, 0, 0, 0]))).toEqual([]); // version 1
    expect(parseRtcp(Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 0]))).toEqual([]); // claims a block it lacks
    expect(parseRtcp(Buffer.concat([good, Buffer.from([0x80, 200, 0, 50])]))).toEqual([{ type: 'rr', ssrc: 9, reports: [] }]);
    expect(parseRtcp(Buffer.from([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 40, 0, 0]))).toEqual([]); // CNAME longer than packet
    expect(parseRtcp(Buffer.concat([Buffer.from([0x80, 204, 0, 0]), good]))).toEqual([{ type: 'rr', ssrc: 9, reports: [] }]); // APP skipped
    for (let i = 0; i < 200; i++) {
      const noise = Buffer.from(Array.from({ length: i % 40 }, (_, k) => (k * 37 + i * 11) & 0xff));
      expect(() => parseRtcp(noise)).not.toThrow();
    }
  });

  it('converts wall time to NTP and takes its middle 32 bits', () => {
    const ntp = toNtp(Date.UTC(1970, 0, 1) + 1500);
    expect(ntp).toEqual({ seconds: 2_208_988_801, fraction: 0x80000000 });
    expect(ntpMiddle({ seconds: 0x12345678, fraction: 0x9abcdef0 })).toBe(0x56789abc);
  });
});

import { describe, expect, it } from 'vitest';
import { randomHex } from './ids';
import { newBranch, newCallId, newTag, parseMessage } from './index';

describe('identifiers', () => {
  it('branches carry the RFC 3261 magic cookie and differ', () => {
    const branches = new Set(Array.from({ length: 1000 }, newBranch));
    expect(branches.size).toBe(1000);
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
  });

  it('tags and Call-IDs are unique tokens; Call-ID takes an optional host', () => {
    const tags = new Set(Array.from({ length: 1000 }, newTag));
    expect(tags.size).toBe(1000);
    expect(newCallId()).toMatch(/^[0-9a-f]{24}$/);
    expect(newCallId('127.0.0.1')).toMatch(/^[0-9a-f]{24}@127\.0\.0\.1$/);
  });

  it('fit into a message that parses', () => {
    const text = [
      'OPTIONS sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1;branch=${newBranch()}`,
      `From: <sip:a@127.0.0.1>;tag=${newTag()}`,
      'To: <sip:127.0.0.1>',
      `Call-ID: ${newCallId('127.0.0.1')}`,
      'CSeq: 1 OPTIONS',
    ].join('\r\n');
    const m = parseMessage(text);
    expect(m.vias[0]?.branch?.startsWith('z9hG4bK')).toBe(true);
    expect(m.from.params.tag).toMatch(/^[0-9a-f]{12}$/);
  });

  it('draws every identifier from fresh pool bytes, across refills of the pool', () => {
    // 4,096-byte pool: 3,000 × 10 bytes refill it seven times; a reused byte range would repeat an identifier.
    const ids = Array.from({ length: 3000 }, () => randomHex(10));
    expect(new Set(ids).size).toBe(3000);
    expect(ids.every((id) => /^[0-9a-f]{20}$/.test(id))).toBe(true);
    expect(randomHex(4096)).toHaveLength(8192);
    expect(() => randomHex(4097)).toThrow(RangeError);
  });
});

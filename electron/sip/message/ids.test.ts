import { describe, expect, it } from 'vitest';
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
});

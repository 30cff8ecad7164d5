import { describe, expect, it } from 'vitest';
import { detachedString } from './detached-string';

describe('detachedString', () => {
  it('copies every string exactly, lone surrogates, controls, quotes and non-Latin-1 text included', () => {
    const head = `NOTIFY sip:a SIP/2.0\r\nContent-Type: application/dialog-info+xml\r\nX: ${'\u20ac'.repeat(100)}`;
    const values = ['', 'a', head.slice(29, 61), `s|${head.slice(0, 40)}|${head.slice(61)}`, '\ud800x\udfff', '"\\\u0000\u001f\u2028', '\ufffd'];
    for (const value of values) expect(detachedString(value)).toBe(value);
  });
});

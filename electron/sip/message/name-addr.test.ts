import { describe, expect, it } from 'vitest';
import { formatNameAddr, parseNameAddr, SipParseError, type NameAddr } from './index';

describe('parseNameAddr (RFC 3261 §20.10)', () => {
  it.each<[string, NameAddr]>([
    [
      '"Bob \\"B\\" Smith" <sip:bob@127.0.0.1>;tag=x',
      { displayName: 'Bob "B" Smith', uri: 'sip:bob@127.0.0.1', params: { tag: 'x' } },
    ],
    ['"a\\\\b" <sip:a@h>', { displayName: 'a\\b', uri: 'sip:a@h', params: {} }],
    ['Front  Desk <sip:2001@h>', { displayName: 'Front Desk', uri: 'sip:2001@h', params: {} }],
    [
      '<sip:a@h;transport=tcp>;expires=60;+sip.instance="<urn:x>"',
      { uri: 'sip:a@h;transport=tcp', params: { expires: '60', '+sip.instance': '"<urn:x>"' } },
    ],
    ['sip:a@h;tag=1', { uri: 'sip:a@h', params: { tag: '1' } }],
    ['  tel:+4930 ', { uri: 'tel:+4930', params: {} }],
    ['"" <sip:a@h> ; tag = 2 ; lr', { displayName: '', uri: 'sip:a@h', params: { tag: '2', lr: null } }],
  ])('%s', (text, expected) => {
    expect(parseNameAddr(text)).toEqual(expected);
  });

  it('formats back with quotes and <>, and re-parses to the same value', () => {
    const n: NameAddr = { displayName: 'Müller, "Jo"', uri: 'sip:jo@h', params: { tag: 't', lr: null } };
    const text = formatNameAddr(n);
    expect(text).toBe('"Müller, \\"Jo\\"" <sip:jo@h>;tag=t;lr');
    expect(parseNameAddr(text)).toEqual(n);
    expect(formatNameAddr({ uri: 'sip:a@h', params: {} })).toBe('<sip:a@h>');
  });

  it.each([
    ['"unterminated <sip:a@h>', /unterminated display name/],
    ['"Bob" sip:a@h', /without <uri>/],
    ['Bob <sip:a@h', /missing ">"/],
    ['<>', /empty URI/],
    ['<sip:a@h> junk', /unexpected text/],
    ['', /invalid address/],
  ])('rejects %s', (text, reason) => {
    expect(() => parseNameAddr(text)).toThrow(SipParseError);
    expect(() => parseNameAddr(text)).toThrow(reason);
  });
});

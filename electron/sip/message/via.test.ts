import { describe, expect, it } from 'vitest';
import { formatVia, parseVia, SipParseError, type Via } from './index';

describe('parseVia / formatVia (RFC 3261 §20.42, RFC 3581)', () => {
  it.each<[string, Via]>([
    [
      'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1',
      { transport: 'UDP', host: '127.0.0.1', port: 5060, params: { branch: 'z9hG4bK1' }, branch: 'z9hG4bK1' },
    ],
    [
      'SIP/2.0/tls [2001:db8::1]:5061;rport;branch=z9hG4bK2',
      {
        transport: 'TLS',
        host: '2001:db8::1',
        port: 5061,
        params: { rport: null, branch: 'z9hG4bK2' },
        branch: 'z9hG4bK2',
      },
    ],
    [
      'SIP/2.0/UDP [::1];received=::1;rport=5070',
      { transport: 'UDP', host: '::1', params: { received: '::1', rport: '5070' } },
    ],
    [
      'SIP / 2.0 / TCP host.example : 5070 ; branch=z9hG4bK3',
      {
        transport: 'TCP',
        host: 'host.example',
        port: 5070,
        params: { branch: 'z9hG4bK3' },
        branch: 'z9hG4bK3',
      },
    ],
    [
      'SIP/2.0/UDP 2001:db8::9;branch=z9hG4bK4',
      { transport: 'UDP', host: '2001:db8::9', params: { branch: 'z9hG4bK4' }, branch: 'z9hG4bK4' },
    ],
    [
      'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK5',
      { transport: 'WSS', host: 'df7jal23ls0d.invalid', params: { branch: 'z9hG4bK5' }, branch: 'z9hG4bK5' },
    ],
  ])('%s', (text, expected) => {
    expect(parseVia(text)).toEqual(expected);
  });

  it('formats with brackets for IPv6 and lets branch override params.branch', () => {
    expect(formatVia({ transport: 'udp', host: '::1', port: 5070, params: { rport: null } })).toBe(
      'SIP/2.0/UDP [::1]:5070;rport',
    );
    expect(
      formatVia({ transport: 'TCP', host: 'h', params: { branch: 'old', x: '1' }, branch: 'z9hG4bKnew' }),
    ).toBe('SIP/2.0/TCP h;branch=z9hG4bKnew;x=1');
    const text = 'SIP/2.0/UDP [2001:db8::1]:5060;rport=5060;received=2001:db8::1;branch=z9hG4bK9';
    expect(formatVia(parseVia(text))).toBe(text);
  });

  it.each([
    ['SIP/1.0/UDP h', /sent-protocol/],
    ['SIP/2.0/UDP', /sent-protocol/],
    ['SIP/2.0/UDP [::1;branch=x', /unterminated IPv6/],
    ['SIP/2.0/UDP h:70000', /invalid port/],
    ['SIP/2.0/UDP h:x', /invalid port/],
    ['SIP/2.0/UDP h junk', /unexpected text/],
  ])('rejects %s', (text, reason) => {
    expect(() => parseVia(text)).toThrow(SipParseError);
    expect(() => parseVia(text)).toThrow(reason);
  });
});

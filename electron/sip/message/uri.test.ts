import { describe, expect, it } from 'vitest';
import { formatUri, parseUri, SipParseError, type SipUri } from './index';

function uri(partial: Partial<SipUri> & Pick<SipUri, 'scheme' | 'host'>): SipUri {
  return { params: {}, headers: {}, ...partial };
}

describe('parseUri / formatUri', () => {
  it.each<[string, SipUri]>([
    ['sip:alice@localhost', uri({ scheme: 'sip', user: 'alice', host: 'localhost' })],
    ['sip:host', uri({ scheme: 'sip', host: 'host' })],
    ['sips:bob@example.com:5061', uri({ scheme: 'sips', user: 'bob', host: 'example.com', port: 5061 })],
    [
      'sip:[::1]:5070;transport=tcp',
      uri({ scheme: 'sip', host: '::1', port: 5070, params: { transport: 'tcp' } }),
    ],
    ['sip:[2001:db8::1]', uri({ scheme: 'sip', host: '2001:db8::1' })],
    ['sip:user:pw@host', uri({ scheme: 'sip', user: 'user', password: 'pw', host: 'host' })],
    ['sip:user:pw@host.example', uri({ scheme: 'sip', user: 'user', password: 'pw', host: 'host.example' })],
    [
      'sip:alice@example.com;Transport=TCP;lr?Subject=project%20x&Priority=urgent',
      uri({
        scheme: 'sip',
        user: 'alice',
        host: 'example.com',
        params: { transport: 'TCP', lr: null },
        headers: { Subject: 'project%20x', Priority: 'urgent' },
      }),
    ],
    [
      'sip:alice@localhost?Subject=hi',
      uri({ scheme: 'sip', user: 'alice', host: 'localhost', headers: { Subject: 'hi' } }),
    ],
    [
      'sip:+4930123;user=phone@127.0.0.1',
      uri({ scheme: 'sip', user: '+4930123;user=phone', host: '127.0.0.1' }),
    ],
    [
      'sip:a@h.example;maddr=x=y',
      uri({ scheme: 'sip', user: 'a', host: 'h.example', params: { maddr: 'x=y' } }),
    ],
    [
      'tel:+1-201-555-0123;phone-context=x',
      uri({ scheme: 'tel', user: '+1-201-555-0123', host: '', params: { 'phone-context': 'x' } }),
    ],
  ])('%s', (text, expected) => {
    const parsed = parseUri(text);
    expect(parsed).toEqual(expected);
    expect(formatUri(parsed)).toBe(text.replace('Transport=', 'transport='));
  });

  it('treats the scheme case-insensitively', () => {
    expect(parseUri('SIP:alice@Example.com')).toEqual(
      uri({ scheme: 'sip', user: 'alice', host: 'Example.com' }),
    );
  });

  it.each([
    ['http://example.com', /unsupported URI scheme/],
    ['alice@example.com', /unsupported URI scheme/],
    ['sip:', /missing host/],
    ['sip:alice@', /missing host/],
    ['sip:@host', /empty user/],
    ['sip:host:99999', /invalid port/],
    ['sip:host:0', /invalid port/],
    ['sip:[::1', /unterminated IPv6/],
    ['sip:alice@ho st', /whitespace/],
    ['sip:host;;lr', /empty URI parameter/],
    ['tel:', /invalid telephone number/],
  ])('rejects %s', (text, reason) => {
    expect(() => parseUri(text)).toThrow(SipParseError);
    expect(() => parseUri(text)).toThrow(reason);
  });
});

import { describe, expect, it } from 'vitest';
import { parseMessage, parseUri } from './index';
import { loadSipFixture } from './testing/message-fixtures';

const FIXTURES = [
  'register.sip',
  '401-two-challenges.sip',
  'notify-utf8.sip',
  'invite-sdp.sip',
  '200-ipv6-via.sip',
];

describe('fixture round trips', () => {
  it.each(FIXTURES)('%s serializes back byte for byte', (name) => {
    const text = loadSipFixture(name);
    expect(text).not.toMatch(/[^\r]\n/);
    const m = parseMessage(text);
    expect(m.toBuffer().equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(parseMessage(m.toBuffer()).toString()).toBe(text);
  });

  it('REGISTER: Contact with a quoted +sip.instance stays one value', () => {
    const m = parseMessage(loadSipFixture('register.sip'));
    expect(m.kind === 'request' && m.method).toBe('REGISTER');
    expect(m.getAll('Contact')).toHaveLength(1);
    expect(m.getAll('Allow')).toEqual([
      'INVITE',
      'ACK',
      'CANCEL',
      'BYE',
      'NOTIFY',
      'REFER',
      'OPTIONS',
      'SUBSCRIBE',
    ]);
    expect(m.get('User-Agent')).toBe('Attendant Console/0.1 (Linux, x86_64)');
    expect(m.from).toEqual({
      displayName: 'Reception 1',
      uri: 'sip:1001@127.0.0.1',
      params: { tag: '1928301774' },
    });
    expect(m.vias[0]?.params).toEqual({ rport: null, branch: 'z9hG4bK776asdhds' });
  });

  it('401: two WWW-Authenticate challenges, commas inside each kept', () => {
    const m = parseMessage(loadSipFixture('401-two-challenges.sip'));
    expect(m.kind === 'response' && [m.status, m.reason]).toEqual([401, 'Unauthorized']);
    const challenges = m.getAll('www-authenticate');
    expect(challenges).toHaveLength(2);
    expect(challenges[0]).toMatch(/^Digest realm="127\.0\.0\.1", nonce=.*algorithm=SHA-256$/);
    expect(challenges[1]).toMatch(/algorithm=MD5$/);
    expect(m.getAll('Date')).toEqual(['Tue, 14 Oct 2025 09:12:44 GMT']);
    expect(m.to.params.tag).toBe('b27e1a1d33761e85846fc98f5f3a7e58');
  });

  it('NOTIFY: UTF-8 body read by byte count', () => {
    const text = loadSipFixture('notify-utf8.sip');
    const m = parseMessage(text);
    expect(m.body.byteLength).toBe(Number(m.get('Content-Length')));
    expect(m.bodyText).toContain('<note>Jürgen Müller – in einer Besprechung bis 14:00 ☕</note>');
    expect(m.bodyText.endsWith('</presence>\r\n')).toBe(true);
    expect(m.to.displayName).toBe('Réception 1');
    expect(m.get('Subscription-State')).toBe('active;expires=599');
  });

  it('INVITE: SDP body, list headers split, Request-URI parseable', () => {
    const m = parseMessage(loadSipFixture('invite-sdp.sip'));
    if (m.kind !== 'request') throw new Error('expected a request');
    expect(parseUri(m.uri)).toMatchObject({ user: '2001', host: '127.0.0.1' });
    expect(m.bodyText.split('\r\n')[0]).toBe('v=0');
    expect(m.bodyText).toContain('m=audio 49170 RTP/AVP 0 8 101\r\n');
    expect(m.getAll('Supported')).toEqual(['replaces', 'timer']);
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.vias[0]).toMatchObject({ transport: 'TCP', host: '127.0.0.1', port: 5070 });
  });

  it('200 with IPv6 Vias, two of them on one line', () => {
    const m = parseMessage(loadSipFixture('200-ipv6-via.sip'));
    expect(m.vias.map((v) => [v.transport, v.host, v.port, v.branch])).toEqual([
      ['UDP', '2001:db8::1', 5070, 'z9hG4bKa1b2c3'],
      ['TCP', '::1', undefined, 'z9hG4bKproxy1'],
      ['UDP', '192.0.2.4', 5060, 'z9hG4bKuac'],
    ]);
    expect(m.vias[0]?.params.received).toBe('2001:db8::1');
    expect(parseUri(m.to.uri)).toMatchObject({ host: '2001:db8::2', port: 5060 });
  });
});

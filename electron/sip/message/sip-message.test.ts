/**
 * One test per known drachtio-sip defect (issue #2). Each shows the package's raw behaviour next to the adapter's,
 * so the test documents why the adapter exists; drachtio-sip is pinned to 0.6.x, whose behaviour is stable.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- drachtio-sip ships no type declarations; the raw API is typed below for these tests only.
import drachtioSip from 'drachtio-sip';
import { createRequest, parseMessage, parseUri, SipParseError } from './index';

interface RawMessage {
  headers: Record<string, string>;
  body: string;
  get(name: string): string | undefined;
  set(name: string, value: string): RawMessage;
  getParsedHeader(name: string): unknown;
  toString(): string;
}
const raw = drachtioSip as {
  SipMessage: new (text: string) => RawMessage;
  parser: { parseUri(s: string): unknown };
};

const HEAD = [
  'NOTIFY sip:1001@127.0.0.1:5070 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-notify-1',
  'From: <sip:2001@127.0.0.1>;tag=a1',
  'To: <sip:1001@127.0.0.1>;tag=b2',
  'Call-ID: defects@127.0.0.1',
  'CSeq: 3 NOTIFY',
].join('\r\n');

/** HEAD plus extra header lines, the blank line and a body. */
function message(extra: string[], body = ''): string {
  return [HEAD, ...extra].join('\r\n') + '\r\n\r\n' + body;
}

describe('drachtio-sip defects repaired by the adapter', () => {
  it('maps compact forms o u r b x and maps e to Content-Encoding (RFC 3261 §7.3.3, 6665, 3515, 3892, 4028)', () => {
    const text = message([
      'o: presence',
      'u: presence, dialog',
      'r: <sip:2002@127.0.0.1>',
      'b: <sip:2001@127.0.0.1>',
      'x: 1800;refresher=uas',
      'e: gzip',
      'l: 0',
    ]);
    const rawMsg = new raw.SipMessage(text);
    expect(rawMsg.get('Event')).toBeUndefined();
    expect(rawMsg.get('Refer-To')).toBeUndefined();
    expect(rawMsg.headers['contact-encoding']).toBe('gzip');

    const m = parseMessage(text);
    expect(m.get('Event')).toBe('presence');
    expect(m.getAll('Allow-Events')).toEqual(['presence', 'dialog']);
    expect(m.get('Refer-To')).toBe('<sip:2002@127.0.0.1>');
    expect(m.get('Referred-By')).toBe('<sip:2001@127.0.0.1>');
    expect(m.get('Session-Expires')).toBe('1800;refresher=uas');
    expect(m.get('Content-Encoding')).toBe('gzip');
    expect(m.get('o')).toBe('presence');
    expect(m.headerNames()).toEqual(expect.arrayContaining(['Event', 'Allow-Events', 'Content-Encoding']));
    expect(m.toString()).toContain('\r\nSession-Expires: 1800;refresher=uas\r\n');
  });

  it('writes Content-Length as the byte length of a UTF-8 body', () => {
    const body = 'Jürgen: Besprechung ☕ 会議中';
    const bytes = Buffer.byteLength(body, 'utf8');
    expect(bytes).toBeGreaterThan(body.length);
    const rawMsg = new raw.SipMessage(message(['Content-Type: text/plain']));
    rawMsg.body = body;
    expect(rawMsg.toString()).toContain(`Content-Length: ${body.length}\r\n`);

    const req = createRequest({
      method: 'MESSAGE',
      uri: 'sip:1001@127.0.0.1',
      headers: [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', '1'],
      ],
      body,
    });
    const wire = req.toBuffer();
    expect(wire.toString('utf8')).toContain(`\r\nContent-Length: ${bytes}\r\n`);
    expect(wire.toString('utf8').match(/Content-Length/g)).toHaveLength(1);
    expect(wire.length - wire.indexOf('\r\n\r\n') - 4).toBe(bytes);
  });

  it('takes the whole remainder as body when Content-Length is absent (RFC 3261 §18.3, datagrams)', () => {
    const body = 'first paragraph\r\n\r\nsecond paragraph\r\n';
    const text = message(['Content-Type: text/plain'], body);
    expect(new raw.SipMessage(text).body).toBe('first paragraph');

    expect(parseMessage(text).bodyText).toBe(body);
  });

  it('parses IPv6 hosts in Via (RFC 3261 §20.42, RFC 5118)', () => {
    const text = message([]).replace(
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-notify-1',
      'Via: SIP/2.0/UDP [2001:db8::1]:5062;rport;branch=z9hG4bK-v6',
    );
    const rawVia = (
      new raw.SipMessage(text).getParsedHeader('Via') as Array<{ host: string; port?: number }>
    )[0];
    expect(rawVia?.host).toBe('[2001');
    expect(rawVia?.port).toBeUndefined();

    const [via] = parseMessage(text).vias;
    expect(via).toMatchObject({ transport: 'UDP', host: '2001:db8::1', port: 5062, branch: 'z9hG4bK-v6' });
    expect(via?.params.rport).toBeNull();
  });

  it('parses sip:alice@localhost and tel: URIs', () => {
    expect(raw.parser.parseUri('sip:alice@localhost')).toBeUndefined();
    expect(raw.parser.parseUri('tel:+1-201-555-0123;phone-context=x')).toBeUndefined();

    expect(parseUri('sip:alice@localhost')).toMatchObject({
      scheme: 'sip',
      user: 'alice',
      host: 'localhost',
    });
    expect(parseUri('tel:+1-201-555-0123;phone-context=x')).toEqual({
      scheme: 'tel',
      user: '+1-201-555-0123',
      host: '',
      params: { 'phone-context': 'x' },
      headers: {},
    });
  });

  it('looks up X- and P- headers case-insensitively', () => {
    const text = message([
      'X-Line-Id: 3',
      'P-Asserted-Identity: <sip:2001@127.0.0.1>',
      'p-preferred-identity: <sip:9@x>',
    ]);
    const rawMsg = new raw.SipMessage(text);
    expect(rawMsg.get('X-Line-Id')).toBe('3');
    expect(rawMsg.get('x-line-id')).toBeUndefined();

    const m = parseMessage(text);
    expect(m.get('x-line-id')).toBe('3');
    expect(m.get('X-LINE-ID')).toBe('3');
    expect(m.has('x-Line-id')).toBe(true);
    expect(m.get('p-asserted-identity')).toBe('<sip:2001@127.0.0.1>');
    expect(m.get('P-Preferred-Identity')).toBe('<sip:9@x>');
  });

  it('set() replaces every value of a header', () => {
    const text = message(['Subject: first', 'Subject: second']);
    const rawMsg = new raw.SipMessage(text);
    rawMsg.set('Subject', 'third');
    expect(rawMsg.get('Subject')).toBe('first,second,third');

    const m = parseMessage(text);
    m.set('subject', 'third');
    expect(m.getAll('Subject')).toEqual(['third']);
    m.set('Route', ['<sip:p1@127.0.0.1;lr>', '<sip:p2@127.0.0.1;lr>']);
    m.set('Route', '<sip:p3@127.0.0.1;lr>');
    expect(m.getAll('Route')).toEqual(['<sip:p3@127.0.0.1;lr>']);
    expect(m.toString().match(/^Subject: /gm)).toHaveLength(1);
  });

  it('never throws when reading a missing header; missing mandatory headers fail at parse time', () => {
    const text = message([]);
    const rawMsg = new raw.SipMessage(text.replace('CSeq: 3 NOTIFY\r\n', ''));
    expect(() => rawMsg.getParsedHeader('CSeq')).toThrow(TypeError);

    const m = parseMessage(text);
    expect(m.get('Refer-To')).toBeUndefined();
    expect(m.getAll('Record-Route')).toEqual([]);
    expect(m.has('Contact')).toBe(false);
    for (const line of [
      'CSeq: 3 NOTIFY',
      'Call-ID: defects@127.0.0.1',
      'From: <sip:2001@127.0.0.1>;tag=a1',
    ]) {
      expect(() => parseMessage(text.replace(`${line}\r\n`, ''))).toThrow(SipParseError);
    }
  });

  it('accepts a message whose header block ends without the final CRLF', () => {
    const oneCrlf = `${HEAD}\r\n`;
    expect(() => new raw.SipMessage(oneCrlf)).toThrow();

    for (const text of [oneCrlf, HEAD]) {
      const m = parseMessage(text);
      expect(m.kind).toBe('request');
      expect(m.cseq).toEqual({ seq: 3, method: 'NOTIFY' });
      expect(m.body.byteLength).toBe(0);
    }
  });
});

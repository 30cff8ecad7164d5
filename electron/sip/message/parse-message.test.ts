import { describe, expect, it } from 'vitest';
import { parseMessage, SipParseError } from './index';

const HEADERS = [
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-p1',
  'From: "A" <sip:a@127.0.0.1>;tag=1',
  'To: <sip:b@127.0.0.1>',
  'Call-ID: parse@127.0.0.1',
  'CSeq: 1 OPTIONS',
];

function options(extra: string[] = [], body = '', eol = '\r\n'): string {
  return ['OPTIONS sip:b@127.0.0.1 SIP/2.0', ...HEADERS, ...extra].join(eol) + eol + eol + body;
}

function parseError(text: string | Uint8Array): SipParseError {
  try {
    parseMessage(text);
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw e;
  }
  throw new Error('expected SipParseError');
}

describe('parseMessage', () => {
  it('parses a request from bytes and a response from text', () => {
    const req = parseMessage(Buffer.from(options()));
    expect(req.kind === 'request' && [req.method, req.uri]).toEqual(['OPTIONS', 'sip:b@127.0.0.1']);
    const res = parseMessage(['SIP/2.0 486 Busy Here', ...HEADERS].join('\r\n') + '\r\n\r\n');
    expect(res.kind === 'response' && [res.status, res.reason]).toEqual([486, 'Busy Here']);
    expect(res.callId).toBe('parse@127.0.0.1');
  });

  it('accepts a status line with an empty reason phrase', () => {
    const res = parseMessage(['SIP/2.0 200 ', ...HEADERS].join('\r\n'));
    expect(res.kind === 'response' && res.reason).toBe('');
  });

  it('skips CRLFs before the start line (RFC 3261 §7.5) and tolerates bare LF', () => {
    expect(parseMessage('\r\n\r\n' + options()).kind).toBe('request');
    const lf = parseMessage(options(['Content-Length: 2'], 'hi', '\n'));
    expect(lf.bodyText).toBe('hi');
    expect(lf.get('CSeq')).toBe('1 OPTIONS');
  });

  it('unfolds continuation lines into one SP (RFC 3261 §7.3.1)', () => {
    const m = parseMessage(
      options(['Subject: I know you are there,', '     pick up the phone', '\tand talk to me!']),
    );
    expect(m.get('Subject')).toBe('I know you are there, pick up the phone and talk to me!');
  });

  it('drops bytes beyond Content-Length and rejects a body shorter than it (RFC 3261 §18.3)', () => {
    expect(parseMessage(options(['Content-Length: 4'], 'abcdEXTRA')).bodyText).toBe('abcd');
    expect(parseError(options(['Content-Length: 40'], 'abcd')).message).toMatch(/Content-Length says 40/);
    expect(parseError(options(['Content-Length: -1'])).message).toMatch(/invalid Content-Length/);
  });

  it('trims header values as String.prototype.trim does, ASCII blanks and non-ASCII spaces alike', () => {
    const values = ['plain', ' \t lead and trail \t ', '\u00a0no-break\u00a0', ' \u3000ideographic\u3000 ', 'ä inner spaces ü', '\ufeff', '   '];
    for (const value of values) {
      const m = parseMessage(Buffer.from(options([`Subject:${value}`])));
      expect(m.get('Subject'), JSON.stringify(value)).toBe(value.trim());
    }
  });

  it('counts Content-Length in bytes on input too', () => {
    const body = 'äöü€';
    const m = parseMessage(options([`l: ${Buffer.byteLength(body)}`], body + 'tail'));
    expect(m.bodyText).toBe(body);
  });

  it('gives the message its own copy of the body bytes', () => {
    const data = Buffer.from(options(['Content-Length: 3'], 'abc'));
    const m = parseMessage(data);
    data.fill(0x21);
    expect(m.bodyText).toBe('abc');
  });

  it('splits list headers only, respecting quotes and <>', () => {
    const m = parseMessage(
      options([
        'Contact: "Smith, John" <sip:j@127.0.0.1;x=a,b>;q=0.5, <sip:k@127.0.0.1>',
        'Route: <sip:p1@127.0.0.1;lr>, <sip:p2@127.0.0.1;lr>',
        'Route: <sip:p3@127.0.0.1;lr>',
        'Authorization: Digest username="a", realm="r", nonce="n", uri="sip:b", response="x"',
        'Date: Sat, 13 Nov 2010 23:29:00 GMT',
        'Supported: timer,replaces , 100rel',
      ]),
    );
    expect(m.getAll('Contact')).toEqual(['"Smith, John" <sip:j@127.0.0.1;x=a,b>;q=0.5', '<sip:k@127.0.0.1>']);
    expect(m.get('Contact')).toBe('"Smith, John" <sip:j@127.0.0.1;x=a,b>;q=0.5');
    expect(m.getAll('route')).toHaveLength(3);
    expect(m.getAll('Authorization')).toHaveLength(1);
    expect(m.get('Date')).toBe('Sat, 13 Nov 2010 23:29:00 GMT');
    expect(m.getAll('k')).toEqual(['timer', 'replaces', '100rel']);
  });

  it.each([
    ['empty input', '\r\n\r\n', /empty message/],
    ['garbage start line', 'HELLO\r\n' + HEADERS.join('\r\n'), /malformed request line/],
    ['a stray datagram', 'hello world', /malformed request line/],
    ['wrong version', options().replace('SIP/2.0\r\n', 'SIP/3.0\r\n'), /unsupported SIP version/],
    ['bad status', ['SIP/2.0 99 Odd', ...HEADERS].join('\r\n'), /malformed status line/],
    ['header without colon', options(['Broken header']), /malformed header line/],
    ['missing Via', options().replace(`${HEADERS[0]}\r\n`, ''), /missing mandatory header Via/],
    ['CSeq method mismatch', options().replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'), /differs from OPTIONS/],
    ['bad CSeq', options().replace('CSeq: 1 OPTIONS', 'CSeq: x OPTIONS'), /invalid CSeq/],
    ['bad From', options().replace('From: "A" <sip:a@127.0.0.1>;tag=1', 'From: "A <sip:a'), /display name/],
    ['bad Via', options().replace(HEADERS[0] as string, 'Via: HTTP/1.1 x'), /sent-protocol/],
  ])('rejects %s with a reason', (_label, text, reason) => {
    const error = parseError(text);
    expect(error.message).toMatch(reason);
    expect(error.name).toBe('SipParseError');
  });

  it.each([
    ['a bare CR in Via (issue 7, defect 1)', options().replace(';branch=z9hG4bK-p1', ';branch=z9hG4bK-p1\r;rport')],
    ['a bare CR ending a value before CRLF', options(['Subject: hi\r'])],
    ['a bare CR in the request line', options().replace('OPTIONS sip:b@127.0.0.1', 'OPTIONS sip:b@127.0\r.0.1')],
    ['a bare CR in a status line', ['SIP/2.0 200 O\rK', ...HEADERS].join('\r\n') + '\r\n\r\n'],
    ['a NUL in a header value', options(['Subject: a\0b'])],
    ['a NUL in the request line', options().replace('sip:b@127.0.0.1 SIP', 'sip:b@127.0.0.1\0 SIP')],
    ['an escape character in a value', options(['Subject: \x1b[2J'])],
    ['a DEL in a header name', options(['Sub\x7fject: x'])],
  ])('refuses %s (RFC 3261 §25.1)', (_label, text) => {
    expect(parseError(text).message).toMatch(/(bare CR|control character) in (the|a) /);
  });

  it('refuses a bare LF inside a value that does not start a header line', () => {
    expect(parseError(options(['Subject: a\nb'])).message).toMatch(/malformed header line/);
  });

  it('still unfolds CRLF + whitespace and keeps HTAB inside a value (RFC 3261 §25.1 LWS)', () => {
    const m = parseMessage(options(['Subject: a\tb,', '\tc']));
    expect(m.get('Subject')).toBe('a\tb, c');
  });

  it('carries the offending header block for logging', () => {
    expect(parseError(options(['Broken header'])).raw).toContain('Broken header');
  });
});

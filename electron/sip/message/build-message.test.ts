import { describe, expect, it } from 'vitest';
import { createRequest, createResponse, parseMessage, SipParseError, type SipRequest } from './index';
import { loadSipFixture } from './testing/message-fixtures';

function invite(): SipRequest {
  const m = parseMessage(loadSipFixture('invite-sdp.sip'));
  if (m.kind !== 'request') throw new Error('fixture is a request');
  return m;
}

describe('createRequest', () => {
  it('builds a request that parses back, with Content-Length appended', () => {
    const req = createRequest({
      method: 'OPTIONS',
      uri: 'sip:127.0.0.1',
      headers: [
        ['Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1'],
        ['f', '<sip:a@127.0.0.1>;tag=1'],
        ['To', '<sip:127.0.0.1>'],
        ['Call-ID', 'c1'],
        ['CSeq', '9 OPTIONS'],
      ],
    });
    const text = req.toString();
    expect(text.startsWith('OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: ')).toBe(true);
    expect(text).toContain('\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n');
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
    expect(parseMessage(text).cseq).toEqual({ seq: 9, method: 'OPTIONS' });
  });

  it('rejects header injection and bad start-line parts as programming errors', () => {
    expect(() => createRequest({ method: 'OPT IONS', uri: 'sip:x' })).toThrow(/method/);
    expect(() => createRequest({ method: 'OPTIONS', uri: 'sip:x y' })).toThrow(/Request-URI/);
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:x' });
    expect(() => req.set('Subject', 'a\r\nVia: evil')).toThrow(/CR or LF/);
    expect(() => req.add('Bad Name', 'x')).toThrow(/invalid header name/);
  });

  it('reports a missing mandatory header through the typed getters', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:x' });
    expect(req.get('Call-ID')).toBeUndefined();
    expect(() => req.callId).toThrow(SipParseError);
    expect(req.vias).toEqual([]);
  });
});

describe('header editing', () => {
  it('add() appends after the same header or prepends before it; remove() drops every line', () => {
    const req = invite();
    req.add('Via', 'SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKtop', true);
    req.add('Via', 'SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKlast');
    expect(req.vias.map((v) => v.branch)).toEqual(['z9hG4bKtop', 'z9hG4bKnashds8', 'z9hG4bKlast']);
    expect(req.headerNames().slice(0, 2)).toEqual(['Via', 'Max-Forwards']);
    req.add('X-Custom', 'v');
    expect(req.headerNames().at(-1)).toBe('X-Custom');
    req.remove('v');
    expect(req.has('Via')).toBe(false);
    expect(req.toString()).not.toContain('Via:');
  });

  it('set() keeps the header in place and refreshes parsed views', () => {
    const req = invite();
    expect(req.to.params.tag).toBeUndefined();
    req.set('t', '<sip:2001@127.0.0.1>;tag=abc');
    expect(req.to.params.tag).toBe('abc');
    expect(req.headerNames().indexOf('To')).toBe(2);
  });

  it('a new body changes Content-Length on output', () => {
    const req = invite();
    req.body = new TextEncoder().encode('ü');
    expect(req.toString()).toContain('\r\nContent-Length: 2\r\n');
    expect(req.toString().endsWith('\r\n\r\nü')).toBe(true);
  });
});

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies Via (all, in order), From, To, Call-ID, CSeq and adds the To tag', () => {
    const req = invite();
    req.add('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKproxy', true);
    const res = createResponse(req, 180, undefined, {
      toTag: 'tt1',
      headers: [['Contact', '<sip:2001@127.0.0.1>']],
    });
    expect(res.kind === 'response' && [res.status, res.reason]).toEqual([180, 'Ringing']);
    expect(res.getAll('Via')).toEqual(req.getAll('Via'));
    expect(res.get('From')).toBe(req.get('From'));
    expect(res.get('To')).toBe('"Front Desk" <sip:2001@127.0.0.1>;tag=tt1');
    expect([res.callId, res.get('CSeq')]).toEqual([req.callId, '314159 INVITE']);
    expect(res.get('Contact')).toBe('<sip:2001@127.0.0.1>');
    expect(res.has('Record-Route')).toBe(false);
    const back = parseMessage(res.toBuffer());
    expect(back.to.params.tag).toBe('tt1');
  });

  it('keeps an existing To tag and uses a given reason and body', () => {
    const req = invite();
    req.set('To', '<sip:2001@127.0.0.1>;tag=dialog');
    const res = createResponse(req, 200, 'Fine', { toTag: 'other', body: 'v=0\r\n' });
    expect(res.to.params.tag).toBe('dialog');
    expect(res.kind === 'response' && res.reason).toBe('Fine');
    expect(res.toString()).toContain('Content-Length: 5\r\n\r\nv=0\r\n');
  });

  it('copies Timestamp into 100 Trying only (§8.2.6.1) and knows default phrases', () => {
    const req = invite();
    req.set('Timestamp', '54');
    expect(createResponse(req, 100).get('Timestamp')).toBe('54');
    expect(createResponse(req, 200).has('Timestamp')).toBe(false);
    const phrases = [481, 489, 603, 299].map((s) => {
      const r = createResponse(req, s);
      return r.kind === 'response' ? r.reason : '';
    });
    expect(phrases).toEqual(['Call/Transaction Does Not Exist', 'Bad Event', 'Decline', 'Success']);
    expect(() => createResponse(req, 700)).toThrow(/invalid SIP status/);
  });

  it('refuses to answer a request lacking mandatory headers', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:x', headers: [['Call-ID', 'c']] });
    expect(() => createResponse(req, 200)).toThrow(SipParseError);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSipfragStatus } from './sipfrag';

describe('parseSipfragStatus (RFC 3420, RFC 3515 §2.4.5)', () => {
  it.each([
    ['SIP/2.0 100 Trying\r\n', 100, 'Trying'],
    ['SIP/2.0 180 Ringing', 180, 'Ringing'],
    ['SIP/2.0 183 Session Progress\n', 183, 'Session Progress'],
    ['SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n', 200, 'OK'],
    ['\r\n\r\n  SIP/2.0 486 Busy Here\r\n', 486, 'Busy Here'],
    ['\ufeffSIP/2.0 603 Decline', 603, 'Decline'],
    ['sip/2.0 503 Service Unavailable\rVia: SIP/2.0/UDP x\r', 503, 'Service Unavailable'],
    ['SIP/2.0 200', 200, ''],
    ['SIP/2.0 404 Not\u0007Found', 404, 'Not Found'],
  ])('reads %j', (body, status, reason) => {
    expect(parseSipfragStatus(body)).toEqual({ status, reason });
  });

  it('reads bytes as UTF-8 and keeps headers and body after the status line out of it', () => {
    const body = new TextEncoder().encode('SIP/2.0 180 Klingelt \u00fcberall\r\nFrom: <sip:a@b>;tag=1\r\n\r\nv=0\r\n');
    expect(parseSipfragStatus(body)).toEqual({ status: 180, reason: 'Klingelt \u00fcberall' });
  });

  it.each([
    undefined,
    '',
    '\r\n \r\n',
    'garbage',
    'SIP/2.0 OK',
    'SIP/2.0 99 Too Low',
    'SIP/2.0 700 Too High',
    'SIP/2.0 2000 Long',
    'SIP/3.0 200 OK',
    'HTTP/1.1 200 OK',
    'INVITE sip:bob@example.com SIP/2.0\r\n',
    'OK SIP/2.0 200\r\n',
  ])('gives undefined for %j', (body) => {
    expect(parseSipfragStatus(body)).toBeUndefined();
  });

  it('bounds the reason phrase and ignores a huge body', () => {
    expect(parseSipfragStatus(`SIP/2.0 480 ${'x'.repeat(500)}`)?.reason).toHaveLength(200);
    expect(parseSipfragStatus(`${'x'.repeat(5000)}\r\nSIP/2.0 200 OK`)).toBeUndefined();
  });
});

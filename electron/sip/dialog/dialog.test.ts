import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest, type SipResponse } from '../message';
import { loadSipFixture } from '../message/testing/message-fixtures';
import { Dialog, DialogError } from './dialog';
import { hopTarget, isLooseRoute, nextHopUri, requestTarget } from './routing';

const subscribe = (): SipRequest => parseMessage(loadSipFixture('dialog/subscribe.sip')) as SipRequest;
const ok200 = (): SipResponse => parseMessage(loadSipFixture('dialog/subscribe-200-record-route.sip')) as SipResponse;
const notify = (): SipRequest => parseMessage(loadSipFixture('dialog/notify-record-route.sip')) as SipRequest;
const VIA = 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKnext';

describe('Dialog creation (RFC 3261 §12.1)', () => {
  it('as UAC from a 2xx: reversed Record-Route, Contact as remote target, tags and CSeq', () => {
    const d = Dialog.fromUacResponse(subscribe(), ok200());
    expect(d.id).toEqual({ callId: 'dlg-call-1', localTag: 'ourtag', remoteTag: 'theirtag' });
    expect(d.routeSet).toEqual(['<sip:127.0.0.1:5080;lr>', '<sip:127.0.0.2:5060;lr;ftag=ourtag>']);
    expect(d.remoteTarget).toBe('sip:101@127.0.0.3:5060;transport=udp');
    expect(d.localSeq).toBe(7);
    expect(d.remoteSeq).toBeUndefined();
    expect(d.secure).toBe(false);
  });

  it('from a NOTIFY that beat the 2xx: Record-Route in order, remote seq and tag from the NOTIFY (RFC 6665 §4.1.2.4)', () => {
    const d = Dialog.fromPeerRequest(subscribe(), notify());
    expect(d.id).toEqual({ callId: 'dlg-call-1', localTag: 'ourtag', remoteTag: 'theirtag' });
    // Both directions yield the same hop order: the proxy next to us first.
    expect(d.routeSet).toEqual(['<sip:127.0.0.1:5080;lr>', '<sip:127.0.0.2:5060;lr;ftag=theirtag>']);
    expect(d.remoteTarget).toBe('sip:101@127.0.0.3:5060');
    expect(d.remoteSeq).toBe(41);
    expect(d.localSeq).toBe(7);
  });

  it('refuses a 2xx without a To tag with a typed error', () => {
    const response = ok200();
    response.set('To', '<sip:101@pbx.test.local>');
    expect(() => Dialog.fromUacResponse(subscribe(), response)).toThrow(DialogError);
  });

  it('falls back to the Request-URI when the 2xx has no Contact', () => {
    const response = ok200();
    response.remove('Contact');
    expect(Dialog.fromUacResponse(subscribe(), response).remoteTarget).toBe('sip:101@pbx.test.local');
  });
});

describe('Requests within a dialog (RFC 3261 §12.2.1.1)', () => {
  it('loose routing: Request-URI is the remote target, Route is the route set, next CSeq, tags in From/To', () => {
    const d = Dialog.fromUacResponse(subscribe(), ok200());
    const r = d.createRequest('SUBSCRIBE', { via: VIA, headers: [['Expires', '0']] });
    expect(r.uri).toBe('sip:101@127.0.0.3:5060;transport=udp');
    expect(r.getAll('Route')).toEqual(['<sip:127.0.0.1:5080;lr>', '<sip:127.0.0.2:5060;lr;ftag=ourtag>']);
    expect(r.cseq).toEqual({ seq: 8, method: 'SUBSCRIBE' });
    expect(r.from).toEqual({ displayName: 'Reception', uri: 'sip:200@test.local', params: { tag: 'ourtag' } });
    expect(r.to).toEqual({ uri: 'sip:101@pbx.test.local', params: { tag: 'theirtag' } });
    expect(r.callId).toBe('dlg-call-1');
    expect(r.get('Expires')).toBe('0');
    expect(d.nextHop).toBe('sip:127.0.0.1:5080;lr');
    expect(d.createRequest('SUBSCRIBE', { via: VIA }).cseq.seq).toBe(9);
    expect(d.createRequest('ACK', { via: VIA, cseq: 3 }).cseq.seq).toBe(3);
    expect(d.localSeq).toBe(9);
  });

  it('empty route set: no Route header and the remote target as next hop', () => {
    const response = ok200();
    response.remove('Record-Route');
    const d = Dialog.fromUacResponse(subscribe(), response);
    const r = d.createRequest('SUBSCRIBE', { via: VIA });
    expect(r.has('Route')).toBe(false);
    expect(r.uri).toBe(d.remoteTarget);
    expect(d.nextHop).toBe(d.remoteTarget);
  });

  it('strict router first: its URI is the Request-URI and the remote target ends the Route list', () => {
    const response = ok200();
    response.set('Record-Route', ['<sip:127.0.0.2:5060>', '<sip:127.0.0.1:5080;method=INVITE;maddr=127.0.0.1>']);
    const d = Dialog.fromUacResponse(subscribe(), response);
    const r = d.createRequest('SUBSCRIBE', { via: VIA });
    expect(r.uri).toBe('sip:127.0.0.1:5080;maddr=127.0.0.1');
    expect(r.getAll('Route')).toEqual(['<sip:127.0.0.2:5060>', '<sip:101@127.0.0.3:5060;transport=udp>']);
    expect(d.nextHop).toBe('sip:127.0.0.1:5080;method=INVITE;maddr=127.0.0.1');
  });

  it('tracks the remote CSeq without rejecting lower ones and refreshes the target from Contact', () => {
    const d = Dialog.fromPeerRequest(subscribe(), notify());
    const later = notify();
    later.set('CSeq', '42 NOTIFY');
    later.set('Contact', '<sip:101@127.0.0.4:5062>');
    expect(d.receiveRequest(later)).toBe(true);
    expect(d.refreshTarget(later)).toBe(true);
    expect(d.remoteTarget).toBe('sip:101@127.0.0.4:5062');
    expect(d.refreshTarget(later)).toBe(false);
    const older = notify();
    expect(d.receiveRequest(older)).toBe(false);
    expect(d.remoteSeq).toBe(42);
  });
});

describe('routing helpers', () => {
  it('detects loose routers and computes targets and hops', () => {
    expect(isLooseRoute('<sip:p.example;lr>')).toBe(true);
    expect(isLooseRoute('<sip:p.example>')).toBe(false);
    expect(requestTarget([], 'sip:a@b')).toEqual({ uri: 'sip:a@b', routes: [] });
    expect(requestTarget(['sip:p;lr'], 'sip:a@b')).toEqual({ uri: 'sip:a@b', routes: ['<sip:p;lr>'] });
    expect(nextHopUri(['<sip:p;lr>'], 'sip:a@b')).toBe('sip:p;lr');
    expect(hopTarget('sip:127.0.0.2:5080;lr', 'udp')).toEqual({ protocol: 'udp', host: '127.0.0.2', port: 5080 });
    expect(hopTarget('sip:pbx.example;transport=TCP', 'udp')).toEqual({ protocol: 'tcp', host: 'pbx.example' });
    expect(hopTarget('sips:pbx.example:5061', 'udp')).toEqual({ protocol: 'tls', host: 'pbx.example', port: 5061 });
  });
});

import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import type { MediaDirection } from './media-types';
import { answerDirection, offerDirection, remoteDirectionOf } from './sdp-direction';
import { SdpOrigin, answerOffer, readAnswer, writeOffer, type MediaSlot } from './sdp-offer-answer';

const local = { address: '192.0.2.10', rtpPort: 40000 };
const origin = { sessionId: '1234567890123', version: 7 };

function remote(media: string, { c = '198.51.100.5', session = '' } = {}): string {
  return ['v=0', `o=- 99 1 IN IP4 ${c}`, 's=-', `c=IN IP4 ${c}`, 't=0 0', ...(session ? [session] : []), media].join('\r\n') + '\r\n';
}
const audio = (payloads: string, extra: string[] = [], port = 5004): string => [`m=audio ${port} RTP/AVP ${payloads}`, ...extra].join('\r\n');

describe('offer (RFC 3264 §5)', () => {
  it('offers PCMU, PCMA and telephone-event with ptime, rtcp and direction', () => {
    const sdp = writeOffer(origin, local, [{ kind: 'audio' }], 'sendrecv');
    expect(sdp).toContain('o=- 1234567890123 7 IN IP4 192.0.2.10\r\n');
    expect(sdp).toContain('c=IN IP4 192.0.2.10\r\n');
    expect(sdp).toContain('m=audio 40000 RTP/AVP 0 8 101\r\n');
    for (const line of ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=rtcp:40001', 'a=sendrecv']) {
      expect(sdp).toContain(`${line}\r\n`);
    }
  });

  it('keeps rejected m-lines at port 0 in their place on a re-offer (§8)', () => {
    const layout: MediaSlot[] = [{ kind: 'rejected', type: 'video', protocol: 'RTP/AVP', payloads: '96' }, { kind: 'audio' }];
    const media = parse(writeOffer(origin, local, layout, 'sendonly')).media;
    expect(media.map((m) => [m.type, m.port])).toEqual([['video', 0], ['audio', 40000]]);
    expect(media[1]!.direction).toBe('sendonly');
  });

  it('hold directions (§8.4)', () => {
    expect(offerDirection(false, 'sendonly')).toBe('sendrecv');
    expect(offerDirection(true, 'sendrecv')).toBe('sendonly');
    expect(offerDirection(true, 'recvonly')).toBe('sendonly');
    expect(offerDirection(true, 'sendonly')).toBe('inactive');
    expect(offerDirection(true, 'inactive')).toBe('inactive');
  });
});

describe('answer (RFC 3264 §6)', () => {
  it('picks the first supported codec in the offerer order and keeps its payload numbers', () => {
    const offer = remote(audio('18 8 0 96', ['a=rtpmap:18 G729/8000', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-15']));
    const result = answerOffer(offer, local, false);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.audio).toMatchObject({ codec: 'PCMA', payloadType: 8, telephoneEvent: { payloadType: 96, localPayloadType: 96 }, remoteAddress: '198.51.100.5', remotePort: 5004, remoteRtcpPort: 5005 });
    const sdp = result.value.render(origin);
    expect(sdp).toContain('m=audio 40000 RTP/AVP 8 96\r\n');
    expect(sdp).toContain('a=rtpmap:96 telephone-event/8000\r\n');
    expect(sdp).toContain('a=sendrecv\r\n');
    expect(sdp).not.toContain('0.0.0.0');
  });

  it('recognises G.711 under a dynamic payload type by its rtpmap, and static types without rtpmap', () => {
    const dynamic = answerOffer(remote(audio('97 0', ['a=rtpmap:97 pcmu/8000'])), local, false);
    expect(dynamic.ok && dynamic.value.audio).toMatchObject({ codec: 'PCMU', payloadType: 97 });
    const bare = answerOffer(remote(audio('0')), local, false);
    expect(bare.ok && bare.value.audio).toMatchObject({ codec: 'PCMU', payloadType: 0 });
    expect(bare.ok && bare.value.audio.telephoneEvent).toBeUndefined();
    expect(bare.ok && bare.value.render(origin)).toContain('m=audio 40000 RTP/AVP 0\r\n');
  });

  it('fails without a common codec', () => {
    const result = answerOffer(remote(audio('18 9', ['a=rtpmap:18 G729/8000', 'a=rtpmap:9 G722/8000'])), local, false);
    expect(result).toMatchObject({ ok: false });
    expect(answerOffer('garbage', local, false)).toMatchObject({ ok: false });
    expect(answerOffer(remote('m=audio 5004 RTP/SAVP 0'), local, false)).toMatchObject({ ok: false });
  });

  it('rejects video and a disabled audio line with port 0, keeping order', () => {
    const offer = remote(['m=video 6000 RTP/AVP 96', 'a=rtpmap:96 H264/90000', audio('0 8', [], 0), audio('8 0')].join('\r\n'));
    const result = answerOffer(offer, local, false);
    if (!result.ok) throw new Error(result.reason);
    const media = parse(result.value.render(origin)).media;
    expect(media.map((m) => [m.type, m.port])).toEqual([['video', 0], ['audio', 0], ['audio', 40000]]);
    expect(result.value.layout.map((s) => s.kind)).toEqual(['rejected', 'rejected', 'audio']);
    expect(result.value.audio.codec).toBe('PCMA');
  });

  const table: Array<[MediaDirection, boolean, MediaDirection]> = [
    ['sendrecv', false, 'sendrecv'],
    ['sendrecv', true, 'sendonly'],
    ['sendonly', false, 'recvonly'],
    ['sendonly', true, 'inactive'],
    ['recvonly', false, 'sendonly'],
    ['recvonly', true, 'sendonly'],
    ['inactive', false, 'inactive'],
    ['inactive', true, 'inactive'],
  ];
  it.each(table)('answers %s (hold %s) with %s (§6.1, §8.4)', (offered, hold, expected) => {
    expect(answerDirection(offered, hold)).toBe(expected);
    const result = answerOffer(remote(audio('0', [`a=${offered}`])), local, hold);
    expect(result.ok && result.value.direction).toBe(expected);
    expect(result.ok && result.value.audio.remoteDirection).toBe(offered);
  });

  it('reads a session-level direction when the m-line has none', () => {
    const result = answerOffer(remote(audio('0'), { session: 'a=sendonly' }), local, false);
    expect(result.ok && result.value.direction).toBe('recvonly');
  });

  it('treats c=0.0.0.0 as hold (RFC 2543) and never writes it', () => {
    expect(remoteDirectionOf('sendrecv', '0.0.0.0')).toBe('sendonly');
    expect(remoteDirectionOf('recvonly', '0.0.0.0')).toBe('inactive');
    const result = answerOffer(remote(audio('0'), { c: '0.0.0.0' }), local, false);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.audio.remoteDirection).toBe('sendonly');
    expect(result.value.direction).toBe('recvonly');
    expect(result.value.render(origin)).not.toContain('0.0.0.0');
  });
});

describe('reading an answer (RFC 3264 §7)', () => {
  const layout: MediaSlot[] = [{ kind: 'audio' }];
  it('takes the codec, telephone-event, rtcp port and direction', () => {
    const answer = remote(audio('8 101', ['a=rtpmap:101 telephone-event/8000', 'a=rtcp:7000 IN IP4 203.0.113.9', 'a=recvonly']));
    const result = readAnswer(answer, layout);
    expect(result).toMatchObject({ ok: true, value: { codec: 'PCMA', payloadType: 8, localPayloadType: 8, telephoneEvent: { payloadType: 101 }, remoteRtcpPort: 7000, remoteRtcpAddress: '203.0.113.9', remoteDirection: 'recvonly' } });
  });

  it('fails on a rejected stream, a missing codec or a different m-line count', () => {
    expect(readAnswer(remote(audio('0', [], 0)), layout)).toMatchObject({ ok: false, reason: 'audio stream rejected' });
    expect(readAnswer(remote(audio('18', ['a=rtpmap:18 G729/8000'])), layout)).toMatchObject({ ok: false });
    expect(readAnswer(remote([audio('0'), 'm=video 0 RTP/AVP 96'].join('\r\n')), layout)).toMatchObject({ ok: false });
    expect(readAnswer('v=0\r\n', layout)).toMatchObject({ ok: false });
  });

  it('reads a c=0.0.0.0 answer as hold', () => {
    expect(readAnswer(remote(audio('0'), { c: '0.0.0.0' }), layout)).toMatchObject({ ok: true, value: { remoteDirection: 'sendonly' } });
  });
});

describe('o= line (RFC 3264 §8)', () => {
  it('keeps the session id and bumps the version only when the SDP changes', () => {
    const o = new SdpOrigin(() => 0.5);
    const render = (direction: MediaDirection) => (x: { sessionId: string; version: number }) => writeOffer(x, local, [{ kind: 'audio' }], direction);
    const version = (sdp: string): number => Number(/^o=- \d+ (\d+)/m.exec(sdp)![1]);
    const first = o.stamp(render('sendrecv'));
    expect(o.stamp(render('sendrecv'))).toBe(first);
    const held = o.stamp(render('sendonly'));
    expect(version(held)).toBe(version(first) + 1);
    expect(version(o.stamp(render('sendrecv')))).toBe(version(first) + 2);
    expect(/^o=- (\d+)/m.exec(held)![1]).toBe(o.sessionId);
  });
});

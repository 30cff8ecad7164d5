import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import type { MediaDirection } from './media-types';
import { answerDirection, offerDirection, remoteDirectionOf } from './sdp-direction';
import { buildRtp } from './rtp-packet';
import { SdpOrigin, answerOffer, offerCrypto, readAnswer, reofferCrypto, writeOffer, type MediaSlot } from './sdp-offer-answer';
import { writeCrypto } from './srtp/sdes';
import { SrtpSession } from './srtp/srtp-context';

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

describe('SRTP with SDES (RFC 4568 §7)', () => {
  const KEY = Buffer.from(Array.from({ length: 30 }, (_, i) => i)).toString('base64');
  const crypto = (tag: number, suite = 'AES_CM_128_HMAC_SHA1_80', rest = ''): string => `a=crypto:${tag} ${suite} inline:${KEY}${rest}`;
  const savp = (payloads: string, extra: string[] = [], port = 5004): string => [`m=audio ${port} RTP/SAVP ${payloads}`, ...extra].join('\r\n');
  const cryptoLines = (sdp: string): string[] => sdp.split('\r\n').filter((l) => l.startsWith('a=crypto:'));
  const layout: MediaSlot[] = [{ kind: 'audio' }];

  describe('offering', () => {
    it("'require' offers RTP/SAVP with _80 first, then _32", () => {
      const sdp = writeOffer(origin, local, layout, 'sendrecv', { policy: 'require', crypto: offerCrypto() });
      expect(sdp).toContain('m=audio 40000 RTP/SAVP 0 8 101\r\n');
      expect(cryptoLines(sdp).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'a=crypto:2 AES_CM_128_HMAC_SHA1_32']);
      expect(cryptoLines(sdp)[0]).toMatch(/ inline:[A-Za-z0-9+/]{40}$/);
    });

    it("'offer' offers RTP/AVP with the same crypto lines (best-effort SRTP)", () => {
      const offered = offerCrypto();
      const sdp = writeOffer(origin, local, layout, 'sendrecv', { policy: 'offer', crypto: offered });
      expect(sdp).toContain('m=audio 40000 RTP/AVP 0 8 101\r\n');
      expect(cryptoLines(sdp)).toEqual(offered.map((c) => `a=crypto:${writeCrypto(c)}`));
    });

    it("'off' (and the default) never writes a=crypto", () => {
      expect(writeOffer(origin, local, layout, 'sendrecv', { policy: 'off' })).not.toContain('a=crypto');
      expect(writeOffer(origin, local, layout, 'sendrecv')).not.toContain('a=crypto');
    });

    it('a re-offer on an SRTP session keeps offering the accepted tag and suite with our key', () => {
      const offered = offerCrypto();
      const answer = remote(audio('0', [crypto(2, 'AES_CM_128_HMAC_SHA1_32')]));
      const result = readAnswer(answer, layout, { policy: 'offer', crypto: offered });
      if (!result.ok || !result.value.srtp) throw new Error('expected SRTP');
      const sdp = writeOffer(origin, local, layout, 'sendonly', { policy: 'offer', crypto: reofferCrypto(result.value.srtp) });
      expect(cryptoLines(sdp)).toEqual([`a=crypto:${writeCrypto(offered[1]!)}`]);
      expect(sdp).toContain('a=sendonly\r\n');
    });
  });

  describe('answering', () => {
    it("'off' refuses RTP/SAVP with a reason that SRTP needs TLS (488)", () => {
      const result = answerOffer(remote(savp('0', [crypto(1)])), local, false, { policy: 'off' });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/TLS/);
      expect(answerOffer(remote(savp('0', [crypto(1)])), local, false)).toMatchObject({ ok: false });
    });

    it("'off' ignores a=crypto in an RTP/AVP offer", () => {
      const result = answerOffer(remote(audio('0', [crypto(1)])), local, false, { policy: 'off' });
      if (!result.ok) throw new Error(result.reason);
      expect(result.value.audio.srtp).toBeUndefined();
      expect(result.value.render(origin)).not.toContain('a=crypto');
    });

    it("'off' takes the RTP/AVP line when an offer carries RTP/SAVP and RTP/AVP audio", () => {
      const result = answerOffer(remote([savp('0', [crypto(1)]), audio('0', [], 5006)].join('\r\n')), local, false, { policy: 'off' });
      if (!result.ok) throw new Error(result.reason);
      expect(result.value.layout.map((s) => s.kind)).toEqual(['rejected', 'audio']);
      expect(result.value.audio.remotePort).toBe(5006);
    });

    it.each(['offer', 'require'] as const)("'%s' answers the first supported a=crypto with its tag and suite, our key, and the offer's profile", (policy) => {
      for (const [line, profile] of [[savp, 'RTP/SAVP'], [audio, 'RTP/AVP']] as const) {
        const offer = remote(line('8 0', [crypto(1, 'AES_256_CM_HMAC_SHA1_80'), crypto(2, 'AES_CM_128_HMAC_SHA1_32'), crypto(3)]));
        const result = answerOffer(offer, local, false, { policy });
        if (!result.ok) throw new Error(result.reason);
        const srtp = result.value.audio.srtp!;
        expect(srtp).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_32', tag: 2 });
        expect(Buffer.from(srtp.remote.key)).toEqual(Buffer.from(KEY, 'base64').subarray(0, 16));
        expect(Buffer.from(srtp.remote.salt)).toEqual(Buffer.from(KEY, 'base64').subarray(16));
        const sdp = result.value.render(origin);
        expect(sdp).toContain(`m=audio 40000 ${profile} 8\r\n`);
        const ours = cryptoLines(sdp);
        expect(ours).toHaveLength(1);
        expect(ours[0]).toMatch(/^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:/);
        expect(ours[0]).not.toContain(KEY);
        expect(ours[0]).toBe(`a=crypto:${writeCrypto({ tag: 2, suite: srtp.suite, ...srtp.local })}`);
      }
    });

    it("'require' refuses an offer without acceptable crypto; 'offer' falls back to plain RTP", () => {
      for (const offer of [remote(audio('0')), remote(audio('0', [crypto(1, 'AES_256_CM_HMAC_SHA1_80')]))]) {
        const required = answerOffer(offer, local, false, { policy: 'require' });
        expect(!required.ok && required.reason).toMatch(/SRTP required/);
        const best = answerOffer(offer, local, false, { policy: 'offer' });
        if (!best.ok) throw new Error(best.reason);
        expect(best.value.audio.srtp).toBeUndefined();
        expect(best.value.render(origin)).not.toContain('a=crypto');
      }
    });

    it.each(['offer', 'require'] as const)("'%s' refuses an RTP/SAVP offer whose crypto lines are all unsupported", (policy) => {
      for (const lines of [[], [crypto(1, 'AES_256_CM_HMAC_SHA1_80'), crypto(2, 'AES_CM_128_HMAC_SHA1_80', '|2^20|1:4'), crypto(3, 'AES_CM_128_HMAC_SHA1_80', ' UNENCRYPTED_SRTP')]]) {
        const result = answerOffer(remote(savp('0', lines)), local, false, { policy });
        expect(!result.ok && result.reason).toMatch(/RTP\/SAVP offer without a supported a=crypto/);
      }
    });

    it('keeps our key when a re-offer is answered with the same suite', () => {
      const first = answerOffer(remote(audio('0', [crypto(1)])), local, false, { policy: 'offer' });
      if (!first.ok || !first.value.audio.srtp) throw new Error('expected SRTP');
      const current = first.value.audio.srtp;
      const again = answerOffer(remote(audio('0', [crypto(1), 'a=sendonly'])), local, true, { policy: 'offer', current });
      expect(again.ok && again.value.audio.srtp?.local).toEqual(current.local);
    });
  });

  describe('reading the answer', () => {
    const offered = offerCrypto();

    it('takes the keys of the tag the answer names', () => {
      const result = readAnswer(remote(savp('0', [crypto(2, 'AES_CM_128_HMAC_SHA1_32')])), layout, { policy: 'require', crypto: offered });
      if (!result.ok) throw new Error(result.reason);
      expect(result.value.srtp).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_32', tag: 2, local: { key: offered[1]!.key, salt: offered[1]!.salt } });
      expect(Buffer.from(result.value.srtp!.remote.key)).toEqual(Buffer.from(KEY, 'base64').subarray(0, 16));
    });

    it('fails on a tag we did not offer or a changed suite', () => {
      const wrongTag = readAnswer(remote(audio('0', [crypto(7)])), layout, { policy: 'offer', crypto: offered });
      expect(!wrongTag.ok && wrongTag.reason).toMatch(/tag 7 was not offered/);
      const wrongSuite = readAnswer(remote(audio('0', [crypto(1, 'AES_CM_128_HMAC_SHA1_32')])), layout, { policy: 'offer', crypto: offered });
      expect(!wrongSuite.ok && wrongSuite.reason).toMatch(/changes the suite/);
    });

    it("'require' fails without crypto in the answer; 'offer' settles for plain RTP", () => {
      const required = readAnswer(remote(audio('0')), layout, { policy: 'require', crypto: offered });
      expect(!required.ok && required.reason).toMatch(/SRTP required/);
      const best = readAnswer(remote(audio('0')), layout, { policy: 'offer', crypto: offered });
      expect(best.ok && best.value.srtp).toBeUndefined();
      expect(best.ok).toBe(true);
    });

    it("'off' ignores crypto in an RTP/AVP answer", () => {
      const result = readAnswer(remote(audio('0', [crypto(1)])), layout);
      expect(result.ok && result.value.srtp).toBeUndefined();
      expect(result.ok).toBe(true);
    });
  });

  it('both ends settle mirrored keys that carry SRTP from one to the other', () => {
    const offered = offerCrypto();
    const offer = writeOffer(origin, { address: '198.51.100.5', rtpPort: 5004 }, layout, 'sendrecv', { policy: 'offer', crypto: offered });
    const answered = answerOffer(offer, local, false, { policy: 'offer' });
    if (!answered.ok) throw new Error(answered.reason);
    const read = readAnswer(answered.value.render(origin), layout, { policy: 'offer', crypto: offered });
    if (!read.ok) throw new Error(read.reason);
    const offerer = new SrtpSession(read.value.srtp!);
    const answerer = new SrtpSession(answered.value.audio.srtp!);
    const packet = buildRtp({ marker: true, payloadType: 0, sequence: 1, timestamp: 160, ssrc: 99, payload: new Uint8Array(160).fill(0xff) });
    expect(answerer.unprotectRtp(offerer.protectRtp(packet))).toEqual({ ok: true, packet });
    expect(offerer.unprotectRtp(answerer.protectRtp(packet))).toEqual({ ok: true, packet });
  });
});

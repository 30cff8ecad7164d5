import { describe, expect, it } from 'vitest';
import { generateCrypto, parseCrypto, writeCrypto } from './sdes';
import { acceptCrypto, answeredCrypto, cryptoAttributes, offerCrypto, reofferCrypto } from './sdes-negotiation';

/** 30 bytes 0x00..0x1d: key 00..0f, salt 10..1d. */
const KEY_SALT = Buffer.from(Array.from({ length: 30 }, (_, i) => i)).toString('base64');
const line = (rest = '', suite = 'AES_CM_128_HMAC_SHA1_80', tag = '1'): string => `${tag} ${suite} inline:${KEY_SALT}${rest}`;

describe('a=crypto (RFC 4568 §9.1)', () => {
  it('reads tag, suite, key and salt', () => {
    const result = parseCrypto(line());
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.tag).toBe(1);
    expect(result.value.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(Buffer.from(result.value.key).toString('hex')).toBe('000102030405060708090a0b0c0d0e0f');
    expect(Buffer.from(result.value.salt).toString('hex')).toBe('101112131415161718191a1b1c1d');
  });

  it('accepts the _32 suite, a lifetime, a window size hint and lower case', () => {
    expect(parseCrypto(line('', 'AES_CM_128_HMAC_SHA1_32', '123456789'))).toMatchObject({ ok: true, value: { tag: 123456789, suite: 'AES_CM_128_HMAC_SHA1_32' } });
    expect(parseCrypto(line('|2^31'))).toMatchObject({ ok: true });
    expect(parseCrypto(line('|1048576 WSH=128'))).toMatchObject({ ok: true });
    expect(parseCrypto(`  2 aes_cm_128_hmac_sha1_80 INLINE:${KEY_SALT}  `)).toMatchObject({ ok: true, value: { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_80' } });
  });

  it.each([
    ['an unknown suite', line('', 'AES_256_CM_HMAC_SHA1_80'), /unsupported crypto suite AES_256_CM_HMAC_SHA1_80/],
    ['F8 mode', line('', 'F8_128_HMAC_SHA1_80'), /unsupported crypto suite/],
    ['MKI', line('|2^20|1:4'), /MKI/],
    ['MKI without lifetime', line('|1:1'), /MKI/],
    ['two lifetimes', line('|2^20|2^30'), /lifetime/],
    ['a bad lifetime', line('|forever'), /lifetime/],
    ['several keys', `${line('|2^20|1:4')};inline:${KEY_SALT}|2^20|2:4`, /more than one master key/],
    ['a short key', `1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(16).toString('base64')}`, /30 bytes/],
    ['a long key', `1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(46).toString('base64')}`, /30 bytes/],
    ['not base64', '1 AES_CM_128_HMAC_SHA1_80 inline:not*base64', /30 bytes/],
    ['another key method', '1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key', /key method/],
    ['UNENCRYPTED_SRTP', line(' UNENCRYPTED_SRTP'), /session parameter UNENCRYPTED_SRTP/],
    ['UNAUTHENTICATED_SRTP after a hint', line(' WSH=64 UNAUTHENTICATED_SRTP'), /UNAUTHENTICATED_SRTP/],
    ['a key derivation rate', line(' KDR=24'), /KDR=24/],
    ['a bad tag', line('', 'AES_CM_128_HMAC_SHA1_80', 'x'), /malformed/],
    ['a ten-digit tag', line('', 'AES_CM_128_HMAC_SHA1_80', '1234567890'), /malformed/],
    ['no key', '1 AES_CM_128_HMAC_SHA1_80', /malformed/],
    ['nothing', '', /malformed/],
  ])('refuses %s as a value with a reason', (_, value, reason) => {
    const result = parseCrypto(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('writes what it reads, and generates fresh keys of the right length', () => {
    const crypto = generateCrypto(3, 'AES_CM_128_HMAC_SHA1_32');
    expect(crypto.key).toHaveLength(16);
    expect(crypto.salt).toHaveLength(14);
    expect(writeCrypto(crypto)).toMatch(/^3 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
    const read = parseCrypto(writeCrypto(crypto));
    expect(read.ok && [read.value.tag, read.value.suite, Buffer.from(read.value.key), Buffer.from(read.value.salt)]).toEqual([3, crypto.suite, crypto.key, crypto.salt]);
    expect(Buffer.from(generateCrypto(3, 'AES_CM_128_HMAC_SHA1_32').key).equals(Buffer.from(crypto.key))).toBe(false);
  });
});

describe('SDES offer/answer (RFC 4568 §7)', () => {
  it('offers _80 then _32 with separate keys', () => {
    const offered = offerCrypto();
    expect(offered.map((c) => [c.tag, c.suite])).toEqual([
      [1, 'AES_CM_128_HMAC_SHA1_80'],
      [2, 'AES_CM_128_HMAC_SHA1_32'],
    ]);
    expect(Buffer.from(offered[0]!.key).equals(Buffer.from(offered[1]!.key))).toBe(false);
  });

  it('reads a=crypto of one m-section only', () => {
    const sdp = ['v=0', 'm=video 0 RTP/AVP 96', 'a=crypto:9 X inline:y', 'm=audio 5004 RTP/AVP 0', `a=crypto:${line()}`, 'a=sendrecv', ''].join('\r\n');
    expect(cryptoAttributes(sdp, 1)).toEqual([line()]);
    expect(cryptoAttributes(sdp, 0)).toEqual(['9 X inline:y']);
  });

  it('answers the first supported line with its tag and suite and a key of ours', () => {
    const offered = [line('', 'AES_256_CM_HMAC_SHA1_80', '1'), line('|1:4', 'AES_CM_128_HMAC_SHA1_80', '2'), line('', 'AES_CM_128_HMAC_SHA1_32', '3')];
    const result = acceptCrypto('RTP/SAVP', offered, { policy: 'require' });
    if (!result.ok || !result.value) throw new Error('expected SRTP');
    expect(result.value.answer).toMatchObject({ tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(Buffer.from(result.value.answer.key).equals(Buffer.from(KEY_SALT, 'base64').subarray(0, 16))).toBe(false);
    expect(Buffer.from(result.value.srtp.remote.key).toString('hex')).toBe('000102030405060708090a0b0c0d0e0f');
    expect(result.value.srtp.local.key).toBe(result.value.answer.key);
  });

  it('keeps our key on a re-offer with the same suite (§7.1.4), not with another', () => {
    const first = acceptCrypto('RTP/AVP', [line()], { policy: 'offer' });
    if (!first.ok || !first.value) throw new Error('expected SRTP');
    const current = first.value.srtp;
    const again = acceptCrypto('RTP/AVP', [line('', 'AES_CM_128_HMAC_SHA1_80', '7')], { policy: 'offer', current });
    expect(again.ok && again.value?.answer).toMatchObject({ tag: 7, key: current.local.key, salt: current.local.salt });
    const other = acceptCrypto('RTP/AVP', [line('', 'AES_CM_128_HMAC_SHA1_32')], { policy: 'offer', current });
    expect(other.ok && other.value?.answer.key).not.toBe(current.local.key);
    expect(reofferCrypto(current)).toEqual([{ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', key: current.local.key, salt: current.local.salt }]);
  });

  it('matches the answer tag against what we offered', () => {
    const offered = offerCrypto();
    const srtp = { policy: 'offer' as const, crypto: offered };
    const answer = (tag: string, suite: string): string => line('', suite, tag);
    const ok = answeredCrypto('RTP/AVP', [answer('2', 'AES_CM_128_HMAC_SHA1_32')], srtp);
    expect(ok).toMatchObject({ ok: true, value: { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32', local: { key: offered[1]!.key } } });
    expect(answeredCrypto('RTP/AVP', [answer('5', 'AES_CM_128_HMAC_SHA1_80')], srtp)).toMatchObject({ ok: false, reason: expect.stringMatching(/tag 5 was not offered/) });
    expect(answeredCrypto('RTP/AVP', [answer('1', 'AES_CM_128_HMAC_SHA1_32')], srtp)).toMatchObject({ ok: false, reason: expect.stringMatching(/changes the suite/) });
    expect(answeredCrypto('RTP/AVP', [line(' UNENCRYPTED_SRTCP')], srtp)).toMatchObject({ ok: false });
  });
});

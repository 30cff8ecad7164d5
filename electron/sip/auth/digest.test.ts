import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationHeader,
  chooseChallenge,
  computeDigestResponse,
  formatNonceCount,
  parseChallenges,
  parseCredentialRealms,
  type DigestChallenge,
} from './digest';
import { parseAuthElements } from './auth-params';

/** RFC 2617 §3.5. */
const RFC2617_CHALLENGE = `Digest
                 realm="testrealm@host.com",
                 qop="auth,auth-int",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41"`;

/** RFC 7616 §3.9.1: the server offers SHA-256 first, then MD5. */
const RFC7616_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC7616_OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const rfc7616Challenge = (algorithm: string): string =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616_NONCE}", opaque="${RFC7616_OPAQUE}"`;

function only(values: string[]): DigestChallenge {
  const [challenge] = parseChallenges(values);
  if (!challenge) throw new Error('no challenge parsed');
  return challenge;
}

/** Parses the `response=` of a built header, to check it against the RFC's value. */
function responseOf(header: string): string | undefined {
  return parseAuthElements([header])[0]?.params.response;
}

describe('parseChallenges', () => {
  it('parses the RFC 2617 §3.5 challenge, folded over lines', () => {
    const c = only([RFC2617_CHALLENGE]);
    expect(c).toMatchObject({
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      algorithm: 'MD5',
      qop: ['auth', 'auth-int'],
      stale: false,
      userhash: false,
    });
  });

  it('reads several challenges in one value and across values, skipping other schemes', () => {
    const challenges = parseChallenges([
      'Basic realm="x", Digest realm="a", nonce="1", algorithm=md5-sess, Digest realm="a", nonce="2", algorithm=SHA-256',
      'Digest realm="b", nonce="3", algorithm=SHA-512-256, stale=TRUE, userhash=true',
    ]);
    expect(challenges.map((c) => [c.realm, c.nonce, c.algorithm, c.stale, c.userhash])).toEqual([
      ['a', '1', 'MD5-sess', false, false],
      ['a', '2', 'SHA-256', false, false],
      ['b', '3', 'SHA-512-256', true, true],
    ]);
  });

  it('unescapes quoted strings and keeps commas inside them', () => {
    const c = only(['Digest realm="say \\"hi\\", \\\\ok", nonce="n,1", opaque="o"']);
    expect(c.realm).toBe('say "hi", \\ok');
    expect(c.nonce).toBe('n,1');
  });

  it('drops challenges without realm or nonce and keeps unknown algorithms as received', () => {
    const challenges = parseChallenges([
      'Digest realm="a"',
      'Digest nonce="1"',
      'Digest realm="a", nonce="1", algorithm=SHA3-999',
    ]);
    expect(challenges).toHaveLength(1);
    expect(challenges[0]?.algorithm).toBe('SHA3-999');
  });
});

describe('chooseChallenge', () => {
  it('prefers SHA-512-256 over SHA-256 over MD5 regardless of order (RFC 8760 §2.4)', () => {
    const challenges = parseChallenges([
      'Digest realm="r", nonce="md5", algorithm=MD5',
      'Digest realm="r", nonce="sha256", algorithm=SHA-256',
      'Digest realm="r", nonce="sha512", algorithm=SHA-512-256',
      'Digest realm="r", nonce="unknown", algorithm=SHA3-999',
    ]);
    expect(chooseChallenge(challenges)?.nonce).toBe('sha512');
    expect(chooseChallenge(challenges.filter((c) => c.nonce !== 'sha512'))?.nonce).toBe('sha256');
    expect(chooseChallenge(challenges.filter((c) => c.nonce === 'md5' || c.nonce === 'unknown'))?.nonce).toBe(
      'md5',
    );
  });

  it('keeps the server order among equally strong challenges', () => {
    const challenges = parseChallenges([
      'Digest realm="r", nonce="first", algorithm=SHA-256-sess, qop=auth',
      'Digest realm="r", nonce="second", algorithm=SHA-256, qop=auth',
    ]);
    expect(chooseChallenge(challenges)?.nonce).toBe('first');
  });

  it('returns undefined when nothing is answerable (unknown algorithm or qop)', () => {
    const challenges = parseChallenges([
      'Digest realm="r", nonce="1", algorithm=SHA3-999',
      'Digest realm="r", nonce="2", qop="auth-conf"',
    ]);
    expect(chooseChallenge(challenges)).toBeUndefined();
  });
});

describe('computeDigestResponse', () => {
  it('matches RFC 2617 §3.5', () => {
    const response = computeDigestResponse({
      algorithm: 'MD5',
      username: 'Mufasa',
      password: 'Circle Of Life',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: 1,
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('matches RFC 7616 §3.9.1 for MD5 and SHA-256 through buildAuthorizationHeader', () => {
    const challenges = parseChallenges([rfc7616Challenge('SHA-256'), rfc7616Challenge('MD5')]);
    const build = (challenge: DigestChallenge | undefined): string =>
      buildAuthorizationHeader({
        challenge: challenge!,
        method: 'GET',
        uri: '/dir/index.html',
        username: 'Mufasa',
        password: 'Circle of Life',
        cnonce: RFC7616_CNONCE,
        nc: 1,
      });
    expect(responseOf(build(challenges[1]))).toBe('8ca523f5e9506fed4657c9700eebdbec');
    const sha = build(challenges[0]);
    expect(responseOf(sha)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(parseAuthElements([sha])[0]?.params).toMatchObject({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      uri: '/dir/index.html',
      algorithm: 'SHA-256',
      nc: '00000001',
      cnonce: RFC7616_CNONCE,
      qop: 'auth',
      opaque: RFC7616_OPAQUE,
    });
  });

  it('computes SHA-512-256 and SHA-512-256-sess as RFC 7616 §3.4.2 defines them', () => {
    // Independent computation with the FIPS 180-4 SHA-512/256 function, checked against its "abc" test vector.
    const H = (s: string): string => createHash('sha512-256').update(s).digest('hex');
    expect(H('abc')).toBe('53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23');
    const base = {
      username: 'alice',
      password: 'sécret',
      realm: 'pbx.example',
      nonce: 'abc123',
      method: 'REGISTER',
      uri: 'sip:pbx.example',
      qop: 'auth' as const,
      nc: 7,
      cnonce: 'c0ffee',
    };
    const ha1 = H('alice:pbx.example:sécret');
    const ha2 = H('REGISTER:sip:pbx.example');
    expect(computeDigestResponse({ ...base, algorithm: 'SHA-512-256' })).toBe(
      H(`${ha1}:abc123:00000007:c0ffee:auth:${ha2}`),
    );
    const sessHa1 = H(`${ha1}:abc123:c0ffee`);
    expect(computeDigestResponse({ ...base, algorithm: 'SHA-512-256-sess' })).toBe(
      H(`${sessHa1}:abc123:00000007:c0ffee:auth:${ha2}`),
    );
  });

  it('hashes the body into A2 for auth-int and falls back to RFC 2069 without qop', () => {
    const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
    const common = {
      algorithm: 'MD5' as const,
      username: 'u',
      password: 'p',
      realm: 'r',
      nonce: 'n',
      method: 'INVITE',
      uri: 'sip:b@h',
    };
    const ha1 = md5('u:r:p');
    expect(computeDigestResponse({ ...common, qop: 'auth-int', nc: 1, cnonce: 'c', body: 'v=0\r\n' })).toBe(
      md5(`${ha1}:n:00000001:c:auth-int:${md5(`INVITE:sip:b@h:${md5('v=0\r\n')}`)}`),
    );
    expect(computeDigestResponse(common)).toBe(md5(`${ha1}:n:${md5('INVITE:sip:b@h')}`));
  });
});

describe('buildAuthorizationHeader', () => {
  const build = (challenge: string, extra: { nc?: number; body?: string } = {}): Record<string, string> =>
    parseAuthElements([
      buildAuthorizationHeader({
        challenge: only([challenge]),
        method: 'REGISTER',
        uri: 'sip:r',
        username: 'u',
        password: 'p',
        ...extra,
      }),
    ])[0]!.params;

  it('formats nc as 8 hex digits and draws a fresh cnonce each time', () => {
    expect(formatNonceCount(255)).toBe('000000ff');
    const a = build('Digest realm="r", nonce="n", qop="auth"', { nc: 26 });
    const b = build('Digest realm="r", nonce="n", qop="auth"', { nc: 26 });
    expect(a.nc).toBe('0000001a');
    expect(a.cnonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.cnonce).not.toBe(b.cnonce);
  });

  it('answers auth-int only when that is all that is offered', () => {
    expect(build('Digest realm="r", nonce="n", qop="auth-int,auth"').qop).toBe('auth');
    expect(build('Digest realm="r", nonce="n", qop="auth-int"', { body: 'x' }).qop).toBe('auth-int');
  });

  it('omits qop, nc and cnonce for an RFC 2069 challenge', () => {
    const params = build('Digest realm="r", nonce="n"');
    expect(params.qop).toBeUndefined();
    expect(params.nc).toBeUndefined();
    expect(params.cnonce).toBeUndefined();
    expect(params.response).toHaveLength(32);
  });

  it('sends a hashed username when the server asks for userhash (RFC 7616 §3.4.4)', () => {
    const params = build('Digest realm="r", nonce="n", qop=auth, algorithm=SHA-256, userhash=true');
    expect(params.username).toBe(createHash('sha256').update('u:r').digest('hex'));
    expect(params.userhash).toBe('true');
  });

  it('escapes quotes in the username and can be read back', () => {
    const header = buildAuthorizationHeader({
      challenge: only(['Digest realm="r", nonce="n"']),
      method: 'REGISTER',
      uri: 'sip:r',
      username: 'a"b\\c',
      password: 'p',
    });
    expect(parseAuthElements([header])[0]?.params.username).toBe('a"b\\c');
    expect(parseCredentialRealms([header])).toEqual([{ realm: 'r', nonce: 'n' }]);
  });
});

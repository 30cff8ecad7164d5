import { describe, expect, it } from 'vitest';
import { buildAuthorizationHeader, DIGEST_ALGORITHMS, parseChallenges } from '../digest';
import {
  checkDigestAuthorization,
  expectedDigestResponse,
  parseDigestCredentials,
  type DigestRequest,
} from './digest-check-rig';

/** A request as the check sees it: a method, the given Authorization values, a body. */
const request = (method: string, authorization: string[], body?: string): DigestRequest => ({
  method,
  getAll: (name) => (name.toLowerCase() === 'authorization' ? authorization : []),
  ...(body !== undefined ? { body: new TextEncoder().encode(body) } : {}),
});

// RFC 2617 §3.5, the Authorization header as published (unfolded).
const RFC2617 =
  'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
  'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

// RFC 7616 §3.9.1, both Authorization headers as published (unfolded).
const RFC7616 = (algorithm: string, response: string): string =>
  `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, ` +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
  `qop=auth, response="${response}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const RFC7616_MD5 = RFC7616('MD5', '8ca523f5e9506fed4657c9700eebdbec');
const RFC7616_SHA256 = RFC7616('SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');

describe('independent digest check (test peers)', () => {
  it('computes the RFC 2617 §3.5 and RFC 7616 §3.9.1 published responses', () => {
    expect(
      expectedDigestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
    const rfc7616 = {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      password: 'Circle of Life',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(expectedDigestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(expectedDigestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('accepts the published Authorization headers and reads their parameters', () => {
    expect(
      checkDigestAuthorization(request('GET', [RFC2617]), { Mufasa: 'Circle Of Life' }, 'testrealm@host.com'),
    ).toBe('Mufasa');
    expect(
      checkDigestAuthorization(
        request('GET', [RFC7616_MD5]),
        { Mufasa: 'Circle of Life' },
        'http-auth@example.org',
      ),
    ).toBe('Mufasa');
    expect(
      checkDigestAuthorization(
        request('GET', [RFC7616_SHA256]),
        { Mufasa: 'Circle of Life' },
        'http-auth@example.org',
      ),
    ).toBe('Mufasa');
    expect(parseDigestCredentials([RFC7616_SHA256])).toMatchObject({
      algorithm: 'SHA-256',
      nc: '00000001',
      qop: 'auth',
      uri: '/dir/index.html',
    });
    expect(
      parseDigestCredentials(['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'Digest username="a\\"b", realm=r']),
    ).toEqual({ username: 'a"b', realm: 'r' });
    expect(parseDigestCredentials(['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='])).toBeUndefined();
  });

  it('refuses what a registrar must refuse', () => {
    const users = { Mufasa: 'Circle of Life' };
    const realm = 'http-auth@example.org';
    const check = (header: string, method = 'GET'): string | undefined =>
      checkDigestAuthorization(request(method, [header]), users, realm);
    expect(
      checkDigestAuthorization(request('GET', [RFC7616_MD5]), { Mufasa: 'Circle Of Life' }, realm),
    ).toBeUndefined();
    expect(checkDigestAuthorization(request('GET', [RFC7616_MD5]), users, 'other')).toBeUndefined();
    expect(checkDigestAuthorization(request('GET', [RFC7616_MD5]), { Simba: 'x' }, realm)).toBeUndefined();
    expect(check(RFC7616_MD5, 'POST')).toBeUndefined();
    expect(check(RFC7616_MD5.replace('/dir/index.html', '/dir/other.html'))).toBeUndefined();
    expect(check(RFC7616_MD5.replace('nc=00000001', 'nc=00000002'))).toBeUndefined();
    expect(check(RFC7616_MD5.replace('algorithm=MD5', 'algorithm=SHA-256'))).toBeUndefined();
    expect(check(RFC7616_MD5.replace('algorithm=MD5', 'algorithm=SHA-1'))).toBeUndefined();
    expect(check(RFC7616_MD5.replace(/cnonce="[^"]*", /, ''))).toBeUndefined();
    expect(checkDigestAuthorization(request('GET', []), users, realm)).toBeUndefined();
  });

  it('agrees with the product client for every algorithm and qop it offers', () => {
    // Two implementations written apart agreeing is what makes the fakes' verdict worth something.
    const users = { alice: 'sécret pw' };
    for (const algorithm of DIGEST_ALGORITHMS) {
      for (const qop of ['auth', 'auth-int', undefined]) {
        const [challenge] = parseChallenges([
          `Digest realm="pbx.test", nonce="n-${algorithm}", algorithm=${algorithm}${qop ? `, qop="${qop}"` : ''}`,
        ]);
        const body = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
        const header = buildAuthorizationHeader({
          challenge: challenge!,
          method: 'INVITE',
          uri: 'sip:101@pbx.test',
          username: 'alice',
          password: users.alice,
          nc: 3,
          body,
        });
        expect(
          checkDigestAuthorization(request('INVITE', [header], body), users, 'pbx.test'),
          `${algorithm} ${qop ?? 'no qop'}`,
        ).toBe('alice');
        expect(checkDigestAuthorization(request('INVITE', [header], `${body} `), users, 'pbx.test')).toBe(
          qop === 'auth-int' ? undefined : 'alice',
        );
      }
    }
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../message/parse-message';
import { loadSipFixture } from '../message/testing/message-fixtures';
import type { SipRequest, SipResponse } from '../message/types';
import { parseAuthElements } from './auth-params';
import { AuthenticationError, DigestSession } from './digest-session';

const CREDENTIALS = { username: '201', password: 's3cret!' };

function register(): SipRequest {
  const message = parseMessage(loadSipFixture('auth/register.sip'));
  if (message.kind !== 'request') throw new Error('fixture is not a request');
  return message;
}

function response(name: string, replace: Record<string, string> = {}): SipResponse {
  let text = loadSipFixture(`auth/${name}`);
  for (const [from, to] of Object.entries(replace)) text = text.replace(from, to);
  const message = parseMessage(text);
  if (message.kind !== 'response') throw new Error('fixture is not a response');
  return message;
}

/** `401-md5.sip` with its NONCE placeholder filled and STALE either `, stale=true` or removed. */
const md5Challenge = (nonce: string, stale = false) =>
  response('401-md5.sip', { NONCE: nonce, STALE: stale ? ', stale=true' : '' });

function credentials(request: SipRequest, header = 'Authorization'): Array<Record<string, string>> {
  return parseAuthElements(request.getAll(header)).map((e) => e.params);
}

describe('DigestSession.authorize', () => {
  it('answers the strongest of several challenges with a correct SHA-512-256 digest', () => {
    const session = new DigestSession(CREDENTIALS, { cnonce: () => 'fixed-cnonce' });
    const request = register();
    expect(session.authorize(request, response('401-multiple-challenges.sip'))).toBe('retry');
    const [auth, ...rest] = credentials(request);
    expect(rest).toHaveLength(0);
    expect(auth).toMatchObject({
      algorithm: 'SHA-512-256',
      nonce: 'n-sha512',
      opaque: 'op"aque',
      qop: 'auth',
      nc: '00000001',
    });
    const H = (s: string) => createHash('sha512-256').update(s).digest('hex');
    const ha1 = H('201:pbx.example.test:s3cret!');
    const ha2 = H('REGISTER:sip:pbx.example.test');
    expect(auth?.response).toBe(H(`${ha1}:n-sha512:00000001:fixed-cnonce:auth:${ha2}`));
    expect(request.has('Proxy-Authorization')).toBe(false);
  });

  it('answers a 407 with Proxy-Authorization, one per challenging realm', () => {
    const session = new DigestSession(CREDENTIALS);
    const request = register();
    expect(session.authorize(request, response('407-two-proxies.sip'))).toBe('retry');
    expect(request.has('Authorization')).toBe(false);
    const proxies = credentials(request, 'Proxy-Authorization');
    expect(proxies.map((p) => [p.realm, p.nonce, p.algorithm, p.qop])).toEqual([
      ['edge.example.test', 'edge-1', 'SHA-256', 'auth'],
      ['core.example.test', 'core-1', 'MD5', undefined],
    ]);
  });

  it('gives up after a second rejection of the same credentials', () => {
    const session = new DigestSession(CREDENTIALS);
    const request = register();
    expect(session.authorize(request, md5Challenge('first'))).toBe('retry');
    expect(session.lastError).toBeUndefined();
    expect(session.authorize(request, md5Challenge('second'))).toBe('give-up');
    expect(session.lastError).toBeInstanceOf(AuthenticationError);
    expect(session.lastError).toMatchObject({ code: 'rejected', status: 401, realm: 'pbx.example.test' });
  });

  it('gives up the same way when the caller resends a fresh request prepared after authorize()', () => {
    const session = new DigestSession(CREDENTIALS);
    const first = register();
    expect(session.authorize(first, md5Challenge('first'))).toBe('retry');
    const second = register();
    session.prepare(second);
    expect(credentials(second)[0]).toMatchObject({ nonce: 'first', nc: '00000002' });
    expect(session.authorize(second, md5Challenge('second'))).toBe('give-up');
    expect(session.lastError?.code).toBe('rejected');
  });

  it('retries a stale nonce without counting it as a rejection, restarting nc for the new nonce', () => {
    const session = new DigestSession(CREDENTIALS);
    const request = register();
    session.authorize(request, md5Challenge('old'));
    expect(session.authorize(request, md5Challenge('fresh', true))).toBe('retry');
    const all = credentials(request);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ nonce: 'fresh', nc: '00000001' });
    // The stale round did not use up the one rejection: a plain 401 now means the password is wrong.
    expect(session.authorize(request, md5Challenge('third'))).toBe('give-up');
  });

  it('stops answering a server that only ever says stale', () => {
    const session = new DigestSession(CREDENTIALS, { maxStaleRetries: 2 });
    const request = register();
    session.authorize(request, md5Challenge('n0'));
    expect(session.authorize(request, md5Challenge('n1', true))).toBe('retry');
    expect(session.authorize(request, md5Challenge('n2', true))).toBe('retry');
    expect(session.authorize(request, md5Challenge('n3', true))).toBe('give-up');
    expect(session.lastError?.code).toBe('too-many-stale');
  });

  it('gives up on responses it cannot answer', () => {
    const session = new DigestSession(CREDENTIALS);
    expect(session.authorize(register(), response('401-md5.sip', { NONCE: 'n', MD5STALE: 'SHA3-999' }))).toBe(
      'give-up',
    );
    expect(session.lastError?.code).toBe('no-supported-challenge');
    const forbidden = md5Challenge('n');
    forbidden.status = 403;
    expect(session.authorize(register(), forbidden)).toBe('give-up');
    expect(session.lastError?.code).toBe('not-a-challenge');
    const scoped = new DigestSession({ ...CREDENTIALS, realm: 'other.test' });
    expect(scoped.authorize(register(), md5Challenge('n'))).toBe('give-up');
    expect(scoped.lastError?.code).toBe('no-matching-realm');
  });
});

describe('DigestSession.prepare', () => {
  it('does nothing before any challenge', () => {
    const request = register();
    new DigestSession(CREDENTIALS).prepare(request);
    expect(request.has('Authorization')).toBe(false);
  });

  it('reuses the cached challenge on later requests with an increasing nonce count', () => {
    const session = new DigestSession(CREDENTIALS);
    session.authorize(register(), md5Challenge('cached'));
    const refreshes = [register(), register(), register()];
    for (const r of refreshes) session.prepare(r);
    expect(refreshes.map((r) => credentials(r)[0]?.nc)).toEqual(['00000002', '00000003', '00000004']);
    expect(new Set(refreshes.map((r) => credentials(r)[0]?.nonce))).toEqual(new Set(['cached']));
    // Replacing, not adding: a request prepared twice still carries one credential per realm.
    session.prepare(refreshes[0]!);
    expect(credentials(refreshes[0]!)).toHaveLength(1);
  });

  it('treats a plain 401 to pre-emptive credentials as a new challenge (a restarted server forgot the nonce)', () => {
    const session = new DigestSession(CREDENTIALS);
    const initial = register();
    session.authorize(initial, md5Challenge('before-restart'));
    // The resend of the challenged REGISTER (prepared right after authorize) succeeded; a refresh much later
    // carries the cached credentials.
    session.prepare(register());
    const later = register();
    session.prepare(later);
    expect(session.authorize(later, md5Challenge('after-restart'))).toBe('retry');
    expect(credentials(later)[0]).toMatchObject({ nonce: 'after-restart', nc: '00000001' });
    expect(session.authorize(later, md5Challenge('again'))).toBe('give-up');
  });
});

/**
 * The server side of digest (RFC 3261 §22.4, RFC 7616 §3.4.5): checks the first Authorization header of a request
 * against known passwords. Used by the fake servers that test our client usages, so they judge our credentials
 * with the same arithmetic a real registrar uses.
 */
import type { SipRequest } from '../message';
import { parseAuthElements } from './auth-params';
import { computeDigestResponse, type DigestAlgorithm, type DigestQop } from './digest';

/** Returns the authenticated username, or undefined when the request carries no valid credentials for `realm`. */
export function verifyDigestAuthorization(request: SipRequest, users: Readonly<Record<string, string>>, realm: string): string | undefined {
  const answer = parseAuthElements(request.getAll('Authorization'))[0];
  if (!answer) return undefined;
  const params = answer.params;
  const username = params.username ?? '';
  const password = users[username];
  if (password === undefined || params.realm !== realm) return undefined;
  const expected = computeDigestResponse({
    algorithm: (params.algorithm ?? 'MD5') as DigestAlgorithm,
    username,
    password,
    realm,
    nonce: params.nonce ?? '',
    method: request.method,
    uri: params.uri ?? '',
    qop: params.qop as DigestQop | undefined,
    nc: params.nc,
    cnonce: params.cnonce,
  });
  return expected === params.response ? username : undefined;
}

/**
 * The server side of HTTP Digest for the test peers (fake registrar, notifier, presence server, PBX), written apart
 * from the product's `digest.ts` and `auth-params.ts` on purpose: it shares no code with the client it judges, only
 * `node:crypto`, so a bug in the product's digest arithmetic or header parsing cannot be mirrored here and pass.
 * Follows RFC 2617 §3.2.2 (qop, -sess) and RFC 7616 §3.4 (SHA-256, SHA-512-256), with SIP's method and
 * Request-URI in A2 (RFC 3261 §22.4).
 */
import { createHash } from 'node:crypto';

/** Everything the response hash covers (RFC 7616 §3.4.1-§3.4.3). `nc` is the 8 hex digits as sent. */
export interface DigestInput {
  algorithm: string;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  /** The message body, for qop=auth-int. */
  body?: Uint8Array | string;
}

/** node:crypto names of the RFC 7616 §6.1 algorithms; `-sess` variants use the same hash. */
const HASH_NAMES: Readonly<Record<string, string>> = {
  md5: 'md5',
  'sha-256': 'sha256',
  'sha-512-256': 'sha512-256',
};

/** The expected `response`, or undefined for an algorithm or qop a server would refuse. */
export function expectedDigestResponse(input: DigestInput): string | undefined {
  const algorithm = input.algorithm.toLowerCase();
  const session = algorithm.endsWith('-sess');
  const hashName = HASH_NAMES[session ? algorithm.slice(0, -'-sess'.length) : algorithm];
  if (!hashName) return undefined;
  const H = (data: string | Uint8Array): string => createHash(hashName).update(data).digest('hex');
  const qop = input.qop?.toLowerCase();
  if (qop !== undefined && qop !== 'auth' && qop !== 'auth-int') return undefined;
  // With qop, nc and cnonce are mandatory (RFC 7616 §3.4); -sess needs a cnonce as well.
  if (qop !== undefined && (!input.nc || !input.cnonce)) return undefined;
  if (session && !input.cnonce) return undefined;

  let a1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (session) a1 = H(`${a1}:${input.nonce}:${input.cnonce}`);
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${H(input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const tail = qop === undefined ? H(a2) : `${input.nc}:${input.cnonce}:${qop}:${H(a2)}`;
  return H(`${a1}:${input.nonce}:${tail}`);
}

/**
 * The parameters of the first `Digest` credentials among `headers` (Authorization values), names lower-cased and
 * quoted strings unescaped (RFC 7235 §2.1, RFC 7230 §3.2.6); undefined when there is none.
 */
export function parseDigestCredentials(headers: readonly string[]): Record<string, string> | undefined {
  for (const header of headers) {
    const scheme = /^\s*Digest\s+/i.exec(header);
    if (!scheme) continue;
    const params: Record<string, string> = {};
    const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)/y;
    re.lastIndex = scheme[0].length;
    while (re.lastIndex < header.length) {
      const m = re.exec(header);
      if (!m) return undefined;
      params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    }
    return params;
  }
  return undefined;
}

/** What {@link checkDigestAuthorization} reads of a request. */
export interface DigestRequest {
  method: string;
  getAll(name: string): string[];
  body?: Uint8Array;
}

/**
 * Returns the authenticated username, or undefined when `request`'s Authorization carries no valid Digest
 * credentials for `realm` and one of `users` (username → password).
 */
export function checkDigestAuthorization(
  request: DigestRequest,
  users: Readonly<Record<string, string>>,
  realm: string,
): string | undefined {
  const params = parseDigestCredentials(request.getAll('Authorization'));
  if (!params) return undefined;
  const username = params.username;
  if (username === undefined || params.realm !== realm || !Object.hasOwn(users, username)) return undefined;
  const expected = expectedDigestResponse({
    algorithm: params.algorithm ?? 'MD5',
    username,
    realm,
    password: users[username]!,
    nonce: params.nonce ?? '',
    method: request.method,
    uri: params.uri ?? '',
    qop: params.qop,
    nc: params.nc,
    cnonce: params.cnonce,
    body: request.body,
  });
  // Hex digits compare case-insensitively (RFC 7616 §3.4.1 LHEX is lower case, but a lenient server accepts both).
  return expected !== undefined && expected === params.response?.toLowerCase() ? username : undefined;
}

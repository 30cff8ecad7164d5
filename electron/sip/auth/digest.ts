/**
 * HTTP Digest as used by SIP (RFC 3261 §22.4): RFC 2617 with RFC 7616's algorithms, which RFC 8760 brings to SIP.
 * Pure functions over strings; the per-usage state (nonce counts, cached credentials) lives in `digest-session.ts`.
 */
import { createHash } from 'node:crypto';
import { randomHex } from '../message/ids';
import { parseAuthElements, quote } from './auth-params';

/** Algorithms this implementation can answer (RFC 7616 §6.1 registry, RFC 8760 §2.1). */
export const DIGEST_ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
] as const;

export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** The quality-of-protection values we can answer (RFC 7616 §3.3). */
export type DigestQop = 'auth' | 'auth-int';

/** One parsed Digest challenge (RFC 7616 §3.3). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** Canonical spelling when known (`SHA-256`), otherwise as received; `MD5` when absent (RFC 7616 §3.3). */
  algorithm: string;
  /** Offered qop values, lower-cased; empty for an RFC 2069 challenge without qop. */
  qop: string[];
  /** The previous nonce was merely too old; retry with this one without asking the user (RFC 7616 §3.3). */
  stale: boolean;
  /** The server accepts a hashed username (RFC 7616 §3.4.4). */
  userhash: boolean;
  domain?: string;
  /** Every parameter as received, lower-cased names, for anything not modelled above. */
  params: Readonly<Record<string, string>>;
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
/** Higher is stronger; RFC 8760 §2.4 leaves the pick among supported algorithms to local policy. */
const STRENGTH: Record<string, number> = { MD5: 1, 'SHA-256': 2, 'SHA-512-256': 3 };

function canonicalAlgorithm(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'MD5';
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === raw.toLowerCase()) ?? raw;
}

/** True when `algorithm` is one this module can compute. */
export function isSupportedAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return (DIGEST_ALGORITHMS as readonly string[]).includes(algorithm);
}

function baseAlgorithm(algorithm: DigestAlgorithm): string {
  return algorithm.replace(/-sess$/, '');
}

/**
 * Parses WWW-Authenticate / Proxy-Authenticate values into Digest challenges, in order. Non-Digest schemes and
 * challenges missing `realm` or `nonce` are skipped.
 */
export function parseChallenges(values: readonly string[]): DigestChallenge[] {
  const challenges: DigestChallenge[] = [];
  for (const element of parseAuthElements(values)) {
    if (element.scheme.toLowerCase() !== 'digest') continue;
    const p = element.params;
    if (p.realm === undefined || p.nonce === undefined) continue;
    const challenge: DigestChallenge = {
      realm: p.realm,
      nonce: p.nonce,
      algorithm: canonicalAlgorithm(p.algorithm),
      qop: (p.qop ?? '')
        .split(',')
        .map((q) => q.trim().toLowerCase())
        .filter((q) => q.length > 0),
      stale: p.stale?.toLowerCase() === 'true',
      userhash: p.userhash?.toLowerCase() === 'true',
      params: p,
    };
    if (p.opaque !== undefined) challenge.opaque = p.opaque;
    if (p.domain !== undefined) challenge.domain = p.domain;
    challenges.push(challenge);
  }
  return challenges;
}

/** The qop we answer with: `auth` when offered, else `auth-int`, else none (RFC 2069); null when unanswerable. */
export function selectQop(challenge: DigestChallenge): DigestQop | undefined | null {
  if (challenge.qop.length === 0) return undefined;
  if (challenge.qop.includes('auth')) return 'auth';
  if (challenge.qop.includes('auth-int')) return 'auth-int';
  return null;
}

/** True when we can compute an answer: known algorithm and a qop we speak (or none). */
export function isAnswerable(challenge: DigestChallenge): boolean {
  return isSupportedAlgorithm(challenge.algorithm) && selectQop(challenge) !== null;
}

/**
 * The strongest answerable challenge (SHA-512-256 > SHA-256 > MD5, RFC 7616 §3.7 / RFC 8760 §2.4); among equals the
 * first, i.e. the server's preference order. Undefined when none is answerable.
 */
export function chooseChallenge(challenges: readonly DigestChallenge[]): DigestChallenge | undefined {
  let best: DigestChallenge | undefined;
  let bestStrength = 0;
  for (const c of challenges) {
    if (!isAnswerable(c)) continue;
    const strength = STRENGTH[baseAlgorithm(c.algorithm as DigestAlgorithm)] ?? 0;
    if (strength > bestStrength) {
      best = c;
      bestStrength = strength;
    }
  }
  return best;
}

function hash(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  const name = HASHES[baseAlgorithm(algorithm)];
  if (!name) throw new Error(`no hash for ${algorithm}`);
  return createHash(name).update(data).digest('hex');
}

/** Formats a nonce count as the 8 lower-case hex digits RFC 7616 §3.4 requires. */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

/** A fresh client nonce: 128 random bits, hex. */
export function newCnonce(): string {
  return randomHex(16);
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** Omit for the RFC 2069 form (no cnonce, no nc). */
  qop?: DigestQop;
  /** Nonce count as a number or the already formatted 8 hex digits; required with qop. */
  nc?: number | string;
  /** Required with qop and with any `-sess` algorithm. */
  cnonce?: string;
  /** Message body, hashed into A2 for `auth-int`. */
  body?: Uint8Array | string;
}

/** Computes the `response` parameter (RFC 7616 §3.4.1–§3.4.3; RFC 2617 §3.2.2.1 without qop). */
export function computeDigestResponse(input: DigestInput): string {
  const { algorithm } = input;
  const H = (data: string | Uint8Array): string => hash(algorithm, data);
  let ha1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) {
    if (input.cnonce === undefined) throw new Error(`${algorithm} needs a cnonce`);
    ha1 = H(`${ha1}:${input.nonce}:${input.cnonce}`);
  }
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${H(input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = H(a2);
  if (input.qop === undefined) return H(`${ha1}:${input.nonce}:${ha2}`);
  if (input.nc === undefined || input.cnonce === undefined) throw new Error('qop needs nc and cnonce');
  const nc = typeof input.nc === 'number' ? formatNonceCount(input.nc) : input.nc;
  return H(`${ha1}:${input.nonce}:${nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

export interface AuthorizationInput {
  challenge: DigestChallenge;
  method: string;
  uri: string;
  username: string;
  password: string;
  /** Defaults to a fresh random value. */
  cnonce?: string;
  /** Nonce count for this nonce, starting at 1; defaults to 1. */
  nc?: number;
  body?: Uint8Array | string;
}

/**
 * Builds an Authorization / Proxy-Authorization value answering `challenge` (RFC 3261 §22.4, RFC 7616 §3.4).
 * Throws a plain Error for an unanswerable challenge: callers filter with {@link isAnswerable} first.
 */
export function buildAuthorizationHeader(input: AuthorizationInput): string {
  const { challenge } = input;
  const algorithm = challenge.algorithm;
  if (!isSupportedAlgorithm(algorithm)) throw new Error(`unsupported digest algorithm ${algorithm}`);
  const qop = selectQop(challenge);
  if (qop === null) throw new Error(`unsupported qop ${challenge.qop.join(',')}`);
  const needsCnonce = qop !== undefined || algorithm.endsWith('-sess');
  const cnonce = needsCnonce ? (input.cnonce ?? newCnonce()) : undefined;
  const nc = formatNonceCount(input.nc ?? 1);
  const response = computeDigestResponse({
    algorithm,
    username: input.username,
    password: input.password,
    realm: challenge.realm,
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    qop,
    nc,
    cnonce,
    body: input.body,
  });
  const username = challenge.userhash
    ? hash(algorithm, `${input.username}:${challenge.realm}`)
    : input.username;
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(input.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${algorithm}`,
  ];
  if (cnonce !== undefined) parts.push(`cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${nc}`);
  if (challenge.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}

/** Realm and nonce of credentials already on a request, read from Authorization / Proxy-Authorization values. */
export function parseCredentialRealms(values: readonly string[]): { realm: string; nonce?: string }[] {
  return parseAuthElements(values)
    .filter((e) => e.scheme.toLowerCase() === 'digest' && e.params.realm !== undefined)
    .map((e) => ({ realm: e.params.realm as string, nonce: e.params.nonce }));
}

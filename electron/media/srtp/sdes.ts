/**
 * The SDP `a=crypto` attribute of SDES (RFC 4568 §9.1) for SRTP: reading one, writing one, making fresh keys. We
 * support one inline master key per line without MKI or lifetime enforcement, and no session parameters that change
 * SRTP (§6.3); anything else is refused as a value with a reason, so the negotiation can try the next line.
 */
import { randomBytes } from 'node:crypto';
import type { SdpResult } from '../media-types';
import { MASTER_KEY_LENGTH, MASTER_SALT_LENGTH } from './aes-cm';
import { isSrtpSuite, type SrtpSuite } from './srtp-context';

/** One a=crypto line we can use: tag, suite and the inline master key and salt. */
export interface SdesCrypto {
  /** 1-9 digits (§9.1); an answer repeats the tag of the offer line it accepts (§7.1.2). */
  tag: number;
  suite: SrtpSuite;
  /** Master key, 16 bytes. */
  key: Uint8Array;
  /** Master salt, 14 bytes. */
  salt: Uint8Array;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** §6.1 lifetime: decimal or `2^` power of two. */
const LIFETIME = /^(?:2\^)?\d+$/;
/** §6.3.7 window size hint: a hint only, so it is safe to ignore. */
const WINDOW_SIZE_HINT = /^WSH=\d+$/i;

/**
 * Reads the value of an `a=crypto:` attribute (what follows the colon): `<tag> <suite> inline:<key||salt
 * base64>[|<lifetime>][|<MKI>:<length>] [session params]`. Refused: unknown suites, other key methods, more than one
 * key (§6.1 allows several only with MKI), MKI, a key||salt that is not 30 bytes, and session parameters other than
 * WSH (KDR, UNENCRYPTED_SRTP/SRTCP, UNAUTHENTICATED_SRTP and FEC_* change the transform; §6.3).
 *
 * A lifetime is accepted and not enforced: at 50 packets/s even a 2^20 lifetime lasts almost six hours, and we never
 * re-key mid-call.
 */
export function parseCrypto(value: string): SdpResult<SdesCrypto> {
  const [tag, suiteName, keyParams, ...sessionParams] = value.trim().split(/[ \t]+/);
  if (!tag || !/^\d{1,9}$/.test(tag) || !suiteName || !keyParams) return { ok: false, reason: `malformed a=crypto "${value}"` };
  // ABNF string literals are case-insensitive (RFC 5234 §2.3), so "aes_cm_128_hmac_sha1_80" is the same suite.
  const suite = suiteName.toUpperCase();
  if (!isSrtpSuite(suite)) return { ok: false, reason: `unsupported crypto suite ${suiteName}` };
  if (keyParams.includes(';')) return { ok: false, reason: 'more than one master key (needs MKI, not supported)' };
  const method = /^inline:(.*)$/i.exec(keyParams);
  if (!method) return { ok: false, reason: `unsupported key method in ${keyParams.split(':')[0]}` };
  const [keySalt = '', ...extras] = method[1]!.split('|');
  for (const extra of extras) {
    if (extra.includes(':')) return { ok: false, reason: 'MKI is not supported' };
    if (!LIFETIME.test(extra)) return { ok: false, reason: `malformed key lifetime ${extra}` };
  }
  if (extras.length > 1) return { ok: false, reason: 'more than one key lifetime' };
  const bytes = BASE64.test(keySalt) ? Buffer.from(keySalt, 'base64') : undefined;
  if (bytes?.length !== MASTER_KEY_LENGTH + MASTER_SALT_LENGTH) return { ok: false, reason: `key and salt of ${suite} must be 30 bytes of base64` };
  const unsupported = sessionParams.find((param) => !WINDOW_SIZE_HINT.test(param));
  if (unsupported) return { ok: false, reason: `session parameter ${unsupported} is not supported` };
  return {
    ok: true,
    value: {
      tag: Number(tag),
      suite,
      key: Uint8Array.from(bytes.subarray(0, MASTER_KEY_LENGTH)),
      salt: Uint8Array.from(bytes.subarray(MASTER_KEY_LENGTH)),
    },
  };
}

/** The key parameter `inline:<base64 of key||salt>` (§6.1), without lifetime or MKI. */
export function inlineKey(crypto: SdesCrypto): string {
  return `inline:${Buffer.concat([crypto.key, crypto.salt]).toString('base64')}`;
}

/** The value of an `a=crypto:` attribute for `crypto`: `<tag> <suite> inline:<key||salt>`. */
export function writeCrypto(crypto: SdesCrypto): string {
  return `${crypto.tag} ${crypto.suite} ${inlineKey(crypto)}`;
}

/** A fresh master key and salt from the CSPRNG (RFC 3711 §8.1 wants them random and never reused across sessions). */
export function generateCrypto(tag: number, suite: SrtpSuite, random: (size: number) => Uint8Array = randomBytes): SdesCrypto {
  return { tag, suite, key: random(MASTER_KEY_LENGTH), salt: random(MASTER_SALT_LENGTH) };
}

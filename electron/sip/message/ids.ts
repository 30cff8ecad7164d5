/** Identifiers a UA mints: branch, tag, Call-ID. All drawn from a CSPRNG so they are globally unique. */
import { randomBytes } from 'node:crypto';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with the magic cookie `z9hG4bK`. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** A fresh Via branch, unique across space and time (RFC 3261 §8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomBytes(10).toString('hex');
}

/** A fresh From/To tag with at least 32 bits of randomness (RFC 3261 §19.3). */
export function newTag(): string {
  return randomBytes(6).toString('hex');
}

/** A fresh Call-ID, `random@host` when a host is given (RFC 3261 §8.1.1.4, §20.8). */
export function newCallId(host?: string): string {
  const id = randomBytes(12).toString('hex');
  return host ? `${id}@${host}` : id;
}

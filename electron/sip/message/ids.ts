/** Identifiers a UA mints: branch, tag, Call-ID. All drawn from a CSPRNG so they are globally unique. */
import { randomFillSync } from 'node:crypto';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with the magic cookie `z9hG4bK`. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * Random bytes are drawn from the CSPRNG in blocks: a call into it per identifier costs more than the identifier
 * (1,000 subscriptions mint ~3,000 of them at start). Every byte is handed out once.
 */
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

/** `bytes` fresh CSPRNG bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  if (bytes > POOL.length) throw new RangeError(`randomHex: at most ${POOL.length} bytes, got ${bytes}`);
  if (poolAt + bytes > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const hex = POOL.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

/** A fresh Via branch, unique across space and time (RFC 3261 §8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomHex(10);
}

/** A fresh From/To tag with at least 32 bits of randomness (RFC 3261 §19.3). */
export function newTag(): string {
  return randomHex(6);
}

/** A fresh Call-ID, `random@host` when a host is given (RFC 3261 §8.1.1.4, §20.8). */
export function newCallId(host?: string): string {
  const id = randomHex(12);
  return host ? `${id}@${host}` : id;
}

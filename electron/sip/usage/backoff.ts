/**
 * Retry delay after the `failures`-th consecutive failure: `base · 2^(failures-1)` capped at `max`, with ±20 %
 * jitter so a PBX restart is not met by every client at the same instant (RFC 5626 §4.5 gives the same shape).
 */
export function backoffSeconds(failures: number, baseSeconds: number, maxSeconds: number, random = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const delay = Math.min(maxSeconds, baseSeconds * 2 ** Math.min(exponent, 30));
  return delay * (0.8 + 0.4 * random());
}

/**
 * When to refresh a binding or subscription that lasts `expires` seconds: halfway for short ones, a minute early for
 * long ones, so one lost refresh still leaves time for a retransmitted one (Timer F is 32 s by default).
 */
export function refreshDelaySeconds(expires: number): number {
  return Math.max(expires / 2, expires - 60);
}

/**
 * Helpers for the real-socket tests of electron/media: a private port range per test file, two sessions that have
 * done offer/answer with each other on 127.0.0.1, and polling for what arrives over the loopback.
 */
import type { MediaClock } from '../media-types';
import { MediaSession } from '../media-session';
import { PortAllocator } from '../port-allocator';
import type { SrtpPolicy } from '../sdp-offer-answer';
import { RealMediaClock } from './fake-media-clock';

/** A fresh even port range of `size` ports, away from the usual PBX range; random so parallel runs rarely collide. */
export function portRange(size = 40): { min: number; max: number } {
  const min = 30000 + 2 * Math.floor(Math.random() * 10000);
  return { min, max: min + size - 1 };
}

/** Resolves once `check()` is true; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two sessions on one allocator; `negotiate` runs offer (by `a`) and answer (by `b`). */
export function sessionPair(options: { clock?: MediaClock; random?: () => number; srtpA?: SrtpPolicy; srtpB?: SrtpPolicy } = {}) {
  const clock = options.clock ?? new RealMediaClock();
  const logs: string[] = [];
  const ports = new PortAllocator(portRange(), (m) => logs.push(m));
  const make = (srtp: SrtpPolicy | undefined): MediaSession =>
    new MediaSession({ localAddress: '127.0.0.1', clock, ports, log: (m) => logs.push(m), ...(options.random && { random: options.random }), ...(srtp && { srtp }) });
  const a = make(options.srtpA);
  const b = make(options.srtpB);
  return {
    a,
    b,
    clock,
    ports,
    logs,
    async negotiate(holdA = false, holdB = false): Promise<{ offer: string; answer: string }> {
      const offer = await a.createOffer({ hold: holdA });
      if (!offer.ok) throw new Error(offer.reason);
      const answer = await b.createAnswer(offer.value, { hold: holdB });
      if (!answer.ok) throw new Error(answer.reason);
      const applied = await a.applyAnswer(answer.value);
      if (!applied.ok) throw new Error(applied.reason);
      return { offer: offer.value, answer: answer.value };
    },
    close(): void {
      a.close();
      b.close();
    },
  };
}

/**
 * Packet indices of one SRTP or SRTCP stream: the 48-bit SRTP index a receiver rebuilds from the 16-bit sequence
 * number (RFC 3711 §3.3.1, Appendix A) and the replay list of §3.3.2 as a 64-packet sliding window.
 */

/** RFC 3711 §3.3.2 leaves the size to us (minimum 64); one second of reordering at 50 packets/s fits. */
export const REPLAY_WINDOW = 64;

const HALF = 0x8000;
const SEQ_SPAN = 0x1_0000;

/**
 * The index of a packet with sequence number `seq` (RFC 3711 Appendix A), given the highest index seen so far (ROC and
 * s_l in one number) or undefined for the first packet of a stream (§3.3.1: s_l starts as its SEQ, ROC as 0). A
 * result below 0 is a packet from before the first one seen: it cannot be placed and is treated as too old.
 */
export function estimateRtpIndex(highest: number | undefined, seq: number): number {
  if (highest === undefined) return seq;
  const roc = Math.floor(highest / SEQ_SPAN);
  const sl = highest % SEQ_SPAN;
  let v = roc;
  if (sl < HALF) {
    if (seq - sl > HALF) v = roc - 1;
  } else if (sl - HALF > seq) {
    v = roc + 1;
  }
  return v * SEQ_SPAN + seq;
}

/** What the window says about an index before authentication. */
export type ReplayVerdict = 'new' | 'replayed' | 'too-old';

/**
 * Highest index seen and which of the 64 below it arrived. The bitmap is a ring indexed by `index % 64`, so moving the
 * window forward clears the slots it passes over instead of shifting a 64-bit mask (which JS numbers cannot hold).
 * Only authenticated packets may update it (§3.3.2), so {@link check} and {@link accept} are separate steps.
 */
export class ReplayWindow {
  private top: number | undefined;
  private readonly seen = new Uint8Array(REPLAY_WINDOW);

  /** The highest index accepted, undefined before the first. */
  get highest(): number | undefined {
    return this.top;
  }

  check(index: number): ReplayVerdict {
    if (index < 0) return 'too-old';
    const top = this.top;
    if (top === undefined || index > top) return 'new';
    if (top - index >= REPLAY_WINDOW) return 'too-old';
    return this.seen[index % REPLAY_WINDOW] ? 'replayed' : 'new';
  }

  /** Records an authenticated packet. */
  accept(index: number): void {
    const top = this.top;
    if (top === undefined || index - top >= REPLAY_WINDOW) {
      this.seen.fill(0);
      this.top = index;
    } else if (index > top) {
      for (let i = top + 1; i <= index; i++) this.seen[i % REPLAY_WINDOW] = 0;
      this.top = index;
    }
    this.seen[index % REPLAY_WINDOW] = 1;
  }
}

/**
 * RTP sequence accounting for a jitter buffer (RFC 3550 §A.1, §A.3): 16-bit numbers extended across their wrap,
 * duplicates recognised within the last 512, and the packets never received counted over every run of numbers the
 * source has used (a resync or a jump beyond MAX_DROPOUT starts a new run).
 */

/** RFC 3550 §A.1 MAX_DROPOUT: a larger jump is a new run, not loss. */
const MAX_DROPOUT = 3000;
/** How far back duplicates are recognised. */
const SEEN = 512;

const signed16 = (d: number): number => ((d + 0x8000) & 0xffff) - 0x8000;

/** Duplicates and loss of one received stream. */
export class SequenceTracker {
  private readonly seen = new Float64Array(SEEN).fill(-1);
  private running = false;
  private maxSeq = -1;
  private baseSeq = 0;
  private unique = 0;
  private lostBefore = 0;

  /** Packets never received (§A.3 expected − received, never negative per run). */
  get lost(): number {
    return this.lostBefore + (this.running ? Math.max(0, this.maxSeq - this.baseSeq + 1 - this.unique) : 0);
  }

  /**
   * Starts a new run at `sequence`. Its extended numbers lie above every earlier one, so the two never mix in the
   * duplicate window.
   */
  restart(sequence: number): void {
    this.lostBefore = this.lost;
    this.baseSeq = (Math.floor(this.maxSeq / 0x10000) + 2) * 0x10000 + (sequence & 0xffff);
    this.maxSeq = this.baseSeq - 1;
    this.unique = 0;
    this.running = true;
  }

  /** Records `sequence`; true when it was seen already. */
  duplicate(sequence: number): boolean {
    if (!this.running) this.restart(sequence);
    let delta = signed16((sequence & 0xffff) - (this.maxSeq & 0xffff));
    if (Math.abs(delta) > MAX_DROPOUT) {
      this.restart(sequence);
      delta = 1;
    }
    const extended = this.maxSeq + delta;
    // Older than the window: too old to tell, and too old to play anyway.
    if (extended <= this.maxSeq - SEEN) return false;
    const slot = extended % SEEN;
    if (this.seen[slot] === extended) return true;
    this.seen[slot] = extended;
    this.unique++;
    if (extended > this.maxSeq) this.maxSeq = extended;
    return false;
  }

  /** Back to the state at construction. */
  reset(): void {
    this.seen.fill(-1);
    this.running = false;
    this.maxSeq = -1;
    this.lostBefore = 0;
    this.unique = 0;
  }
}

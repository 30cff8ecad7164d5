/**
 * Packet-loss concealment for 8 kHz audio, after ITU-T G.711 Appendix I in a reduced form: when samples are missing,
 * repeat the last pitch period of what was played (a periodic continuation, so voiced speech and tones carry on
 * without a click), at full level for 10 ms, then fading linearly to nothing at 60 ms, and silence after that (a
 * longer repetition sounds like a buzz, not like speech). When audio comes back its first 5 ms are cross-faded from
 * the synthetic signal, which also fades real audio in gently after silence.
 *
 * Unlike Appendix I the repetition stays one pitch period long (no 2- and 3-period extensions) and the loss starts
 * without an overlap-add; both matter little at the loss rates of a phone call and keep the cost to one pitch search
 * per loss.
 */

/** 48.75 ms of history, as in G.711 Appendix I: enough for the longest pitch period plus a correlation window. */
const HISTORY = 390;
/** Pitch periods searched, in samples: 5 ms to 15 ms (66–200 Hz), Appendix I's range. */
const MIN_PITCH = 40;
const MAX_PITCH = 120;
/** The correlation window of the pitch search (20 ms). */
const CORRELATION = 160;
/** Synthetic audio keeps full level this long (10 ms) ... */
const FULL_LEVEL = 80;
/** ... and reaches silence here (60 ms): Appendix I attenuates 20 % per 10 ms after the first 10 ms. */
const SILENT_AFTER = 480;
/** Cross-fade from synthetic to real audio when it returns (5 ms). */
const RECOVERY_RAMP = 40;

/** Synthesises missing audio from what was played before; one instance per received stream. */
export class PacketLossConcealment {
  private readonly history = new Int16Array(HISTORY);
  /** Samples concealed since the last real sample; 0 while audio flows. */
  private lost = 0;
  /** Pitch period chosen at the start of the current loss. */
  private pitch = MIN_PITCH;

  /** Whether the last samples handled were synthetic. */
  get concealing(): boolean {
    return this.lost > 0;
  }

  /** Whether concealment has faded to silence (more than 60 ms lost), so further output is plain silence. */
  get silent(): boolean {
    return this.lost >= SILENT_AFTER;
  }

  /**
   * Takes real audio about to be played, `frame[start..end)`: after a loss its first samples are cross-faded (in
   * place) from the synthetic signal, then it becomes the history that later losses repeat.
   */
  good(frame: Int16Array, start = 0, end = frame.length): void {
    if (end <= start) return;
    if (this.lost > 0) {
      const ramp = Math.min(RECOVERY_RAMP, end - start);
      for (let i = 0; i < ramp; i++) {
        const w = (i + 1) / (RECOVERY_RAMP + 1);
        frame[start + i] = Math.round(w * frame[start + i]! + (1 - w) * this.synthetic(this.lost + i));
      }
      this.lost = 0;
    }
    this.remember(frame, start, end);
  }

  /** Writes synthetic audio for missing samples into `out[start..end)`. */
  conceal(out: Int16Array, start = 0, end = out.length): void {
    if (end <= start) return;
    if (this.lost === 0) this.pitch = this.findPitch();
    for (let i = start; i < end; i++) out[i] = this.synthetic(this.lost++);
    // The counter only needs to know "long ago"; keeping it bounded keeps it a small integer forever.
    if (this.lost > SILENT_AFTER) this.lost = SILENT_AFTER;
  }

  /** Forgets history (a new stream). */
  reset(): void {
    this.history.fill(0);
    this.lost = 0;
    this.pitch = MIN_PITCH;
  }

  /** Sample `n` of the current loss: the last pitch period repeated, at the level of the fade schedule. */
  private synthetic(n: number): number {
    if (n >= SILENT_AFTER) return 0;
    const gain = n < FULL_LEVEL ? 1 : (SILENT_AFTER - n) / (SILENT_AFTER - FULL_LEVEL);
    return Math.round(gain * this.history[HISTORY - this.pitch + (n % this.pitch)]!);
  }

  private remember(frame: Int16Array, start: number, end: number): void {
    const count = end - start;
    if (count >= HISTORY) {
      this.history.set(frame.subarray(end - HISTORY, end));
      return;
    }
    this.history.copyWithin(0, count);
    this.history.set(frame.subarray(start, end), HISTORY - count);
  }

  /**
   * The lag in MIN_PITCH..MAX_PITCH whose earlier window best matches the last 20 ms (normalised cross-correlation,
   * Appendix I §I.2.2 without its decimated first pass). For a tone any multiple of its period in range wins, which
   * repeats it seamlessly.
   */
  private findPitch(): number {
    const h = this.history;
    const end = HISTORY - CORRELATION;
    let best = MIN_PITCH;
    let bestScore = -Infinity;
    for (let lag = MIN_PITCH; lag <= MAX_PITCH; lag++) {
      let cross = 0;
      let energy = 1;
      for (let i = 0; i < CORRELATION; i++) {
        const earlier = h[end - lag + i]!;
        cross += h[end + i]! * earlier;
        energy += earlier * earlier;
      }
      const score = cross / Math.sqrt(energy);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return best;
  }
}

/**
 * The link between a jitter buffer's timeline and the audio device's clock: the playout offset O, such that sample s
 * of the timeline plays at s/8 + O ms. The pulls define it, smoothed over 16 of them against timer jitter. Before the
 * first pull the packets' arrival times stand in for pulls; when time has run on without pulls (none yet, or the
 * device stalled), the position has to move on by the whole frames that would have played meanwhile, so it stays on
 * the grid of the pulls and nothing stale is played.
 */
import { FRAME_MS, FRAME_SAMPLES } from './rtp-sender';

const SAMPLES_PER_MS = FRAME_SAMPLES / FRAME_MS;
/** A pull this far off the expected time is a stall or a restart, not timer jitter. */
const CLOCK_JUMP_MS = 100;
/** Smoothing of O over 16 pulls. */
const GAIN = 1 / 16;

/** O of one jitter buffer. */
export class PlayoutClock {
  private offset: number | undefined;
  private pulling = false;

  /** O in ms, undefined until the first packet or pull. */
  get offsetMs(): number | undefined {
    return this.offset;
  }

  /** Whether a pull has happened (arrival times no longer stand in for pulls). */
  get started(): boolean {
    return this.pulling;
  }

  /**
   * Aligns O with a pull (or, before the first pull, with a packet arrival) at `nowMs` when the next sample to play is
   * `position`; returns how many whole frames the position must skip to catch up.
   */
  follow(nowMs: number, position: number, isPull: boolean): number {
    if (this.offset === undefined) {
      this.offset = nowMs - position / SAMPLES_PER_MS;
      this.pulling ||= isPull;
      return 0;
    }
    let error = nowMs - position / SAMPLES_PER_MS - this.offset;
    let skip = 0;
    if (error >= FRAME_MS && (!this.pulling || error > CLOCK_JUMP_MS)) {
      skip = Math.floor(error / FRAME_MS);
      error -= skip * FRAME_MS;
    } else if (error < -CLOCK_JUMP_MS) {
      this.offset += error;
      error = 0;
    }
    // The first pull fixes the phase of the grid; later ones only nudge it.
    if (isPull) this.offset += this.pulling ? error * GAIN : error;
    this.pulling ||= isPull;
    return skip;
  }

  /** Moves O by `ms`: +20 when a frame was inserted, −20 when one was dropped. */
  shift(ms: number): void {
    if (this.offset !== undefined) this.offset += ms;
  }

  reset(): void {
    this.offset = undefined;
    this.pulling = false;
  }
}

/**
 * Chooses the playout delay of a jitter buffer from packet arrival times.
 *
 * Each packet gives a relative delay r = arrival − media time (both in ms; the media time is its RTP timestamp on the
 * 8 kHz clock). The smallest r seen is the network's fixed delay, the "expected arrival" of a packet that met no
 * queue; a packet's jitter is how much later than that it came: e = r − floor. The floor is a straight line rather
 * than a constant because the sender's clock may run up to a percent or two fast or slow (a 1 % drift moves r by
 * 10 ms a second): the minima of r per second are fitted by least squares over the last 16 seconds, which follows the
 * drift without the lag of a windowed minimum, and a minimum that leaves the line by more than 25 ms (a route change,
 * a new stream) restarts the fit.
 *
 * The target delay is a high percentile (97th) of e over the last 128 packets plus 5 ms, kept within the configured
 * bounds: a windowed percentile ignores a lone spike yet follows a burst of late packets at once. It rises
 * immediately and falls with the gain 1/16 per packet of the RFC 3550 §A.8 jitter estimator, so it does not chase
 * every quiet second.
 */

/** Packets in the percentile window (2.56 s at 20 ms). */
const WINDOW = 128;
const QUANTILE = 0.97;
/** Headroom above the percentile, for the timing noise of the pulls themselves. */
const SAFETY_MS = 5;
/** The target falls only once the window says something: before that it may only rise. */
const MIN_EVIDENCE = 16;
/** RFC 3550 §A.8: smoothing gain 1/16. */
const RELEASE = 1 / 16;
const SEGMENT_MS = 1000;
const SEGMENTS = 16;
/** A segment minimum this far off the fitted floor starts a new fit (more than 2 % drift can do in one segment). */
const STEP_MS = 25;
/** Clock drift beyond 2 % is not drift: the slope is clamped there. */
const MAX_SKEW = 0.02;

/** Bounds and start of the target delay, in ms. */
export interface JitterEstimatorOptions {
  minDelayMs: number;
  maxDelayMs: number;
  initialDelayMs: number;
}

/** Floor line and target delay of one received stream. */
export class JitterEstimator {
  /** The last WINDOW jitters in arrival order (a ring), and the same values kept sorted. */
  private readonly window = new Float64Array(WINDOW);
  private readonly sorted = new Float64Array(WINDOW);
  private count = 0;
  private next = 0;
  private target: number;
  private readonly pointT = new Float64Array(SEGMENTS);
  private readonly pointR = new Float64Array(SEGMENTS);
  private points = 0;
  private segmentStart = Number.NaN;
  private segmentMin = Infinity;
  private segmentMinAt = 0;
  private slope = 0;
  /** The floor line through the closed segments' minima … */
  private lineIntercept = Infinity;
  /** … lowered by anything below it in the open segment. */
  private intercept = Infinity;

  constructor(private readonly options: JitterEstimatorOptions) {
    this.target = options.initialDelayMs;
  }

  /** The chosen playout delay above the floor, in ms. */
  get targetMs(): number {
    return this.target;
  }

  /** Whether a packet has been recorded since the last restart (the floor exists). */
  get hasFloor(): boolean {
    return this.intercept !== Infinity;
  }

  /** The relative delay of a packet that met no queue, at time `ms`. */
  floorAt(ms: number): number {
    return this.slope * ms + this.intercept;
  }

  /** Records one packet; returns its jitter e (ms above the floor). */
  record(arrivalMs: number, mediaMs: number): number {
    const r = arrivalMs - mediaMs;
    if (Number.isNaN(this.segmentStart) || arrivalMs - this.segmentStart >= SEGMENT_MS) {
      this.closeSegment();
      this.segmentStart = arrivalMs;
    }
    if (r < this.segmentMin) {
      this.segmentMin = r;
      this.segmentMinAt = arrivalMs;
    }
    this.intercept = Math.min(this.intercept, r - this.slope * arrivalMs);
    const e = Math.min(r - this.floorAt(arrivalMs), 10 * this.options.maxDelayMs);
    this.remember(e);
    this.updateTarget();
    return e;
  }

  /** A new timeline (resync): the floor is forgotten, the jitter seen so far and the target are kept. */
  restart(): void {
    this.points = 0;
    this.segmentStart = Number.NaN;
    this.segmentMin = Infinity;
    this.slope = 0;
    this.lineIntercept = Infinity;
    this.intercept = Infinity;
  }

  /** Back to the state at construction. */
  reset(): void {
    this.restart();
    this.count = 0;
    this.next = 0;
    this.target = this.options.initialDelayMs;
  }

  private updateTarget(): void {
    const percentile = this.sorted[Math.floor(QUANTILE * (this.count - 1))]!;
    const { minDelayMs, maxDelayMs } = this.options;
    const wanted = Math.min(maxDelayMs, Math.max(minDelayMs, percentile + SAFETY_MS));
    if (wanted >= this.target) this.target = wanted;
    else if (this.count >= MIN_EVIDENCE) this.target += (wanted - this.target) * RELEASE;
  }

  /** Adds `e` to the window, the oldest value leaving it once full; the sorted copy is kept by binary insertion. */
  private remember(e: number): void {
    if (this.count === WINDOW) {
      const at = this.lowerBound(this.window[this.next]!);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    this.window[this.next] = e;
    this.next = (this.next + 1) % WINDOW;
    const at = this.lowerBound(e);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = e;
    this.count++;
  }

  /** The first index of the sorted window whose value is not below `value`. */
  private lowerBound(value: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private closeSegment(): void {
    if (this.segmentMin === Infinity) return;
    const t = this.segmentMinAt;
    const r = this.segmentMin;
    this.segmentMin = Infinity;
    if (this.points > 0 && Math.abs(r - (this.slope * t + this.lineIntercept)) > STEP_MS) this.points = 0;
    if (this.points === SEGMENTS) {
      this.pointT.copyWithin(0, 1);
      this.pointR.copyWithin(0, 1);
      this.points--;
    }
    this.pointT[this.points] = t;
    this.pointR[this.points] = r;
    this.points++;
    // Fewer than three points keep the slope they had: a route change does not change the sender's clock.
    if (this.points >= 3) this.slope = this.fitSlope();
    this.lineIntercept = Infinity;
    for (let i = 0; i < this.points; i++)
      this.lineIntercept = Math.min(this.lineIntercept, this.pointR[i]! - this.slope * this.pointT[i]!);
    this.intercept = this.lineIntercept;
  }

  /** Least-squares slope of the segment minima, times taken from the first point to keep the sums small. */
  private fitSlope(): number {
    const n = this.points;
    const t0 = this.pointT[0]!;
    let st = 0;
    let sr = 0;
    for (let i = 0; i < n; i++) {
      st += this.pointT[i]! - t0;
      sr += this.pointR[i]!;
    }
    const mt = st / n;
    const mr = sr / n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const dt = this.pointT[i]! - t0 - mt;
      num += dt * (this.pointR[i]! - mr);
      den += dt * dt;
    }
    if (den === 0) return this.slope;
    return Math.max(-MAX_SKEW, Math.min(MAX_SKEW, num / den));
  }
}

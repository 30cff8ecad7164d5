/**
 * Adaptive jitter buffer for one received G.711 stream (RFC 3550 §5.1 timing, RFC 3551 §4.5.14 payloads).
 *
 * Packets are decoded on arrival into a sample ring addressed by their RTP timestamp (8 kHz), so any packet time
 * (10, 20, 30 ms…), reordering and overlap come out right, and every pull plays exactly the next 160 samples of that
 * timeline. What is missing at play time is concealed (packet-loss-concealment.ts).
 *
 * Timing: `O` is the playout offset, sample s of the timeline plays at s/8 + O ms; the pulls define it (smoothed
 * against timer jitter). The estimator (jitter-estimator.ts) gives the floor of the relative delay (the delay a packet
 * without queueing had) and the target delay D. The current delay E = O − floor is steered into [D − 5, D + 20] ms by
 * playing a frame twice over (insert, by concealment) or skipping one (drop, cross-faded); both wait for a silent or
 * missing frame, unless the excess is large or has lasted. That same loop absorbs sender clock drift.
 *
 * Resync: a packet of another SSRC, or later than the maximum delay, or more than 1 s ahead does not fit the
 * timeline. Two such packets that agree with each other (one marked as a talkspurt start is enough, RFC 3551 §4.1)
 * start a new timeline that plays them after D, so a re-INVITE, hold or transfer costs no wait.
 */
import { decodeG711 } from './g711';
import { JitterEstimator } from './jitter-estimator';
import type { G711Codec } from './media-types';
import { PacketLossConcealment } from './packet-loss-concealment';
import { PlayoutClock } from './playout-clock';
import { PlayoutRing, SKIP_FADE } from './playout-ring';
import { FRAME_MS, FRAME_SAMPLES } from './rtp-sender';
import { SequenceTracker } from './sequence-tracker';

/** One received RTP packet, as the buffer needs it. */
export interface JitterPacket {
  ssrc: number;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit RTP timestamp, 8 kHz. */
  timestamp: number;
  marker: boolean;
  /** G.711 octets, one per sample. */
  payload: Uint8Array;
}

export interface JitterBufferOptions {
  /** How payloads become samples: a G.711 codec (decoded into a reused buffer), or a function of one payload. */
  decode: G711Codec | ((payload: Uint8Array) => Int16Array);
  /** Target delay bounds, ms; default 20 and 200. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Target delay before any jitter is known, ms; default 40. */
  initialDelayMs?: number;
}

/** Counters since construction or `reset()`. */
export interface JitterBufferStats {
  /** Packets given to `put`. */
  received: number;
  /** Packets that came after their time was played. */
  late: number;
  duplicates: number;
  /** Sequence numbers never received (RFC 3550 §A.3), summed over timelines. */
  lost: number;
  /** Pulls made wholly of received audio. */
  playedFrames: number;
  /** Pulls that contained concealment (not counting silence once it has faded out). */
  concealedFrames: number;
  /** Packets thrown away otherwise: empty or oversized payloads, strays that fit no timeline. */
  discarded: number;
  /** Frames skipped to shrink the delay, and frames played twice over to grow it. */
  dropped: number;
  inserted: number;
  /** New timelines after the first (SSRC change, timestamp jump). */
  resyncs: number;
  /** Target delay D. */
  delayMs: number;
  /** Received audio ahead of the playout point. */
  bufferedMs: number;
}

const SAMPLES_PER_MS = FRAME_SAMPLES / FRAME_MS;
/** Audio more than 1 s ahead of the playout point is not a jitter but a jump: memory stays bounded. */
const MAX_AHEAD = 8000;
/** The largest payload accepted (240 ms, more than any usual ptime). */
const MAX_PACKET = 1920;
/** Two candidate packets agree when their timestamps are within 0.5 s and their sequence numbers within 16. */
const CANDIDATE_TS = 4000;
const CANDIDATE_SEQ = 16;
/**
 * The current delay is kept within [D − BELOW, D + ABOVE] ms, a band wider than the 20 ms step so that one step lands
 * inside it. Outside it a frame is inserted or skipped at the next silent frame, within sound only once the error
 * passes the URGENT figure or has lasted PATIENCE pulls (200 ms to grow, as late packets are at stake; 1 s to shrink).
 */
const BELOW = 5;
const ABOVE = 20;
const URGENT_BELOW = 20;
const URGENT_ABOVE = 80;
const PATIENCE_BELOW = 10;
const PATIENCE_ABOVE = 50;
/** A frame quieter than -45 dBFS RMS counts as silence, where drops and inserts go unheard. */
const QUIET_ENERGY = (32767 * 10 ** (-45 / 20)) ** 2 * FRAME_SAMPLES;

const NO_COUNTS = {
  received: 0,
  late: 0,
  duplicates: 0,
  playedFrames: 0,
  concealedFrames: 0,
  discarded: 0,
  dropped: 0,
  inserted: 0,
  resyncs: 0,
};

const signed16 = (d: number): number => ((d + 0x8000) & 0xffff) - 0x8000;

/** Reorders, times and conceals one received stream; see the file comment. */
export class JitterBuffer {
  private readonly ring = new PlayoutRing();
  private readonly sequences = new SequenceTracker();
  private readonly decoded = new Int16Array(MAX_PACKET);
  private readonly skippedHead = new Int16Array(SKIP_FADE);
  private readonly estimator: JitterEstimator;
  private readonly plc = new PacketLossConcealment();
  private readonly clock = new PlayoutClock();
  private readonly decode: (payload: Uint8Array) => Int16Array;
  private readonly maxDelayMs: number;
  /** Where the first timeline began: silence before it is lead-in, not concealment. */
  private leadIn = 0;
  private synced = false;
  private ssrc = 0;
  /** RTP timestamp = (position + tsOffset) mod 2^32. */
  private tsOffset = 0;
  /** A packet that fit no timeline, kept in case the next one agrees with it. */
  private candidate: { packet: JitterPacket; arrivalMs: number } | undefined;
  private waitBelow = 0;
  private waitAbove = 0;
  private counts = { ...NO_COUNTS };

  constructor(options: JitterBufferOptions) {
    const { decode } = options;
    this.decode =
      typeof decode === 'function' ? decode : (payload) => decodeG711(decode, payload, this.decoded);
    const minDelayMs = options.minDelayMs ?? 20;
    const maxDelayMs = Math.max(minDelayMs, options.maxDelayMs ?? 200);
    this.maxDelayMs = maxDelayMs;
    const initialDelayMs = Math.min(maxDelayMs, Math.max(minDelayMs, options.initialDelayMs ?? 40));
    this.estimator = new JitterEstimator({ minDelayMs, maxDelayMs, initialDelayMs });
  }

  /** The target playout delay D, ms above the fastest packets' delay. */
  get delayMs(): number {
    return this.estimator.targetMs;
  }

  /** Takes one received packet; `arrivalMs` on the clock of `pull`. Never throws. */
  put(packet: JitterPacket, arrivalMs: number): void {
    this.counts.received++;
    const length = packet.payload?.length ?? 0;
    if (length === 0 || length > MAX_PACKET || !Number.isFinite(arrivalMs)) {
      this.counts.discarded++;
      return;
    }
    // Until the device pulls, arrivals keep the clock (and the lead-in) moving.
    if (!this.clock.started) this.follow(arrivalMs, false);
    if (!this.synced) {
      this.resync(packet, arrivalMs);
      return;
    }
    if (this.place(packet, arrivalMs)) {
      if (this.candidate) this.counts.discarded++;
      this.candidate = undefined;
      return;
    }
    const candidate = this.candidate;
    if (packet.marker || (candidate && agree(candidate.packet, packet))) {
      this.candidate = undefined;
      if (packet.marker) {
        if (candidate) this.counts.discarded++;
        this.resync(packet, arrivalMs);
      } else {
        this.resync(candidate!.packet, candidate!.arrivalMs);
        if (!this.place(packet, arrivalMs)) this.counts.discarded++;
      }
      return;
    }
    if (candidate) this.counts.discarded++;
    this.candidate = { packet: { ...packet, payload: packet.payload.slice() }, arrivalMs };
  }

  /**
   * The next 20 ms to play: audio, concealment or silence, always exactly 160 samples. Call it every 20 ms of the
   * audio device's clock, `nowMs` on the clock of `put`.
   * @param out where to write; a new array when omitted
   */
  pull(nowMs: number, out: Int16Array = new Int16Array(FRAME_SAMPLES)): Int16Array {
    if (out.length < FRAME_SAMPLES)
      throw new RangeError(`pull needs room for ${FRAME_SAMPLES} samples, got ${out.length}`);
    const frame = out.length === FRAME_SAMPLES ? out : out.subarray(0, FRAME_SAMPLES);
    if (Number.isFinite(nowMs)) this.follow(nowMs, true);
    const offset = this.clock.offsetMs;
    if (!this.synced || offset === undefined || !Number.isFinite(nowMs) || !this.estimator.hasFloor) {
      frame.fill(0);
      this.ring.advance(this.ring.position + FRAME_SAMPLES);
      return frame;
    }
    const target = this.estimator.targetMs;
    let excess = offset - this.estimator.floorAt(nowMs) - target;
    this.waitAbove = excess > ABOVE ? this.waitAbove + 1 : 0;
    this.waitBelow = excess < -BELOW ? this.waitBelow + 1 : 0;
    let quiet = this.ring.quiet(QUIET_ENERGY);
    if (excess < -BELOW && (quiet || excess < -URGENT_BELOW || this.waitBelow >= PATIENCE_BELOW)) {
      this.plc.conceal(frame);
      this.clock.shift(FRAME_MS);
      this.counts.inserted++;
      this.waitBelow = 0;
      return frame;
    }
    // Missing frames in a row (a silence the sender did not send) may all go in one pull.
    let fade = false;
    for (let skips = 0; excess > ABOVE && skips < MAX_AHEAD / FRAME_SAMPLES; skips++) {
      if (!quiet && excess <= URGENT_ABOVE && this.waitAbove < PATIENCE_ABOVE) break;
      fade = this.ring.skip(this.skippedHead);
      this.clock.shift(-FRAME_MS);
      excess -= FRAME_MS;
      this.counts.dropped++;
      this.waitAbove = 0;
      quiet = this.ring.quiet(QUIET_ENERGY);
    }
    this.render(frame, fade);
    return frame;
  }

  stats(): JitterBufferStats {
    return {
      ...this.counts,
      lost: this.sequences.lost,
      delayMs: this.estimator.targetMs,
      bufferedMs: this.ring.buffered / SAMPLES_PER_MS,
    };
  }

  /** Forgets the stream and the statistics, as at construction. */
  reset(): void {
    this.ring.clear();
    this.sequences.reset();
    this.estimator.reset();
    this.plc.reset();
    this.synced = false;
    this.clock.reset();
    this.candidate = undefined;
    this.waitAbove = 0;
    this.waitBelow = 0;
    this.counts = { ...NO_COUNTS };
  }

  /** Puts a packet on the current timeline; false when it does not fit (another stream, a jump). */
  private place(packet: JitterPacket, arrivalMs: number): boolean {
    if (packet.ssrc >>> 0 !== this.ssrc) return false;
    const pos = this.ring.position;
    const ahead = ((packet.timestamp >>> 0) - ((pos + this.tsOffset) >>> 0)) | 0;
    if (ahead > MAX_AHEAD || ahead < -this.maxDelayMs * SAMPLES_PER_MS) return false;
    if (this.sequences.duplicate(packet.sequence)) {
      this.counts.duplicates++;
      return true;
    }
    // A pull takes 160 samples at once, so a packet is due when the pull holding its first sample is.
    const due = pos + Math.floor(ahead / FRAME_SAMPLES) * FRAME_SAMPLES;
    this.estimator.record(arrivalMs, due / SAMPLES_PER_MS);
    if (ahead < 0) this.counts.late++;
    if (ahead + packet.payload.length > 0) this.ring.write(pos + ahead, this.decodeSafely(packet.payload));
    return true;
  }

  /** The samples of a payload; none when a caller's decoder throws, which must not break `put`. */
  private decodeSafely(payload: Uint8Array): Int16Array {
    try {
      return this.decode(payload);
    } catch {
      this.counts.discarded++;
      return this.decoded.subarray(0, 0);
    }
  }

  /** Starts a new timeline on which `packet` plays D ms after it arrived. */
  private resync(packet: JitterPacket, arrivalMs: number): void {
    const first = !this.synced;
    if (!first) this.counts.resyncs++;
    this.sequences.restart(packet.sequence);
    this.ring.clear();
    this.estimator.restart();
    const pos = this.ring.position;
    // On the grid of the pulls, so the packet is due exactly D after it came; clamped so it lands on the new
    // timeline even when the pulls have stopped and O is stale. (`put` has set O by now.)
    const offset = this.clock.offsetMs ?? arrivalMs - pos / SAMPLES_PER_MS;
    const frames = Math.round(
      (arrivalMs + this.estimator.targetMs - offset) / FRAME_MS - pos / FRAME_SAMPLES,
    );
    const at = pos + FRAME_SAMPLES * Math.min(Math.floor(this.maxDelayMs / FRAME_MS), Math.max(0, frames));
    if (first) this.leadIn = at;
    this.ssrc = packet.ssrc >>> 0;
    this.tsOffset = ((packet.timestamp >>> 0) - (at % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
    this.synced = true;
    this.place(packet, arrivalMs);
  }

  private follow(nowMs: number, isPull: boolean): void {
    const skip = this.clock.follow(nowMs, this.ring.position, isPull);
    if (skip > 0) this.ring.advance(this.ring.position + skip * FRAME_SAMPLES);
  }

  /** Plays the frame at the position; before the first packet's time that is lead-in silence. */
  private render(frame: Int16Array, afterSkip: boolean): void {
    const pos = this.ring.position;
    if (pos + FRAME_SAMPLES <= this.leadIn) {
      frame.fill(0);
      this.ring.advance(pos + FRAME_SAMPLES);
      return;
    }
    const silentBefore = this.plc.silent;
    if (!this.ring.play(frame, this.plc, afterSkip ? this.skippedHead : undefined))
      this.counts.playedFrames++;
    else if (!silentBefore) this.counts.concealedFrames++;
  }
}

/** Whether a second packet that fits no timeline follows on from the first: same source, close numbers and times. */
function agree(first: JitterPacket, second: JitterPacket): boolean {
  const seq = signed16((second.sequence & 0xffff) - (first.sequence & 0xffff));
  const ts = ((second.timestamp >>> 0) - (first.timestamp >>> 0)) | 0;
  return (
    first.ssrc >>> 0 === second.ssrc >>> 0 &&
    seq !== 0 &&
    Math.abs(seq) <= CANDIDATE_SEQ &&
    Math.abs(ts) <= CANDIDATE_TS
  );
}

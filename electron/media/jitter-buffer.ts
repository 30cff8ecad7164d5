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
import { FRAME_MS, FRAME_SAMPLES } from './rtp-sender';

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
/** Ring size: 2.048 s, a power of two, more than MAX_AHEAD plus the largest packet. */
const RING = 16384;
const MASK = RING - 1;
/** Audio more than 1 s ahead of the playout point is not a jitter but a jump: memory stays bounded. */
const MAX_AHEAD = 8000;
/** The largest payload accepted (240 ms, more than any usual ptime). */
const MAX_PACKET = 1920;
/** Two candidate packets agree when their timestamps are within 0.5 s and their sequence numbers within 16. */
const CANDIDATE_TS = 4000;
const CANDIDATE_SEQ = 16;
/** RFC 3550 §A.1 MAX_DROPOUT: a larger sequence jump restarts the sequence accounting. */
const MAX_DROPOUT = 3000;
const SEEN = 512;
/** The band around the target delay, ms, and when to act outside a silent frame. */
const BELOW = 5;
const ABOVE = 20;
const URGENT_BELOW = 20;
const URGENT_ABOVE = 80;
const PATIENCE_BELOW = 10;
const PATIENCE_ABOVE = 50;
/** A frame quieter than -45 dBFS RMS counts as silence, where drops and inserts go unheard. */
const QUIET_ENERGY = (32767 * 10 ** (-45 / 20)) ** 2 * FRAME_SAMPLES;
const DROP_FADE = 40;
/** A pull this far off the expected time re-anchors the clock instead of being smoothed in (a stall, a restart). */
const CLOCK_JUMP_MS = 100;

const NO_COUNTS = { received: 0, late: 0, duplicates: 0, playedFrames: 0, concealedFrames: 0, discarded: 0, dropped: 0, inserted: 0, resyncs: 0 };

interface Candidate {
  packet: JitterPacket;
  arrivalMs: number;
}

const signed16 = (d: number): number => ((d + 0x8000) & 0xffff) - 0x8000;

/** Reorders, times and conceals one received stream; see the file comment. */
export class JitterBuffer {
  private readonly ring = new Int16Array(RING);
  private readonly filled = new Uint8Array(RING);
  private readonly decoded = new Int16Array(MAX_PACKET);
  private readonly dropHead = new Int16Array(DROP_FADE);
  private readonly estimator: JitterEstimator;
  private readonly plc = new PacketLossConcealment();
  private readonly seen = new Float64Array(SEEN).fill(-1);
  private readonly decode: (payload: Uint8Array) => Int16Array;
  private readonly maxDelayMs: number;
  /** Timeline position of the next sample to play. */
  private pos = 0;
  private end = 0;
  private synced = false;
  private ssrc = 0;
  /** RTP timestamp = (position + tsOffset) mod 2^32. */
  private tsOffset = 0;
  /** Playout offset O (ms), undefined until a packet or a pull sets it. */
  private offset: number | undefined;
  private pulling = false;
  private maxSeq = 0;
  private baseSeq = 0;
  private unique = 0;
  private lostBefore = 0;
  private candidate: Candidate | undefined;
  private waitBelow = 0;
  private waitAbove = 0;
  private counts = { ...NO_COUNTS };

  constructor(options: JitterBufferOptions) {
    const { decode } = options;
    this.decode = typeof decode === 'function' ? decode : (payload) => decodeG711(decode, payload, this.decoded);
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
    if (this.offset !== undefined && !this.pulling) this.followClock(arrivalMs, false);
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
    if (out.length < FRAME_SAMPLES) throw new RangeError(`pull needs room for ${FRAME_SAMPLES} samples, got ${out.length}`);
    const frame = out.length === FRAME_SAMPLES ? out : out.subarray(0, FRAME_SAMPLES);
    if (Number.isFinite(nowMs)) this.followClock(nowMs, true);
    this.pulling = true;
    if (!this.synced || this.offset === undefined || !Number.isFinite(nowMs) || !this.estimator.hasFloor) {
      frame.fill(0);
      this.advance(this.pos + FRAME_SAMPLES);
      return frame;
    }
    const target = this.estimator.targetMs;
    let excess = this.offset - this.estimator.floorAt(nowMs) - target;
    this.waitAbove = excess > ABOVE ? this.waitAbove + 1 : 0;
    this.waitBelow = excess < -BELOW ? this.waitBelow + 1 : 0;
    let quiet = this.quiet();
    if (excess < -BELOW && (quiet || excess < -URGENT_BELOW || this.waitBelow >= PATIENCE_BELOW)) {
      this.plc.conceal(frame);
      this.offset += FRAME_MS;
      this.counts.inserted++;
      this.waitBelow = 0;
      return frame;
    }
    let dropped = false;
    for (let skips = 0; excess > ABOVE && skips < MAX_AHEAD / FRAME_SAMPLES; skips++) {
      if (!quiet && excess <= URGENT_ABOVE && this.waitAbove < PATIENCE_ABOVE) break;
      dropped = this.present(this.pos, DROP_FADE) === DROP_FADE;
      if (dropped) for (let i = 0; i < DROP_FADE; i++) this.dropHead[i] = this.ring[(this.pos + i) & MASK]!;
      this.advance(this.pos + FRAME_SAMPLES);
      this.offset -= FRAME_MS;
      excess -= FRAME_MS;
      this.counts.dropped++;
      this.waitAbove = 0;
      quiet = this.quiet();
    }
    this.render(frame, dropped);
    return frame;
  }

  stats(): JitterBufferStats {
    const expected = this.synced ? this.maxSeq - this.baseSeq + 1 : 0;
    return {
      ...this.counts,
      lost: this.lostBefore + Math.max(0, expected - this.unique),
      delayMs: this.estimator.targetMs,
      bufferedMs: Math.max(0, this.end - this.pos) / SAMPLES_PER_MS,
    };
  }

  /** Forgets the stream and the statistics, as at construction. */
  reset(): void {
    this.clear();
    this.estimator.reset();
    this.plc.reset();
    this.synced = false;
    this.offset = undefined;
    this.pulling = false;
    this.candidate = undefined;
    this.lostBefore = 0;
    this.unique = 0;
    this.waitAbove = 0;
    this.waitBelow = 0;
    this.counts = { ...NO_COUNTS };
  }

  /** Puts a packet on the current timeline; false when it does not fit (another stream, a jump). */
  private place(packet: JitterPacket, arrivalMs: number): boolean {
    if (packet.ssrc >>> 0 !== this.ssrc) return false;
    const here = (this.pos + this.tsOffset) >>> 0;
    const at = this.pos + (((packet.timestamp >>> 0) - here) | 0);
    const ahead = at - this.pos;
    if (ahead > MAX_AHEAD || ahead < -this.maxDelayMs * SAMPLES_PER_MS) return false;
    if (this.duplicate(packet.sequence)) {
      this.counts.duplicates++;
      return true;
    }
    // A pull takes 160 samples at once, so a packet is due when the pull holding its first sample is.
    const due = this.pos + Math.floor((at - this.pos) / FRAME_SAMPLES) * FRAME_SAMPLES;
    this.estimator.record(arrivalMs, due / SAMPLES_PER_MS);
    if (at < this.pos) this.counts.late++;
    if (at + packet.payload.length <= this.pos) return true;
    const samples = this.decodeSafely(packet.payload);
    const from = Math.max(at, this.pos);
    const to = at + Math.min(samples.length, MAX_PACKET);
    for (let s = from; s < to; s++) {
      this.ring[s & MASK] = samples[s - at]!;
      this.filled[s & MASK] = 1;
    }
    this.end = Math.max(this.end, to);
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

  /** Sequence accounting (RFC 3550 §A.1, §A.3): true for a number already seen. */
  private duplicate(sequence: number): boolean {
    let delta = signed16((sequence & 0xffff) - (this.maxSeq & 0xffff));
    if (Math.abs(delta) > MAX_DROPOUT) {
      this.restartSequence(sequence);
      delta = 1;
    }
    const extended = this.maxSeq + delta;
    if (extended <= this.maxSeq - SEEN) return false;
    const slot = ((extended % SEEN) + SEEN) % SEEN;
    if (this.seen[slot] === extended) return true;
    this.seen[slot] = extended;
    this.unique++;
    if (extended > this.maxSeq) this.maxSeq = extended;
    return false;
  }

  /** A new run of sequence numbers; its extended numbers lie above every old one, so `seen` never mixes the two. */
  private restartSequence(sequence: number): void {
    if (this.synced) this.lostBefore += Math.max(0, this.maxSeq - this.baseSeq + 1 - this.unique);
    this.baseSeq = (Math.floor(this.maxSeq / 0x10000) + 2) * 0x10000 + (sequence & 0xffff);
    this.maxSeq = this.baseSeq - 1;
    this.unique = 0;
  }

  /** Starts a new timeline on which `packet` plays D ms after it arrived. */
  private resync(packet: JitterPacket, arrivalMs: number): void {
    if (this.synced) this.counts.resyncs++;
    this.restartSequence(packet.sequence);
    this.clear();
    this.estimator.restart();
    this.offset ??= arrivalMs - this.pos / SAMPLES_PER_MS;
    // On the grid of the pulls, so the packet is due exactly D after it came; clamped so it lands on the new
    // timeline even when the pulls have stopped and O is stale.
    const frames = Math.round((arrivalMs + this.estimator.targetMs - this.offset) / FRAME_MS - this.pos / FRAME_SAMPLES);
    const at = this.pos + FRAME_SAMPLES * Math.min(Math.floor(this.maxDelayMs / FRAME_MS), Math.max(0, frames));
    this.ssrc = packet.ssrc >>> 0;
    this.tsOffset = ((packet.timestamp >>> 0) - (at % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
    this.synced = true;
    this.place(packet, arrivalMs);
  }

  /**
   * Keeps O = pull time − position/8, smoothed over 16 pulls against timer jitter. Before the first pull the packets'
   * arrival times stand in for it; when time has run on without pulls (none yet, or the device stalled), the position
   * moves on by the whole frames that would have played meanwhile, so it stays on the grid of the pulls.
   */
  private followClock(nowMs: number, isPull: boolean): void {
    if (this.offset === undefined) {
      this.offset = nowMs - this.pos / SAMPLES_PER_MS;
      return;
    }
    let error = nowMs - this.pos / SAMPLES_PER_MS - this.offset;
    if (error >= FRAME_MS && (!this.pulling || error > CLOCK_JUMP_MS)) {
      const frames = Math.floor(error / FRAME_MS);
      this.advance(this.pos + frames * FRAME_SAMPLES);
      error -= frames * FRAME_MS;
    } else if (error < -CLOCK_JUMP_MS) {
      this.offset += error;
      return;
    }
    if (isPull) this.offset += this.pulling ? error / 16 : error;
  }

  /** Plays the frame at the position: received runs as they are, gaps concealed. */
  private render(frame: Int16Array, afterDrop: boolean): void {
    const silentBefore = this.plc.silent;
    let concealed = false;
    let run = 0;
    while (run < FRAME_SAMPLES) {
      const has = this.filled[(this.pos + run) & MASK] === 1;
      let stop = run + 1;
      while (stop < FRAME_SAMPLES && (this.filled[(this.pos + stop) & MASK] === 1) === has) stop++;
      if (has) {
        for (let i = run; i < stop; i++) frame[i] = this.ring[(this.pos + i) & MASK]!;
        if (afterDrop && run === 0) this.crossFade(frame, stop);
        this.plc.good(frame, run, stop);
      } else {
        this.plc.conceal(frame, run, stop);
        concealed = true;
      }
      run = stop;
    }
    if (!concealed) this.counts.playedFrames++;
    else if (!silentBefore) this.counts.concealedFrames++;
    this.advance(this.pos + FRAME_SAMPLES);
  }

  /** After a dropped frame, fades from the dropped audio (the continuation of what was played) into the new. */
  private crossFade(frame: Int16Array, available: number): void {
    const n = Math.min(DROP_FADE, available);
    for (let i = 0; i < n; i++) {
      const w = (i + 1) / (DROP_FADE + 1);
      frame[i] = Math.round(w * frame[i]! + (1 - w) * this.dropHead[i]!);
    }
  }

  /** Whether the frame at the position is silent: missing altogether, or received and below -45 dBFS. */
  private quiet(): boolean {
    const present = this.present(this.pos, FRAME_SAMPLES);
    if (present === 0) return true;
    if (present < FRAME_SAMPLES) return false;
    let energy = 0;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const s = this.ring[(this.pos + i) & MASK]!;
      energy += s * s;
    }
    return energy < QUIET_ENERGY;
  }

  private present(from: number, count: number): number {
    let n = 0;
    for (let i = 0; i < count; i++) n += this.filled[(from + i) & MASK]!;
    return n;
  }

  /** Moves the position forward, freeing the slots passed. */
  private advance(to: number): void {
    if (to <= this.pos) return;
    if (to - this.pos >= RING) this.filled.fill(0);
    else for (let s = this.pos; s < to; s++) this.filled[s & MASK] = 0;
    this.pos = to;
  }

  /** Empties the ring (everything received lies in [position, end)). */
  private clear(): void {
    if (this.end - this.pos >= RING) this.filled.fill(0);
    else for (let s = this.pos; s < this.end; s++) this.filled[s & MASK] = 0;
    this.end = this.pos;
  }
}

/** Whether a second packet that fits no timeline follows on from the first: same source, close numbers and times. */
function agree(first: JitterPacket, second: JitterPacket): boolean {
  const seq = signed16((second.sequence & 0xffff) - (first.sequence & 0xffff));
  const ts = ((second.timestamp >>> 0) - (first.timestamp >>> 0)) | 0;
  return first.ssrc >>> 0 === second.ssrc >>> 0 && seq !== 0 && Math.abs(seq) <= CANDIDATE_SEQ && Math.abs(ts) <= CANDIDATE_TS;
}

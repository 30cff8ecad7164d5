/**
 * The audio of one call between the network and the audio device (issue 10): microphone frames in, encoded G.711
 * out to the RTP sender; received RTP into the jitter buffer, decoded frames out to the device. The device's clock
 * drives both halves (one capture frame in, one playout frame out, every 20 ms, see shared/media-channel.ts); the RTP
 * sender runs on the engine's clock, so the small capture queue between them absorbs the drift between the two.
 */
import { encodeG711, G711_SILENCE } from './g711';
import { JitterBuffer, type JitterBufferStats } from './jitter-buffer';
import type { G711Codec, MediaClock } from './media-types';
import type { RtpPacket } from './rtp-packet';
import { FRAME_SAMPLES } from './rtp-sender';

/** One 20 ms frame of G.711 silence per codec (sent while muted or without microphone frames). */
const SILENCE_FRAMES: Record<G711Codec, Uint8Array> = {
  PCMU: new Uint8Array(FRAME_SAMPLES).fill(G711_SILENCE.PCMU),
  PCMA: new Uint8Array(FRAME_SAMPLES).fill(G711_SILENCE.PCMA),
};

/** Capture frames queued at most: more means the device runs ahead of the sender; the oldest go (latency ≤ 60 ms). */
const MAX_CAPTURE_FRAMES = 3;
/**
 * Sender ticks over which a frame that never left the queue counts as standing. One late device frame (a busy event
 * loop) otherwise leaves a frame waiting for the rest of the call: 20 ms more latency forever. Half a second.
 */
const STANDING_WINDOW_TICKS = 25;

/** Figures of the audio path for the call's quality and the benchmarks. */
export interface CallAudioStats {
  jitter: JitterBufferStats | undefined;
  /** Capture frames the sender found none of (device late or absent): sent as silence. */
  captureUnderruns: number;
  /** Capture frames dropped because the device ran ahead. */
  captureOverruns: number;
  /** Frames dropped because one stood in the queue for a whole window (latency given back after a late frame). */
  captureTrimmed: number;
  /** Mean and largest time a microphone frame waited before it went out as RTP, ms. */
  captureWaitMeanMs: number;
  captureWaitMaxMs: number;
}

/** One call's audio between RTP and the device. */
export class CallAudio {
  /** The far end hears silence; RTP keeps flowing, so the PBX's RTP timeout does not end the call. */
  muted = false;
  private readonly capture: { samples: Int16Array; at: number }[] = [];
  private jitter: JitterBuffer | undefined;
  private jitterCodec: G711Codec | undefined;
  private readonly encoded: Record<G711Codec, Uint8Array> = { PCMU: new Uint8Array(FRAME_SAMPLES), PCMA: new Uint8Array(FRAME_SAMPLES) };
  private underruns = 0;
  private overruns = 0;
  private waits = 0;
  private waitTotal = 0;
  private waitMax = 0;
  private capturing = false;
  private ticks = 0;
  private minDepth = Number.POSITIVE_INFINITY;
  private trimmed = 0;

  constructor(private readonly clock: MediaClock) {}

  /** One 20 ms microphone frame from the device (160 samples at 8 kHz). */
  pushCapture(samples: Int16Array): void {
    if (samples.length !== FRAME_SAMPLES) return;
    this.capturing = true;
    if (this.capture.length >= MAX_CAPTURE_FRAMES) {
      this.capture.shift();
      this.overruns++;
    }
    this.capture.push({ samples, at: this.clock.now() });
  }

  /**
   * The payload of the next RTP frame in `codec`: the oldest microphone frame, or silence when muted or when the
   * device sent none. Returns a buffer this object reuses: the sender copies it into the packet at once.
   */
  nextPayload(codec: G711Codec): Uint8Array {
    this.trimStanding();
    const frame = this.capture.shift();
    if (!frame) {
      if (this.capturing) this.underruns++;
      return SILENCE_FRAMES[codec];
    }
    const wait = this.clock.now() - frame.at;
    this.waits++;
    this.waitTotal += wait;
    if (wait > this.waitMax) this.waitMax = wait;
    if (this.muted) return SILENCE_FRAMES[codec];
    return encodeG711(codec, frame.samples, this.encoded[codec]);
  }

  /**
   * Drops one frame when a second frame waited at every tick of a window: the device's frames then arrive a frame
   * ahead of the sender for good, and dropping one (the quieter of the two oldest) gives the 20 ms back.
   */
  private trimStanding(): void {
    this.minDepth = Math.min(this.minDepth, this.capture.length);
    if (++this.ticks < STANDING_WINDOW_TICKS) return;
    // At each tick one frame is due; a second one there at every tick of the window has been standing.
    if (this.minDepth >= 2 && this.capture.length >= 2) {
      const [first, second] = this.capture;
      const quieter = second && energy(second.samples) < energy(first!.samples) ? 1 : 0;
      this.capture.splice(quieter, 1);
      this.trimmed++;
    }
    this.ticks = 0;
    this.minDepth = Number.POSITIVE_INFINITY;
  }

  /** A received audio packet in `codec`; a codec change (re-INVITE) starts a fresh buffer. */
  receive(packet: RtpPacket, codec: G711Codec, arrivalMs: number): void {
    if (!this.jitter || this.jitterCodec !== codec) {
      this.jitterCodec = codec;
      this.jitter = new JitterBuffer({ decode: codec });
    }
    this.jitter.put(packet, arrivalMs);
  }

  /** The next 20 ms for the device: decoded audio, concealment or silence. */
  pullPlayout(): Int16Array {
    return this.jitter ? this.jitter.pull(this.clock.now()) : new Int16Array(FRAME_SAMPLES);
  }

  /** Stops treating a missing microphone frame as an underrun (the device went away or the call was switched). */
  deviceIdle(): void {
    this.capturing = false;
    this.capture.length = 0;
  }

  stats(): CallAudioStats {
    return {
      jitter: this.jitter?.stats(),
      captureUnderruns: this.underruns,
      captureOverruns: this.overruns,
      captureTrimmed: this.trimmed,
      captureWaitMeanMs: this.waits ? this.waitTotal / this.waits : 0,
      captureWaitMaxMs: this.waitMax,
    };
  }
}

/** Sum of absolute sample values: enough to tell a quiet frame from a loud one. */
function energy(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += Math.abs(samples[i]!);
  return sum;
}

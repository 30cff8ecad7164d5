/**
 * The media channel of the contract (issue 10): 20 ms PCM frames between the renderer's audio device and the engine,
 * beside commands and events. Binary, because JSON would cost ten times the bytes at 50 frames a second each way:
 * over a `MessagePort` in Electron (`MessageChannelMain`, transferable buffers) and as binary WebSocket messages in
 * serve mode (text messages stay the JSON contract). Both transports carry exactly the frames this file encodes.
 *
 * The renderer's audio clock drives the channel: it sends one `capture` frame every 20 ms (silence when there is no
 * microphone) and the engine answers each with one `playout` frame of the call being talked on, so the device's clock
 * paces playout and no second clock drifts against it. The renderer never sees SIP or RTP.
 *
 * Wire format (little-endian): byte 0 magic 0x41 ('A'), byte 1 version 1, byte 2 kind, byte 3 flags (0), bytes 4–7
 * sequence number (uint32), then for `capture` and `playout` exactly 160 signed 16-bit samples at 8000 Hz.
 */
import { fail, ok, type Result } from './result';

/** The sample rate of the channel: G.711's, so neither side resamples (the AudioContext runs at it). */
export const MEDIA_SAMPLE_RATE = 8000;
/** Samples per frame: 20 ms at 8 kHz. */
export const MEDIA_FRAME_SAMPLES = 160;
/** Frame length in milliseconds. */
export const MEDIA_FRAME_MS = 20;

/** The IPC channel main posts the page's media port on (Electron), and the message the preload forwards it with. */
export const MEDIA_PORT_CHANNEL = 'media:port';
export const MEDIA_PORT_MESSAGE = 'console-media-port';

const MAGIC = 0x41;
const VERSION = 1;
const HEADER_BYTES = 8;
/** Bytes of a frame that carries audio. */
export const MEDIA_AUDIO_FRAME_BYTES = HEADER_BYTES + MEDIA_FRAME_SAMPLES * 2;

/**
 * `capture`: renderer → engine, the microphone's last 20 ms. `playout`: engine → renderer, 20 ms to play on the call
 * output. `claim`: renderer → engine, "this window is the audio device" (the last claim wins). `release`: engine →
 * renderer, another window claimed the audio; stop sending.
 */
export type MediaFrameKind = 'capture' | 'playout' | 'claim' | 'release';

const KIND_CODES: Record<MediaFrameKind, number> = { capture: 1, playout: 2, claim: 3, release: 4 };
const KINDS: Record<number, MediaFrameKind> = { 1: 'capture', 2: 'playout', 3: 'claim', 4: 'release' };

export type MediaFrame =
  | { kind: 'capture' | 'playout'; sequence: number; samples: Int16Array }
  | { kind: 'claim' | 'release'; sequence: number };

/** Encodes one frame into a fresh buffer (transferable: the sender may give it away). */
export function encodeMediaFrame(frame: MediaFrame): ArrayBuffer {
  const audio = frame.kind === 'capture' || frame.kind === 'playout';
  const buffer = new ArrayBuffer(audio ? MEDIA_AUDIO_FRAME_BYTES : HEADER_BYTES);
  const view = new DataView(buffer);
  view.setUint8(0, MAGIC);
  view.setUint8(1, VERSION);
  view.setUint8(2, KIND_CODES[frame.kind]);
  view.setUint32(4, frame.sequence >>> 0, true);
  if (audio) {
    const { samples } = frame;
    if (samples.length !== MEDIA_FRAME_SAMPLES) throw new RangeError(`a media frame holds ${MEDIA_FRAME_SAMPLES} samples, not ${samples.length}`);
    for (let i = 0; i < MEDIA_FRAME_SAMPLES; i++) view.setInt16(HEADER_BYTES + 2 * i, samples[i]!, true);
  }
  return buffer;
}

/** Anything a transport may hand over: an ArrayBuffer, a Node Buffer, a typed array view, or garbage. */
export function decodeMediaFrame(data: unknown): Result<MediaFrame> {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return fail('invalid-argument', 'A media frame must be binary');
  if (bytes.length < HEADER_BYTES) return fail('invalid-argument', `A media frame has at least ${HEADER_BYTES} bytes, this one ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== MAGIC || view.getUint8(1) !== VERSION) return fail('invalid-argument', 'Not a media frame of version 1');
  const kind = KINDS[view.getUint8(2)];
  if (!kind) return fail('invalid-argument', `Unknown media frame kind ${view.getUint8(2)}`);
  const sequence = view.getUint32(4, true);
  if (kind === 'claim' || kind === 'release') {
    if (bytes.length !== HEADER_BYTES) return fail('invalid-argument', `A ${kind} frame has ${HEADER_BYTES} bytes, this one ${bytes.length}`);
    return ok({ kind, sequence });
  }
  if (bytes.length !== MEDIA_AUDIO_FRAME_BYTES)
    return fail('invalid-argument', `A ${kind} frame has ${MEDIA_AUDIO_FRAME_BYTES} bytes, this one ${bytes.length}`);
  const samples = new Int16Array(MEDIA_FRAME_SAMPLES);
  for (let i = 0; i < MEDIA_FRAME_SAMPLES; i++) samples[i] = view.getInt16(HEADER_BYTES + 2 * i, true);
  return ok({ kind, sequence, samples });
}

/**
 * One end of the channel as either side's code sees it; the transports (MessagePort, WebSocket) implement it and
 * carry {@link encodeMediaFrame} bytes.
 */
export interface MediaChannel {
  send(frame: MediaFrame): void;
  /** Subscribes to decoded frames; returns the unsubscribe function. Undecodable frames never reach listeners. */
  onFrame(listener: (frame: MediaFrame) => void): () => void;
}

/**
 * G.711 μ-law (PCMU) and A-law (PCMA) coding of 8 kHz audio (ITU-T G.711; RTP payload format RFC 3551 §4.5.14: one
 * octet per sample). The companding itself is the `alawmulaw` package's; this module turns it into lookup tables
 * once (256 entries to decode, 65536 to encode) so a 20 ms frame costs 160 table reads, and lets the caller pass the
 * output buffer so steady-state coding allocates nothing.
 */
import * as alawmulawModule from 'alawmulaw';
import type { G711Codec } from './media-types';

/** The G.711 sampling rate, which is also the RTP clock rate of PCMU and PCMA (RFC 3551 §4.5.14). */
export const SAMPLE_RATE = 8000;

/**
 * The code of silence: μ-law 0xFF (positive zero; 0x7F is negative zero) and A-law 0xD5 (0x80, the smallest positive
 * step, with the even bits inverted as G.711 transmits A-law). They decode to 0 and to +8, A-law's smallest value.
 */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = Object.freeze({ PCMU: 0xff, PCMA: 0xd5 });

type Law = typeof alawmulawModule.mulaw;

/**
 * The package ships a UMD file as `main` and ES modules as `module`: bundlers see named exports, while plain Node
 * (tsx in serve mode, an unbundled main process) loads the UMD as CommonJS, whose exports sit behind `default`.
 * Either way the same two objects.
 */
function laws(): { PCMU: Law; PCMA: Law } {
  const fromDefault = (alawmulawModule as unknown as { default?: typeof alawmulawModule }).default;
  const lib = (alawmulawModule.mulaw as Law | undefined) ? alawmulawModule : fromDefault!;
  return { PCMU: lib.mulaw, PCMA: lib.alaw };
}

const LAWS = laws();

function decodeTable(law: Law): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = law.decodeSample(code);
  return table;
}

const DECODE: Readonly<Record<G711Codec, Int16Array>> = {
  PCMU: decodeTable(LAWS.PCMU),
  PCMA: decodeTable(LAWS.PCMA),
};

/** Built on first use: 64 KiB per law and some milliseconds of work that a process without calls never needs. */
const ENCODE: Partial<Record<G711Codec, Uint8Array>> = {};

function encodeTable(codec: G711Codec): Uint8Array {
  let table = ENCODE[codec];
  if (!table) {
    table = new Uint8Array(0x10000);
    const law = LAWS[codec];
    // Indexed by the sample's 16 bits as unsigned (`sample & 0xffff`); encodeSample returns a negated int for μ-law.
    for (let bits = 0; bits < 0x10000; bits++) table[bits] = law.encodeSample((bits << 16) >> 16) & 0xff;
    ENCODE[codec] = table;
  }
  return table;
}

/** `out` itself when it has exactly `length` elements, else a view of its first `length`; a short `out` is a bug. */
function fit<T extends Uint8Array | Int16Array>(out: T, length: number): T {
  if (out.length < length)
    throw new RangeError(`G.711 output buffer holds ${out.length} samples, ${length} needed`);
  return (out.length === length ? out : out.subarray(0, length)) as T;
}

/**
 * Encodes 16-bit linear PCM to one octet per sample.
 * @param out where to write; a new array when omitted. Must hold `pcm.length` octets.
 * @returns the encoded octets (`out`, or a view of its start when it is longer than `pcm`)
 */
export function encodeG711(codec: G711Codec, pcm: Int16Array, out?: Uint8Array): Uint8Array {
  const target = out ? fit(out, pcm.length) : new Uint8Array(pcm.length);
  const table = encodeTable(codec);
  for (let i = 0; i < pcm.length; i++) target[i] = table[pcm[i]! & 0xffff]!;
  return target;
}

/**
 * Decodes one octet per sample to 16-bit linear PCM.
 * @param out where to write; a new array when omitted. Must hold `payload.length` samples.
 * @returns the samples (`out`, or a view of its start when it is longer than `payload`)
 */
export function decodeG711(codec: G711Codec, payload: Uint8Array, out?: Int16Array): Int16Array {
  const target = out ? fit(out, payload.length) : new Int16Array(payload.length);
  const table = DECODE[codec];
  for (let i = 0; i < payload.length; i++) target[i] = table[payload[i]!]!;
  return target;
}

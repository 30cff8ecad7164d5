/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1), and the key derivation built on it (§4.3). The block cipher
 * is one cached AES-128-ECB encryptor per key: every packet turns its counter blocks into keystream with one `update`
 * call, with no key schedule or cipher object per packet.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

const BLOCK = 16;
/** The counter occupies the low 16 bits of the IV (§4.1.1), so one IV covers 2^16 blocks of keystream. */
const MAX_BLOCKS = 0x1_0000;

/** A master key and master salt (RFC 3711 §3.2.1): 16 and 14 bytes for the AES_CM_128 suites. */
export interface SrtpMasterKey {
  key: Uint8Array;
  salt: Uint8Array;
}

/** Length in bytes of the master key and master salt of the AES_CM_128 suites (RFC 4568 §6.2.1). */
export const MASTER_KEY_LENGTH = 16;
export const MASTER_SALT_LENGTH = 14;

/** AES-CM keystream for one session key and session salt. */
export class AesCm {
  private readonly ecb: Cipher;
  private readonly salt: Uint8Array;
  /** Counter blocks, reused across packets and grown on demand. */
  private counters: Buffer = Buffer.alloc(BLOCK * 16);

  constructor(key: Uint8Array, salt: Uint8Array) {
    if (key.length !== MASTER_KEY_LENGTH || salt.length !== MASTER_SALT_LENGTH) throw new RangeError('AES-CM needs a 16-byte key and a 14-byte salt');
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    this.salt = salt;
  }

  /**
   * `out[outOffset + k] = input[inOffset + k] ^ keystream[k]` for `k < length`. The keystream starts at the IV of
   * §4.1.1: salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16, with the 48-bit index given as its high 32 and low 16 bits (the ROC
   * and SEQ of SRTP; the SRTCP index split the same way).
   */
  xor(ssrc: number, indexHigh: number, indexLow: number, input: Uint8Array, inOffset: number, out: Uint8Array, outOffset: number, length: number): void {
    if (length <= 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > MAX_BLOCKS) throw new RangeError('AES-CM keystream longer than 2^16 blocks');
    if (this.counters.length < blocks * BLOCK) this.counters = Buffer.alloc(blocks * BLOCK);
    const counters = this.counters;
    const s = this.salt;
    counters.set(s, 0);
    counters[14] = 0;
    counters[15] = 0;
    counters[4]! ^= ssrc >>> 24;
    counters[5]! ^= ssrc >>> 16;
    counters[6]! ^= ssrc >>> 8;
    counters[7]! ^= ssrc;
    counters[8]! ^= indexHigh >>> 24;
    counters[9]! ^= indexHigh >>> 16;
    counters[10]! ^= indexHigh >>> 8;
    counters[11]! ^= indexHigh;
    counters[12]! ^= indexLow >>> 8;
    counters[13]! ^= indexLow;
    for (let b = 1; b < blocks; b++) {
      const at = b * BLOCK;
      counters.copyWithin(at, 0, 14);
      counters[at + 14] = b >>> 8;
      counters[at + 15] = b & 0xff;
    }
    const stream = this.ecb.update(counters.subarray(0, blocks * BLOCK));
    for (let k = 0; k < length; k++) out[outOffset + k] = input[inOffset + k]! ^ stream[k]!;
  }

  /** `length` bytes of raw keystream (key derivation, test vectors). */
  keystream(ssrc: number, indexHigh: number, indexLow: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    this.xor(ssrc, indexHigh, indexLow, out, 0, out, 0, length);
    return out;
  }
}

/** Session keys of one direction for SRTP or SRTCP (RFC 3711 §4.3.1, §4.3.2). */
export interface SessionKeys {
  /** k_e, 128 bits. */
  encryption: Buffer;
  /** k_a, 160 bits (HMAC-SHA1, §4.2.1). */
  authentication: Buffer;
  /** k_s, 112 bits. */
  salt: Buffer;
}

/** Key derivation labels (§4.3.1, §4.3.2): SRTP uses 0-2, SRTCP 3-5. */
const LABELS = { rtp: [0x00, 0x01, 0x02], rtcp: [0x03, 0x04, 0x05] } as const;

/**
 * Derives the session keys from a master key (RFC 3711 §4.3.1 with key_derivation_rate 0, so r = 0 and one
 * derivation serves the whole session; RFC 4568 §6.3.3 makes 0 the SDES default). The PRF is AES-CM under the
 * master key (§4.3.3) with IV = (label·2^48 ⊕ master_salt)·2^16: the label XORs byte 7 of the 14-byte salt.
 */
export function deriveSessionKeys(master: SrtpMasterKey, kind: 'rtp' | 'rtcp'): SessionKeys {
  const [encryption, authentication, salt] = LABELS[kind].map((label, i) => {
    const x = Uint8Array.from(master.salt);
    x[7]! ^= label;
    return new AesCm(master.key, x).keystream(0, 0, 0, [16, 20, 14][i]!);
  }) as [Buffer, Buffer, Buffer];
  return { encryption, authentication, salt };
}

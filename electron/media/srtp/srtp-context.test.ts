import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRtp } from '../rtp-packet';
import { AesCm, deriveSessionKeys } from './aes-cm';
import { estimateRtpIndex, ReplayWindow } from './replay-window';
import { SrtpSession, type SrtpMasterKey, type SrtpSuite } from './srtp-context';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** The master key of RFC 3711 B.3, also the key of libsrtp's srtp_validate() known answers. */
const RFC_MASTER: SrtpMasterKey = { key: hex('E1F97A0D3E018BE0D64FA32C06DE4139'), salt: hex('0EC675AD498AFEEBB6960B3AABE6') };
const master = (): SrtpMasterKey => ({ key: randomBytes(16), salt: randomBytes(14) });

/** A sender and a receiver that share keys the way two ends of an SDES call do. */
function pair(suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80'): { alice: SrtpSession; bob: SrtpSession } {
  const a = master();
  const b = master();
  return { alice: new SrtpSession({ suite, local: a, remote: b }), bob: new SrtpSession({ suite, local: b, remote: a }) };
}

const rtp = (sequence: number, payload: Uint8Array = new Uint8Array(160).fill(0xd5), ssrc = 0x1234_5678): Buffer =>
  buildRtp({ marker: false, payloadType: 8, sequence, timestamp: sequence * 160, ssrc, payload });

describe('RFC 3711 Appendix B test vectors', () => {
  const b2 = new AesCm(hex('2B7E151628AED2A6ABF7158809CF4F3C'), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'));

  it('B.2 AES-CM keystream: the first three blocks', () => {
    expect(b2.keystream(0, 0, 0, 48).toString('hex').toUpperCase()).toBe(
      'E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0A2E8DD477901E4FCA894C0',
    );
  });

  it('B.2 AES-CM keystream: blocks 0xFEFF-0xFF01 of one long segment', () => {
    const stream = b2.keystream(0, 0, 0, 0xff02 * 16);
    expect(stream.subarray(0xfeff * 16).toString('hex').toUpperCase()).toBe(
      'EC8CDF7398607CB0F2D21675EA9EA1E4' + '362B7C3C6773516318A077D7FC5073AE' + '6A2CC3787889374FBEB4C81B17BA6C44',
    );
  });

  it('B.3 key derivation: cipher key, cipher salt and auth key', () => {
    const keys = deriveSessionKeys(RFC_MASTER, 'rtp');
    expect(keys.encryption.toString('hex').toUpperCase()).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(keys.salt.toString('hex').toUpperCase()).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(keys.authentication.toString('hex').toUpperCase()).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });
});

describe('interoperability with libsrtp (srtp_validate known answers)', () => {
  const plainRtp = hex('800f1234 decafbad cafebabe' + 'ab'.repeat(16));
  const srtp80 = hex('800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb');
  const plainRtcp = hex('81c8000b cafebabe' + 'ab'.repeat(16));
  // libsrtp numbers its first SRTCP packet 1 (RFC 3711 §3.4 says 0): fine for a receiver, which takes the index as sent.
  const srtcp = hex('81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798');
  const session = (suite: SrtpSuite): SrtpSession => new SrtpSession({ suite, local: RFC_MASTER, remote: RFC_MASTER });

  it('protects and unprotects RTP with AES_CM_128_HMAC_SHA1_80', () => {
    expect(session('AES_CM_128_HMAC_SHA1_80').protectRtp(plainRtp).equals(srtp80)).toBe(true);
    expect(session('AES_CM_128_HMAC_SHA1_80').unprotectRtp(srtp80)).toEqual({ ok: true, packet: plainRtp });
  });

  it('AES_CM_128_HMAC_SHA1_32 truncates the same tag to 32 bits', () => {
    const srtp32 = srtp80.subarray(0, srtp80.length - 6);
    expect(session('AES_CM_128_HMAC_SHA1_32').protectRtp(plainRtp).equals(srtp32)).toBe(true);
    expect(session('AES_CM_128_HMAC_SHA1_32').unprotectRtp(srtp32)).toEqual({ ok: true, packet: plainRtp });
  });

  it('unprotects SRTCP, and numbers our own first SRTCP packet 0 with the E flag set', () => {
    expect(session('AES_CM_128_HMAC_SHA1_80').unprotectRtcp(srtcp)).toEqual({ ok: true, packet: plainRtcp });
    const ours = session('AES_CM_128_HMAC_SHA1_32').protectRtcp(plainRtcp);
    expect(ours.length).toBe(plainRtcp.length + 4 + 10);
    expect(ours.readUInt32BE(plainRtcp.length)).toBe(0x8000_0000);
    expect(ours.subarray(0, 8).equals(plainRtcp.subarray(0, 8))).toBe(true);
  });
});

describe('SRTP (RFC 3711 §3.3)', () => {
  it.each(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const)('round-trips RTP with %s', (suite) => {
    const { alice, bob } = pair(suite);
    const plain = rtp(1000);
    const wire = alice.protectRtp(plain);
    expect(wire.length).toBe(plain.length + (suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4));
    expect(wire.subarray(0, 12).equals(plain.subarray(0, 12))).toBe(true);
    expect(wire.subarray(12, plain.length).equals(plain.subarray(12))).toBe(false);
    expect(bob.unprotectRtp(wire)).toEqual({ ok: true, packet: plain });
  });

  it('leaves CSRCs and the header extension in the clear and encrypts only the payload', () => {
    const { alice, bob } = pair();
    const header = hex('92 08 0001 00000a00 11111111' + '22222222 33333333' + 'bede0001 10ff0000');
    const plain = Buffer.concat([header, Buffer.alloc(20, 0x55)]);
    const wire = alice.protectRtp(plain);
    expect(wire.subarray(0, header.length).equals(header)).toBe(true);
    expect(wire.subarray(header.length, plain.length).includes(Buffer.alloc(4, 0x55))).toBe(false);
    expect(bob.unprotectRtp(wire)).toEqual({ ok: true, packet: plain });
  });

  it('refuses a tampered header, payload or tag, and a packet under the wrong key', () => {
    const { alice, bob } = pair();
    const wire = alice.protectRtp(rtp(7));
    for (const at of [1, 20, wire.length - 1]) {
      const bad = Buffer.from(wire);
      bad[at]! ^= 0x01;
      expect(bob.unprotectRtp(bad)).toEqual({ ok: false, reason: 'auth-failed' });
    }
    expect(pair().bob.unprotectRtp(wire)).toEqual({ ok: false, reason: 'auth-failed' });
    expect(bob.unprotectRtp(wire).ok).toBe(true);
  });

  it('refuses a replayed packet (§3.3.2)', () => {
    const { alice, bob } = pair();
    const wire = alice.protectRtp(rtp(42));
    expect(bob.unprotectRtp(wire).ok).toBe(true);
    expect(bob.unprotectRtp(wire)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts reordering within the 64-packet window and refuses what is older', () => {
    const { alice, bob } = pair();
    const sent = Array.from({ length: 101 }, (_, i) => alice.protectRtp(rtp(i)));
    expect(bob.unprotectRtp(sent[100]!).ok).toBe(true);
    expect(bob.unprotectRtp(sent[50]!).ok).toBe(true);
    expect(bob.unprotectRtp(sent[99]!).ok).toBe(true);
    expect(bob.unprotectRtp(sent[50]!)).toEqual({ ok: false, reason: 'replayed' });
    expect(bob.unprotectRtp(sent[30]!)).toEqual({ ok: false, reason: 'too-old' });
  });

  it('rolls the ROC over at sequence 65535 → 0 on both sides, and takes a straggler from before the wrap', () => {
    const { alice, bob } = pair();
    const wires = [65533, 65534, 65535, 0, 1].map((seq) => alice.protectRtp(rtp(seq)));
    for (const i of [0, 2, 3, 1, 4]) expect(bob.unprotectRtp(wires[i]!).ok).toBe(true);
    // A packet signed with ROC 0 (a fresh sender) no longer authenticates: the receiver is at ROC 1.
    const keys = { suite: 'AES_CM_128_HMAC_SHA1_80' as const, local: master(), remote: master() };
    const sender = new SrtpSession(keys);
    const receiver = new SrtpSession({ ...keys, local: keys.remote, remote: keys.local });
    for (const seq of [65535, 0]) expect(receiver.unprotectRtp(sender.protectRtp(rtp(seq))).ok).toBe(true);
    const roc0 = new SrtpSession(keys).protectRtp(rtp(1));
    expect(receiver.unprotectRtp(roc0)).toEqual({ ok: false, reason: 'auth-failed' });
  });

  it('keeps separate ROC and replay state per SSRC under the same keys (RFC 4568 §6.4)', () => {
    const { alice, bob } = pair();
    const a = alice.protectRtp(rtp(5, undefined, 1));
    const b = alice.protectRtp(rtp(5, undefined, 2));
    expect(a.subarray(12, 20).equals(b.subarray(12, 20))).toBe(false);
    expect(bob.unprotectRtp(a).ok).toBe(true);
    expect(bob.unprotectRtp(b).ok).toBe(true);
  });

  it('never throws on bytes from the network', () => {
    const { bob } = pair();
    expect(bob.unprotectRtp(new Uint8Array(5))).toEqual({ ok: false, reason: 'too-short' });
    expect(bob.unprotectRtp(new Uint8Array(40))).toEqual({ ok: false, reason: 'malformed' });
    expect(bob.unprotectRtp(hex('9f00 0001 00000000 00000000' + '00'.repeat(20)))).toEqual({ ok: false, reason: 'malformed' });
    expect(bob.unprotectRtcp(new Uint8Array(21))).toEqual({ ok: false, reason: 'too-short' });
    for (let i = 0; i < 500; i++) {
      const junk = randomBytes(i % 80);
      expect(() => bob.unprotectRtp(junk)).not.toThrow();
      expect(() => bob.unprotectRtcp(junk)).not.toThrow();
    }
    expect(() => bob.protectRtp(new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('SRTCP (RFC 3711 §3.4)', () => {
  const rtcp = hex('80c90001 12345678' + '81ca0003 12345678 0105616c69636500');

  it('round-trips with an explicit index that counts up from 0', () => {
    const { alice, bob } = pair('AES_CM_128_HMAC_SHA1_32');
    const first = alice.protectRtcp(rtcp);
    const second = alice.protectRtcp(rtcp);
    expect(first.readUInt32BE(rtcp.length)).toBe(0x8000_0000);
    expect(second.readUInt32BE(rtcp.length)).toBe(0x8000_0001);
    expect(first.subarray(8, rtcp.length).equals(rtcp.subarray(8))).toBe(false);
    expect(bob.unprotectRtcp(second)).toEqual({ ok: true, packet: rtcp });
    expect(bob.unprotectRtcp(first)).toEqual({ ok: true, packet: rtcp });
    expect(bob.unprotectRtcp(first)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses a tampered packet, including a cleared E flag', () => {
    const { alice, bob } = pair();
    const wire = alice.protectRtcp(rtcp);
    for (const at of [4, 10, rtcp.length, wire.length - 1]) {
      const bad = Buffer.from(wire);
      bad[at]! ^= at === rtcp.length ? 0x80 : 0x01;
      expect(bob.unprotectRtcp(bad)).toEqual({ ok: false, reason: 'auth-failed' });
    }
  });
});

describe('session keys across re-offers', () => {
  it('keeps the ROC when the keys are unchanged and starts afresh when they change', () => {
    const keys = { suite: 'AES_CM_128_HMAC_SHA1_80' as const, local: master(), remote: master() };
    const alice = new SrtpSession(keys);
    const bob = new SrtpSession({ ...keys, local: keys.remote, remote: keys.local });
    for (const seq of [65535, 0]) expect(bob.unprotectRtp(alice.protectRtp(rtp(seq))).ok).toBe(true);
    alice.update({ ...keys, local: { key: Uint8Array.from(keys.local.key), salt: Uint8Array.from(keys.local.salt) } });
    expect(bob.unprotectRtp(alice.protectRtp(rtp(1))).ok).toBe(true);
    const rekeyed = master();
    alice.update({ ...keys, local: rekeyed });
    bob.update({ ...keys, local: keys.remote, remote: rekeyed });
    expect(bob.unprotectRtp(alice.protectRtp(rtp(2))).ok).toBe(true);
  });
});

describe('index estimation and replay window (RFC 3711 Appendix A, §3.3.2)', () => {
  it('guesses ROC-1, ROC and ROC+1', () => {
    expect(estimateRtpIndex(undefined, 7)).toBe(7);
    expect(estimateRtpIndex(0x1_0005, 0xfffe)).toBe(0xfffe);
    expect(estimateRtpIndex(0x1_0005, 9)).toBe(0x1_0009);
    expect(estimateRtpIndex(0xfff0, 3)).toBe(0x1_0003);
    expect(estimateRtpIndex(5, 0xfff0)).toBeLessThan(0);
  });

  it('slides, refuses duplicates and what fell out', () => {
    const w = new ReplayWindow();
    w.accept(10);
    expect(w.check(10)).toBe('replayed');
    expect(w.check(9)).toBe('new');
    w.accept(200);
    expect(w.check(10)).toBe('too-old');
    expect(w.check(137)).toBe('new');
    expect(w.check(136)).toBe('too-old');
    w.accept(150);
    expect(w.check(150)).toBe('replayed');
    expect(w.check(-1)).toBe('too-old');
  });
});

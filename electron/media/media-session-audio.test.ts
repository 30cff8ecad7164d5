/** The audio path of a media session over 127.0.0.1 (issue 10): microphone frames out, SRTP, hold and mute. */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeG711 } from './g711';
import { FRAME_SAMPLES } from './rtp-sender';
import { sessionPair, sleep, waitFor } from './testing/media-rig';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function pair(options: Parameters<typeof sessionPair>[0] = {}): ReturnType<typeof sessionPair> {
  const rig = sessionPair(options);
  cleanups.push(() => rig.close());
  return rig;
}

/** A recognisable microphone frame: a ramp whose level says which frame it was. */
const ramp = (level: number): Int16Array => Int16Array.from({ length: FRAME_SAMPLES }, (_, i) => level * ((i % 16) - 8));

describe('MediaSession audio path', () => {
  it('encodes microphone frames into RTP and the far end decodes them (G.711 quantisation only)', async () => {
    const rig = pair();
    const heard: Int16Array[] = [];
    rig.b.onAudioFrame((payload) => heard.push(decodeG711('PCMU', payload)));
    await rig.negotiate();
    const feeder = setInterval(() => rig.a.callAudio.pushCapture(ramp(100)), 20);
    cleanups.push(() => clearInterval(feeder));
    rig.a.start();
    await waitFor(() => heard.some((f) => f[0] !== 0), 2000, 'microphone audio at the far end');
    const frame = heard.find((f) => f[0] !== 0)!;
    const expected = ramp(100);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(Math.abs(frame[i]! - expected[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) / 16 + 8);
  });

  it('plays what arrives through the jitter buffer', async () => {
    const rig = pair();
    await rig.negotiate();
    const feeder = setInterval(() => rig.a.callAudio.pushCapture(ramp(200)), 20);
    cleanups.push(() => clearInterval(feeder));
    rig.a.start();
    rig.b.start();
    const played: Int16Array[] = [];
    const puller = setInterval(() => played.push(rig.b.callAudio.pullPlayout()), 20);
    cleanups.push(() => clearInterval(puller));
    await waitFor(() => played.some((f) => Math.max(...f) > 1000), 3000, 'audio played at b');
    expect(rig.b.quality()).toMatchObject({ rating: 'good', lossPercent: 0 });
  });

  it('sends silence, not the microphone, while muted or held', async () => {
    const rig = pair();
    const heard: Int16Array[] = [];
    rig.b.onAudioFrame((payload) => heard.push(decodeG711('PCMU', payload)));
    await rig.negotiate();
    const feeder = setInterval(() => rig.a.callAudio.pushCapture(ramp(300)), 20);
    cleanups.push(() => clearInterval(feeder));
    rig.a.start();
    await waitFor(() => heard.some((f) => Math.max(...f) > 1000), 2000, 'audio before mute');
    rig.a.callAudio.muted = true;
    await sleep(100);
    heard.length = 0;
    await sleep(200);
    expect(heard.length).toBeGreaterThan(5);
    expect(heard.every((f) => Math.max(...f.map(Math.abs)) === 0)).toBe(true);
    rig.a.callAudio.muted = false;
    // Hold by re-offer (RFC 3264 §8.4): RTP keeps flowing as silence.
    const offer = await rig.a.createOffer({ hold: true });
    const answer = await rig.b.createAnswer(offer.ok ? offer.value : '', { hold: false });
    expect((await rig.a.applyAnswer(answer.ok ? answer.value : '')).ok).toBe(true);
    await sleep(100);
    heard.length = 0;
    await sleep(200);
    expect(heard.length).toBeGreaterThan(5);
    expect(heard.every((f) => Math.max(...f.map(Math.abs)) === 0)).toBe(true);
  });
});

describe('MediaSession SRTP (RFC 3711, SDES keys)', () => {
  it('encrypts both ways when both sides require it, and the audio still arrives', async () => {
    const rig = pair({ srtpA: 'require', srtpB: 'require' });
    const heard: Int16Array[] = [];
    rig.b.onAudioFrame((payload) => heard.push(decodeG711('PCMU', payload)));
    const { offer, answer } = await rig.negotiate();
    expect(offer).toMatch(/m=audio \d+ RTP\/SAVP/);
    expect(offer).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    expect(answer).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    const feeder = setInterval(() => rig.a.callAudio.pushCapture(ramp(100)), 20);
    cleanups.push(() => clearInterval(feeder));
    rig.a.start();
    rig.b.start();
    await waitFor(() => heard.some((f) => f[0] !== 0), 2000, 'decrypted audio at b');
    expect(rig.a.stats().srtp).toBe(true);
    expect(rig.b.stats().srtp).toBe(true);
    expect(rig.a.srtpFailures + rig.b.srtpFailures).toBe(0);
    expect(rig.a.rtcpStats().invalidPackets).toBe(0);
  });

  it('keeps SRTP and its keys across a hold re-offer', async () => {
    const rig = pair({ srtpA: 'offer', srtpB: 'offer' });
    const first = await rig.negotiate();
    expect(first.offer).toMatch(/RTP\/AVP/);
    const key = /inline:(\S+)/.exec(first.offer)![1];
    const reoffer = await rig.a.createOffer({ hold: true });
    expect(reoffer.ok && reoffer.value).toContain('a=crypto:');
    const answer = await rig.b.createAnswer(reoffer.ok ? reoffer.value : '', { hold: false });
    expect((await rig.a.applyAnswer(answer.ok ? answer.value : '')).ok).toBe(true);
    expect(rig.a.stats().srtp).toBe(true);
    expect(reoffer.ok && reoffer.value).toContain(key);
  });

  it('falls back to plain RTP when best-effort SRTP meets a plain far end; never offers keys with policy off', async () => {
    const rig = pair({ srtpA: 'offer', srtpB: 'off' });
    const { offer, answer } = await rig.negotiate();
    expect(offer).toContain('a=crypto:');
    expect(answer).not.toContain('a=crypto:');
    expect(rig.a.stats().srtp).toBeUndefined();
    const plain = pair();
    const exchanged = await plain.negotiate();
    expect(exchanged.offer).not.toContain('crypto');
  });

  it('refuses an RTP/SAVP offer on a line without TLS (policy off) and plain RTP where SRTP is required', async () => {
    const off = pair({ srtpA: 'require', srtpB: 'off' });
    await expect(off.negotiate()).rejects.toThrow(/TLS/);
    const required = pair({ srtpA: 'off', srtpB: 'require' });
    await expect(required.negotiate()).rejects.toThrow();
  });

  it('drops packets that fail authentication and counts them, without touching the call', async () => {
    const rig = pair({ srtpA: 'require', srtpB: 'require' });
    await rig.negotiate();
    rig.a.start();
    await waitFor(() => rig.b.stats().packetsReceived > 3, 2000, 'SRTP flowing');
    const port = rig.b.localRtpPort!;
    const { createSocket } = await import('node:dgram');
    const forger = createSocket('udp4');
    cleanups.push(() => forger.close());
    const forged = Buffer.alloc(12 + 160 + 10);
    forged[0] = 0x80;
    for (let i = 0; i < 20; i++) forger.send(forged, port, '127.0.0.1');
    await waitFor(() => rig.b.srtpFailures >= 20, 2000, 'forged packets refused');
    const before = rig.b.stats().packetsReceived;
    await waitFor(() => rig.b.stats().packetsReceived > before + 3, 2000, 'the real stream goes on');
  });
});

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaSessionFactory } from './media-session-factory';
import type { ReceivedDtmf } from './media-types';
import { buildRtp, parseRtp } from './rtp-packet';
import { FakeMediaClock, RealMediaClock } from './testing/fake-media-clock';
import { portRange, sessionPair, sleep, waitFor } from './testing/media-rig';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function track<T extends { close(): void }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

async function udp(): Promise<Socket> {
  const socket = track(createSocket('udp4'));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

const answerTo = (port: number, extra = 'a=rtpmap:101 telephone-event/8000\r\n', payloads = '0 101'): string =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP ${payloads}\r\na=rtpmap:0 PCMU/8000\r\n${extra}`;

describe('MediaSession over 127.0.0.1', () => {
  it('two sessions negotiate and exchange silence both ways', async () => {
    const rig = track(sessionPair());
    const frames: Uint8Array[] = [];
    rig.b.onAudioFrame((payload) => frames.push(payload));
    await rig.negotiate();
    rig.a.start();
    rig.b.start();
    rig.b.start();
    await sleep(200);
    await waitFor(() => rig.a.stats().packetsReceived > 0 && rig.b.stats().packetsReceived > 0);
    expect(rig.a.stats()).toMatchObject({ codec: 'PCMU', telephoneEvent: true });
    expect(rig.a.stats().packetsSent).toBeGreaterThanOrEqual(5);
    expect(Array.from(frames[0]!)).toEqual(Array(160).fill(0xff));
    expect(rig.a.rtcpStats().invalidPackets).toBe(0);
    expect(rig.logs.filter((l) => l.includes('failed'))).toEqual([]);
  });

  it('sends frames of the audio source instead of silence', async () => {
    const rig = track(sessionPair());
    const frames: Uint8Array[] = [];
    rig.b.onAudioFrame((payload) => frames.push(payload));
    await rig.negotiate();
    rig.a.setAudioSource(() => new Uint8Array(160).fill(0x55));
    rig.a.start();
    await waitFor(() => frames.length > 0);
    expect(Array.from(frames[0]!)).toEqual(Array(160).fill(0x55));
  });

  it('latches RTP to the source the far end actually sends from', async () => {
    const rig = track(sessionPair());
    const sdpTarget = await udp();
    const natted = await udp();
    const offer = await rig.a.createOffer({ hold: false });
    if (!offer.ok) throw new Error(offer.reason);
    expect(await rig.a.applyAnswer(answerTo(sdpTarget.address().port))).toEqual({ ok: true, value: undefined });
    let atSdp = 0;
    let atNat = 0;
    sdpTarget.on('message', () => atSdp++);
    natted.on('message', (data) => {
      if (parseRtp(data)) atNat++;
    });
    rig.a.start();
    await waitFor(() => atSdp > 0, 2000, 'RTP at the SDP address');
    const rtp = buildRtp({ marker: true, payloadType: 0, sequence: 1, timestamp: 0, ssrc: 42, payload: new Uint8Array(160) });
    natted.send(rtp, rig.a.localRtpPort!, '127.0.0.1');
    await waitFor(() => atNat > 2, 2000, 'RTP at the latched address');
    const before = atSdp;
    await sleep(60);
    expect(atSdp).toBe(before);
    expect(rig.a.stats().packetsReceived).toBe(1);
  });

  it('counts packets that are not negotiated RTP as invalid and survives garbage', async () => {
    const rig = track(sessionPair());
    await rig.negotiate();
    const stranger = await udp();
    for (const bytes of [Buffer.from('hello'), Buffer.alloc(0), buildRtp({ marker: false, payloadType: 18, sequence: 1, timestamp: 0, ssrc: 1, payload: new Uint8Array(20) })]) {
      stranger.send(bytes, rig.a.localRtpPort!, '127.0.0.1');
    }
    stranger.send(Buffer.from([0x80, 200, 0, 99]), rig.a.localRtpPort! + 1, '127.0.0.1');
    await waitFor(() => rig.a.rtcpStats().invalidPackets === 3);
    expect(rig.a.stats().packetsReceived).toBe(0);
    expect(rig.a.rtcpStats().rtcpReceived).toBe(0);
  });

  it('on hold: the recvonly side sends nothing, the holding side keeps sending (RFC 3264 §8.4)', async () => {
    const rig = track(sessionPair());
    const { offer, answer } = await rig.negotiate(true);
    expect(offer).toContain('a=sendonly');
    expect(answer).toContain('a=recvonly');
    expect(rig.b.remoteDirection).toBe('sendonly');
    expect(rig.a.remoteDirection).toBe('recvonly');
    rig.a.start();
    rig.b.start();
    await sleep(200);
    await waitFor(() => rig.b.stats().packetsReceived > 0);
    expect(rig.b.stats().packetsSent).toBe(0);
    expect(rig.a.stats().packetsReceived).toBe(0);
    expect(rig.b.sendDtmf('1')).toBe(false);
  });

  it('sends RTCP BYE on close, which the peer receives; close is idempotent and frees the ports', async () => {
    const rig = track(sessionPair());
    await rig.negotiate();
    rig.a.start();
    rig.b.start();
    await waitFor(() => rig.b.stats().packetsReceived > 0);
    rig.a.close();
    rig.a.close();
    await waitFor(() => rig.b.rtcpStats().remoteBye, 2000, 'BYE');
    await waitFor(() => rig.ports.inUse === 1, 2000, 'ports freed');
    expect(await rig.a.createOffer({ hold: false })).toMatchObject({ ok: false });
  });

  it('delivers RFC 4733 digits with start and end to the peer', async () => {
    const rig = track(sessionPair());
    await rig.negotiate();
    const events: ReceivedDtmf[] = [];
    rig.b.onDtmf((event) => events.push(event));
    rig.a.start();
    expect(rig.a.sendDtmf('5')).toBe(true);
    expect(rig.a.sendDtmf('#')).toBe(true);
    expect(rig.a.sendDtmf('x')).toBe(false);
    await waitFor(() => events.length === 4, 3000, 'DTMF events');
    expect(events.map((e) => [e.digit, e.phase])).toEqual([['5', 'start'], ['5', 'end'], ['#', 'start'], ['#', 'end']]);
    expect(events[1]!.durationMs).toBe(100);
  });

  it('refuses DTMF when telephone-event was not negotiated', async () => {
    const rig = track(sessionPair());
    const peer = await udp();
    await rig.a.createOffer({ hold: false });
    await rig.a.applyAnswer(answerTo(peer.address().port, '', '0'));
    expect(rig.a.stats().telephoneEvent).toBe(false);
    expect(rig.a.sendDtmf('1')).toBe(false);
  });

  it('exchanges SR/RR reports every ~5 s (fake clock, real sockets)', async () => {
    const clock = new FakeMediaClock();
    const rig = track(sessionPair({ clock, random: () => 0.5 }));
    await rig.negotiate();
    rig.a.start();
    rig.b.start();
    for (let t = 0; t < 5100; t += 100) {
      clock.advance(100);
      await sleep(1);
    }
    await waitFor(() => rig.a.rtcpStats().rtcpReceived > 0 && rig.b.rtcpStats().rtcpReceived > 0, 2000, 'RTCP');
    const a = rig.a.rtcpStats();
    expect(a.rtcpSent).toBe(1);
    expect(a.remote).toMatchObject({ fractionLost: 0 });
    expect(a.packetsLost).toBe(0);
  });
});

describe('port allocation', () => {
  it('fails offer/answer with PortRangeExhausted when every pair is taken, and reuses a freed pair', async () => {
    const range = portRange(2);
    const factory = createMediaSessionFactory({ clock: new RealMediaClock(), portRange: range });
    const first = track(factory({ localAddress: '127.0.0.1' }));
    expect(await first.createOffer({ hold: false })).toMatchObject({ ok: true });
    const second = track(factory({ localAddress: '127.0.0.1' }));
    const failed = await second.createOffer({ hold: false });
    expect(failed).toMatchObject({ ok: false });
    expect(!failed.ok && failed.reason).toMatch(/no free RTP\/RTCP port pair/);
    first.close();
    expect(await track(factory({ localAddress: '127.0.0.1' })).createOffer({ hold: false })).toMatchObject({ ok: true });
  });

  it('skips a pair another program holds', async () => {
    const range = portRange(4);
    const squatter = track(createSocket('udp4'));
    await new Promise<void>((resolve) => squatter.bind(range.min + 1, '127.0.0.1', resolve));
    const logs: string[] = [];
    const factory = createMediaSessionFactory({ clock: new RealMediaClock(), portRange: range, log: (m) => logs.push(m) });
    const session = track(factory({ localAddress: '127.0.0.1' }));
    const offer = await session.createOffer({ hold: false });
    expect(offer.ok && offer.value).toContain(`m=audio ${range.min + 2} RTP/AVP`);
    expect(logs.some((l) => l.includes('taken'))).toBe(true);
  });

  it('refuses 0.0.0.0 as our address and reports an unbindable address as a failure', async () => {
    const factory = createMediaSessionFactory({ clock: new RealMediaClock(), portRange: portRange() });
    expect(await track(factory({ localAddress: '0.0.0.0' })).createOffer({ hold: false })).toMatchObject({ ok: false });
    expect(await track(factory({ localAddress: '203.0.113.77' })).createOffer({ hold: false })).toMatchObject({ ok: false });
  });
});

/**
 * Audio through a real Kamailio (issue 10): the whole engine (createConsole) driven through the contract's command
 * handlers, with a stand-in audio device on the engine's media channel (test/support/audio-device.ts, the same hub
 * the renderer's worklet feeds). The far ends are sipp phones: with -rtp_echo their RTP port returns what the console
 * sends, so a 1 kHz tone from the "microphone" must come back to the "headset" through codec, RTP, the far end,
 * the jitter buffer and the hub (Goertzel). With test/support/rtp-peer.ts as the far end's media port the test sees
 * exactly what left the console: its tone, its RFC 4733 digits, and silence while it holds the call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../shared/calls';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { ConsoleService } from '../../electron/core/console-service';
import { toneRatio } from '../../electron/media/testing/goertzel-rig';
import { toneFrames } from '../../electron/media/testing/tone-rig';
import { startAudioDevice, type FakeAudioDevice } from '../support/audio-device';
import { AUDIO_CODECS, audioCallee, audioCaller, type AudioCodecName, type SippPeer } from '../support/call-peers';
import { startTestConsole } from '../support/test-console';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startRtpPeer, type RtpPeer } from '../support/rtp-peer';
import { sleep, waitFor } from '../support/wait';

const CONSOLE = { user: '100', password: 'pw100' };
const BOB = { user: '102', password: 'pw102' };
const CAROL = { user: '103', password: 'pw103' };

const TONE_HZ = 1000;
/** Share of the heard signal's energy at 1 kHz that counts as "the tone is there" (pure tone ≈ 1, speech-free silence 0). */
const TONE_PRESENT = 0.6;

let kam: KamailioHandle;
let service: ConsoleService;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-audio-'));
const peers: SippPeer[] = [];
const cleanups: (() => unknown)[] = [];

function settings(): Settings {
  return {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 31200, rtpPortMax: 31299 },
    lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: CONSOLE.user, password: CONSOLE.password, domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
  };
}

function call(predicate: (c: CallView) => boolean): CallView | undefined {
  return service.snapshot().calls.find(predicate);
}

async function stateOf(id: string, state: CallView['state']): Promise<CallView> {
  await waitFor(`call ${id} ${state}`, () => call((c) => c.id === id)?.state === state, 15_000);
  return call((c) => c.id === id)!;
}

function device(): FakeAudioDevice {
  const d = startAudioDevice(service.media!, toneFrames(TONE_HZ, -12));
  cleanups.push(() => d.stop());
  return d;
}

/** Answers the next incoming call from `number`. */
async function answerFrom(number: string): Promise<CallView> {
  await waitFor(`a call from ${number} rings`, () => !!call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number), 15_000);
  const ringing = call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number)!;
  const answered = await service.handlers['calls.answer']({ call: ringing.id });
  expect(answered.ok, JSON.stringify(answered)).toBe(true);
  return stateOf(ringing.id, 'connected');
}

async function dial(target: string): Promise<CallView> {
  const dialled = await service.handlers['calls.dial']({ target });
  expect(dialled.ok, JSON.stringify(dialled)).toBe(true);
  return stateOf(dialled.ok ? dialled.value.id : '', 'connected');
}

/** Waits until the last second the device heard holds the tone. */
async function hearsTone(d: FakeAudioDevice, what: string): Promise<void> {
  await waitFor(what, () => toneRatio(d.heard(Date.now() - 1000), TONE_HZ) > TONE_PRESENT, 10_000, 100);
}

beforeAll(async () => {
  kam = await startKamailio({ users: [CONSOLE, BOB, CAROL] });
  service = await startTestConsole(dataDir, settings());
});

afterEach(async () => {
  for (const c of service.snapshot().calls) if (c.state !== 'ended') service.handlers['calls.hangup']({ call: c.id });
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await waitFor('no call in progress', () => service.snapshot().calls.every((c) => c.state === 'ended'), 10_000);
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(['PCMU', 'PCMA'] as AudioCodecName[])('a 1 kHz tone round trip in %s through a far end that echoes (sipp -rtp_echo)', (codec) => {
  it('on an incoming call answered from the contract', async () => {
    const bob = await audioCaller({ kam, caller: BOB, consoleUser: CONSOLE.user, codec });
    peers.push(bob);
    const d = device();
    const answered = await answerFrom(BOB.user);
    await hearsTone(d, `the ${codec} tone comes back`);
    expect(call((c) => c.id === answered.id)?.media?.codec).toBe(codec);
    service.handlers['calls.hangup']({ call: answered.id });
    await bob.done;
  });

  it('on an outgoing call, with DTMF that goes out as RFC 4733 and comes back', async () => {
    const carol = await audioCallee({ kam, callee: CAROL, codec });
    peers.push(carol);
    const d = device();
    const connected = await dial(CAROL.user);
    await hearsTone(d, `the ${codec} tone comes back`);
    expect(call((c) => c.id === connected.id)?.media).toMatchObject({ codec, telephoneEvent: true });
    const sent = await service.handlers['calls.sendDtmf']({ call: connected.id, digits: '19#' });
    expect(sent.ok, JSON.stringify(sent)).toBe(true);
    await waitFor('the echoed digits show in the call', () => call((c) => c.id === connected.id)?.dtmfReceived === '19#', 10_000);
    service.handlers['calls.hangup']({ call: connected.id });
    await carol.done;
  });
});

describe('what reaches the far end (the test owns the far end media port)', () => {
  let far: RtpPeer;
  beforeAll(async () => {
    far = await startRtpPeer();
  });
  afterAll(() => far.close());

  it('carries the tone, DTMF as RFC 4733 events with three end packets, the far end heard back, and silence while held', async () => {
    const codec: AudioCodecName = 'PCMA';
    const pt = AUDIO_CODECS[codec];
    const carol = await audioCallee({ kam, callee: CAROL, codec, mediaPort: far.port });
    peers.push(carol);
    const d = device();
    const connected = await dial(CAROL.user);
    await sleep(1200);
    expect(toneRatio(far.audio(pt, codec, Date.now() - 800), TONE_HZ)).toBeGreaterThan(TONE_PRESENT);

    // The far end speaks (a 400 Hz tone): the headset hears it.
    far.startSending(pt, codec, toneFrames(400, -12));
    await waitFor('the far end is heard', () => toneRatio(d.heard(Date.now() - 600), 400) > TONE_PRESENT, 10_000, 100);
    far.stopSending();

    expect((await service.handlers['calls.sendDtmf']({ call: connected.id, digits: '42*' })).ok).toBe(true);
    await waitFor('three events at the far end', () => far.dtmf().length >= 3, 10_000);
    await sleep(200);
    const events = far.dtmf();
    expect(events.map((e) => e.digit)).toEqual(['4', '2', '*']);
    for (const event of events) expect(event.endPackets).toBe(3);

    const held = await service.handlers['calls.hold']({ call: connected.id });
    expect(held.ok, JSON.stringify(held)).toBe(true);
    await sleep(600);
    const heldSince = Date.now();
    await sleep(1000);
    const whileHeld = far.audio(pt, codec, heldSince);
    // RTP keeps flowing (a PBX's RTP timeout must not end the call) but the microphone does not go out.
    expect(whileHeld.length).toBeGreaterThan(8000 * 0.5);
    expect(Math.max(...whileHeld.map(Math.abs))).toBeLessThan(64);

    expect((await service.handlers['calls.resume']({ call: connected.id })).ok).toBe(true);
    await sleep(1000);
    expect(toneRatio(far.audio(pt, codec, Date.now() - 600), TONE_HZ)).toBeGreaterThan(TONE_PRESENT);

    const muted = service.handlers['calls.mute']({ call: connected.id, muted: true });
    expect(muted).toMatchObject({ ok: true, value: { muted: true } });
    await sleep(400);
    const mutedSince = Date.now();
    await sleep(600);
    expect(Math.max(...far.audio(pt, codec, mutedSince).map(Math.abs))).toBeLessThan(64);

    service.handlers['calls.hangup']({ call: connected.id });
    await carol.done;
  });
});

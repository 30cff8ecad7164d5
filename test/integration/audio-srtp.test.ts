/**
 * SRTP through a real Kamailio over TLS (issue 10 §4): two consoles, each on a TLS line, call each other. The caller's
 * line requires SRTP (RTP/SAVP), the callee's offers it (the default on TLS lines); both end up with AES_CM_128_HMAC
 * _SHA1_80 keys from the SDP (SDES, RFC 4568) and each hears the other's tone through the encrypted stream. (That
 * lines without TLS never offer keys is unit-tested in electron/media/media-session-audio.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../shared/calls';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../shared/settings';
import type { ConsoleService } from '../../electron/core/console-service';
import { toneRatio } from '../../electron/media/testing/goertzel-rig';
import { toneFrames } from '../../electron/media/testing/tone-rig';
import { startAudioDevice, type FakeAudioDevice } from '../support/audio-device';
import { startTestConsole } from '../support/test-console';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { waitFor } from '../support/wait';

const ALICE = { user: '100', password: 'pw100' };
const CAROL = { user: '103', password: 'pw103' };

let kam: KamailioHandle;
const consoles: { service: ConsoleService; dataDir: string }[] = [];
const devices: FakeAudioDevice[] = [];

function line(user: { user: string; password: string }, srtp: LineConfig['srtp'], transport: 'tls' | 'udp' = 'tls'): LineConfig {
  return {
    id: `l${user.user}`,
    enabled: true,
    displayName: user.user,
    user: user.user,
    password: user.password,
    domain: kam.domain,
    registrar: `127.0.0.1:${transport === 'tls' ? kam.tlsPort : kam.udpPort}`,
    transport,
    expires: 600,
    ...(transport === 'tls' ? { tls: { fingerprint256: kam.certFingerprint256 } } : {}),
    ...(srtp ? { srtp } : {}),
  };
}

async function startConsole(config: LineConfig, ports: number): Promise<ConsoleService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-srtp-'));
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000 },
    calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: ports, rtpPortMax: ports + 49 },
    lines: [config],
  };
  const service = await startTestConsole(dataDir, settings, { registerTimeoutMs: 20_000 });
  consoles.push({ service, dataDir });
  return service;
}

const callOf = (service: ConsoleService, predicate: (c: CallView) => boolean = () => true): CallView | undefined =>
  service.snapshot().calls.find((c) => c.state !== 'ended' && predicate(c));

beforeAll(async () => {
  kam = await startKamailio({ users: [ALICE, CAROL] });
});

afterAll(async () => {
  for (const d of devices) d.stop();
  for (const { service, dataDir } of consoles) {
    await service.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
  await kam?.stop();
});

describe('SRTP between two consoles on TLS lines', () => {
  it('negotiates SDES keys and carries audio both ways encrypted', async () => {
    const alice = await startConsole(line(ALICE, 'require'), 31300);
    const carol = await startConsole(line(CAROL, undefined), 31350);
    const aliceEars = startAudioDevice(alice.media!, toneFrames(1000, -12));
    const carolEars = startAudioDevice(carol.media!, toneFrames(400, -12));
    devices.push(aliceEars, carolEars);

    const dialled = await alice.handlers['calls.dial']({ target: CAROL.user });
    expect(dialled.ok, JSON.stringify(dialled)).toBe(true);
    await waitFor('the call rings at Carol', () => !!callOf(carol, (c) => c.state === 'ringing'), 15_000);
    const ringing = callOf(carol, (c) => c.state === 'ringing')!;
    expect((await carol.handlers['calls.answer']({ call: ringing.id })).ok).toBe(true);
    await waitFor('both connected', () => callOf(alice)?.state === 'connected' && callOf(carol)?.state === 'connected', 15_000);

    await waitFor('Carol hears Alice (1 kHz)', () => toneRatio(carolEars.heard(Date.now() - 800), 1000) > 0.6, 10_000);
    await waitFor('Alice hears Carol (400 Hz)', () => toneRatio(aliceEars.heard(Date.now() - 800), 400) > 0.6, 10_000);
    expect(callOf(alice)?.media).toMatchObject({ srtp: true, codec: 'PCMU' });
    expect(callOf(carol)?.media).toMatchObject({ srtp: true });
    // On the wire: Alice's INVITE offered RTP/SAVP with keys, and Carol's answer carried her own.
    const offered = await alice.handlers['trace.list']({ text: 'RTP/SAVP', direction: 'out' });
    expect(offered.ok && offered.value.entries.some((e) => /a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/.test(e.text ?? ''))).toBe(true);
    const answered = await carol.handlers['trace.list']({ text: 'a=crypto', direction: 'out' });
    expect(answered.ok && answered.value.entries.length).toBeGreaterThan(0);
    // The keys themselves never reach the trace (the Diagnostics view, trace files).
    for (const service of [alice, carol]) {
      const page = await service.handlers['trace.list']({ text: 'inline:' });
      const texts = page.ok ? page.value.entries.map((e) => e.text) : [];
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) expect(text).not.toMatch(/inline:(?!<redacted>)/);
    }

    alice.handlers['calls.hangup']({ call: callOf(alice)!.id });
    await waitFor('Carol sees the hang-up', () => !callOf(carol), 10_000);
  });
});

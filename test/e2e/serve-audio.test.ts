/**
 * End to end (issue 10): Chromium with a fake microphone that plays a 1 kHz tone file answers an incoming call from
 * the UI; the far end's media port (owned by the test, named in the sipp caller's SDP) receives that tone — from
 * getUserMedia through the AudioWorklet at 8 kHz, the binary WebSocket media channel, G.711 and RTP. The far end's
 * own 400 Hz tone comes back the other way and moves the headset level meter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { toneRatio } from '../../electron/media/testing/goertzel-rig';
import { toneFrames } from '../../electron/media/testing/tone-rig';
import { AUDIO_CODECS, audioCaller, type SippPeer } from '../support/call-peers';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startRtpPeer, type RtpPeer } from '../support/rtp-peer';
import { sleep, waitFor } from '../support/wait';
import { writeToneWav } from '../support/wav';

const BOB = { user: '102', password: 'pw102' };
const toneDir = mkdtempSync(join(tmpdir(), 'ac-tone-'));
const toneFile = join(toneDir, 'tone-1khz.wav');
writeToneWav(toneFile, { hz: 1000, dbfs: -12, seconds: 5 });

let rig: E2eRig;
let far: RtpPeer;
const peers: SippPeer[] = [];

beforeAll(async () => {
  far = await startRtpPeer();
  rig = await startE2eRig({
    kamailio: { users: ['100', '102'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 32200, rtpPortMax: 32299 },
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
    }),
    chromiumArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${toneFile}`],
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await rig?.close();
  await far?.close();
  rmSync(toneDir, { recursive: true, force: true });
});

describe('audio in the browser', () => {
  it('answers from the banner and the far end receives the microphone tone; the far end is heard', async () => {
    const { page, serve, kam } = rig;
    await page.goto(serve.url);
    await expect.poll(async () => page.getByTestId('strip-line-1').getAttribute('class').catch(() => ''), { timeout: 20_000 }).toContain('is-registered');

    const bob = await audioCaller({ kam, caller: BOB, consoleUser: '100', codec: 'PCMU', mediaPort: far.port });
    peers.push(bob);
    await page.getByTestId('incoming-banner').waitFor({ timeout: 20_000 });
    await page.getByTestId('banner-answer').click();
    const strip = page.getByTestId('calls-strip');
    await expect.poll(async () => strip.locator('[data-state]').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');

    const pt = AUDIO_CODECS.PCMU;
    await waitFor('the far end receives the 1 kHz tone', () => toneRatio(far.audio(pt, 'PCMU', Date.now() - 1000), 1000) > 0.6, 15_000, 200);

    far.startSending(pt, 'PCMU', toneFrames(400, -12));
    await sleep(1500);
    await page.screenshot({ path: join(E2E_OUT, 'audio-call.png') });
    const quality = strip.getByTestId('call-quality').first();
    expect(await quality.getAttribute('data-rating')).toMatch(/good|fair|poor/);
    // The headset meter moves with the far end's tone.
    await page.getByTestId('nav-diagnostics').click().catch(() => page.keyboard.press('Alt+5'));
    const card = page.getByTestId('diag-calls');
    await card.waitFor({ timeout: 10_000 });
    await expect.poll(async () => card.innerText(), { timeout: 10_000 }).toContain('PCMU');
    await page.screenshot({ path: join(E2E_OUT, 'audio-diagnostics.png'), fullPage: true });
    await page.keyboard.press('Alt+8');
    await page.getByTestId('audio-microphone').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(E2E_OUT, 'audio-settings.png'), fullPage: true });
    far.stopSending();

    await strip.getByTestId('call-mute').first().click();
    await expect.poll(async () => strip.getByTestId('call-mute').first().getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await sleep(500);
    const mutedSince = Date.now();
    await sleep(800);
    const whileMuted = far.audio(pt, 'PCMU', mutedSince);
    expect(whileMuted.length).toBeGreaterThan(4000);
    expect(Math.max(...whileMuted.map(Math.abs))).toBeLessThan(64);

    await page.getByTestId('call-hangup').first().click();
    await bob.done;
  });
});

/**
 * End to end (issue 12 §8 "Accessibility"): serve + Chromium + Kamailio + sipp. Every piece of text on the panel
 * (idle, unknown, ringing and busy tiles, the hint bar), the incoming-call banner and calls strip, Settings and
 * every other screen reaches 4.5:1 (3:1 for large text) as Chromium paints it, in the light and the dark colour scheme. The
 * screen-reader announcements of that call and that ringing extension are checked on the way.
 *
 * The token-level check (every declared pair, blink frames included) is renderer/src/styles/contrast.test.ts; this
 * one catches what the table cannot know: which colour an element really ends up with.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { callConsole, type SippPeer } from '../support/call-peers';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startCall, type CallHandle } from '../support/phones';
import { describeLow, lowContrast, sampleText } from './support/contrast-probe';

const SCHEMES = ['light', 'dark'] as const;
/** Fewer text elements than this means the page did not render what the test meant to look at. */
const MIN_SAMPLES = 20;

let rig: E2eRig;
const peers: SippPeer[] = [];
const calls: CallHandle[] = [];

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '101', '102', '103'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 32100, rtpPortMax: 32199 },
      lines: [
        {
          id: 'l1',
          enabled: true,
          displayName: 'Reception',
          user: '100',
          password: 'pw100',
          domain: kam.domain,
          registrar: `127.0.0.1:${kam.udpPort}`,
          transport: 'udp',
          expires: 600,
        },
        // Disabled: its tiles stay "unknown", the dotted grey state, without asking the PBX for anything.
        {
          id: 'l2',
          enabled: false,
          displayName: 'Night line',
          user: '109',
          password: 'pw109',
          domain: kam.domain,
          registrar: `127.0.0.1:${kam.udpPort}`,
          transport: 'udp',
          expires: 600,
        },
      ],
      tiles: [
        {
          id: 't101',
          name: 'Anna Alt',
          uri: '101',
          watch: ['dialog'],
          action: { kind: 'call', uri: '101' },
          group: 'Front office',
        },
        {
          id: 't102',
          name: 'Ben Okafor',
          uri: '102',
          watch: ['dialog'],
          action: { kind: 'call', uri: '102' },
          group: 'Front office',
        },
        {
          id: 't103',
          name: 'Clara Jensen',
          uri: '103',
          watch: ['dialog'],
          action: { kind: 'call', uri: '103' },
          group: 'Support',
        },
        {
          id: 't104',
          name: 'Night porter',
          uri: '104',
          line: 2,
          watch: ['dialog'],
          action: { kind: 'call', uri: '104' },
          group: 'Support',
        },
      ],
    }),
  });
});

afterAll(async () => {
  await Promise.all(calls.splice(0).map((call) => call.stop()));
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  await rig?.close();
});

/** Measures the page in both schemes; returns the failures, one line each, prefixed with the scheme and screen. */
async function measure(page: Page, screen: string): Promise<string[]> {
  const failures: string[] = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    await page.waitForTimeout(100);
    const samples = await sampleText(page);
    expect(samples.length, `${screen} (${colorScheme}) shows text`).toBeGreaterThanOrEqual(MIN_SAMPLES);
    failures.push(...lowContrast(samples).map((low) => `${colorScheme} ${screen}: ${describeLow(low)}`));
    await page.screenshot({ path: join(E2E_OUT, `contrast-${screen}-${colorScheme}.png`) });
  }
  return failures;
}

describe('contrast as painted', () => {
  it('keeps every text at 4.5:1 on the panel, the incoming call and Settings, light and dark', async () => {
    const { page, serve, kam } = rig;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(serve.url);
    await expect
      .poll(() => page.getByTestId('tile-t103').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('idle');
    await expect
      .poll(() => page.getByTestId('tile-t104').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('unknown');
    // The probe itself: a grey a designer might pick (#999 on white, 2.85:1) is reported, faded text too.
    // Styled through the CSSOM: the page's CSP refuses inline style attributes.
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.id = 'contrast-probe-check';
      Object.assign(probe.style, {
        position: 'fixed',
        top: '0',
        left: '0',
        zIndex: '99',
        background: '#fff',
      });
      const grey = probe.appendChild(document.createElement('span'));
      grey.textContent = 'grey hint';
      grey.style.color = '#999';
      const faded = probe.appendChild(document.createElement('span'));
      faded.textContent = 'faded';
      Object.assign(faded.style, { color: '#000', opacity: '0.3' });
      document.body.append(probe);
    });
    const planted = lowContrast(await sampleText(page)).map(
      (low) => `${low.sample.text} ${low.ratio.toFixed(2)}`,
    );
    expect(planted).toEqual([expect.stringMatching(/^grey hint 2\.8\d$/), expect.stringMatching(/^faded /)]);
    await page.evaluate(() => document.getElementById('contrast-probe-check')?.remove());

    const failures = await measure(page, 'panel');

    // Ben calls Clara (her tile rings, his is busy) while Anna calls the console (banner, calls strip).
    calls.push(
      await startCall({
        kam,
        caller: { user: '102', password: 'pw102' },
        callee: { user: '103', password: 'pw103' },
        ringMs: 20_000,
        talkMs: 500,
      }),
    );
    await expect
      .poll(() => page.getByTestId('tile-t103').getAttribute('data-state'), {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('ringing');
    peers.push(
      await callConsole({
        kam,
        caller: { user: '101', password: 'pw101' },
        consoleUser: '100',
        scenario: 'caller-gives-up',
        pauseMs: 15_000,
      }),
    );
    await page.getByTestId('incoming-banner').waitFor({ timeout: 20_000 });
    // The caller scenario sends its own display name, which wins over the directory's.
    await expect
      .poll(() => page.getByTestId('announce-assertive').innerText(), { timeout: 5000 })
      .toMatch(/^Incoming call from .+ \(101\) on Line 1 · Reception$/);
    expect(await page.getByTestId('announce-polite').innerText()).toBe(
      'Extension Clara Jensen (103) is ringing — caller Ben Okafor (102)',
    );
    failures.push(...(await measure(page, 'ringing')));

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('save-settings').waitFor();
    failures.push(...(await measure(page, 'settings')));

    // The other screens, with the calls strip still on top.
    for (const screen of ['lines', 'keys', 'presence', 'diagnostics', 'history', 'audio']) {
      await page.getByTestId(`nav-${screen}`).click();
      await page.waitForTimeout(300);
      failures.push(...(await measure(page, screen)));
    }

    expect(failures).toEqual([]);
  });
});

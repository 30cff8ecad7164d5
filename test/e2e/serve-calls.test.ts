/**
 * End to end (issue 9): an incoming call rings in the browser (serve mode), Answer connects it, the caller hangs
 * up; a second caller gives up unanswered and shows under Missed, whose "Call back" rings that phone.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { answeringCallee, callConsole, type SippPeer } from '../support/call-peers';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';

let rig: E2eRig;
const peers: SippPeer[] = [];
const BOB = { user: '102', password: 'pw102' };

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '101', '102'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 32000, rtpPortMax: 32099 },
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
      tiles: [{ id: 't1', name: 'Bob Builder', uri: '102', watch: ['dialog'], action: { kind: 'call', uri: '102' } }],
    }),
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await rig?.close();
});

describe('calls in the browser', () => {
  it('answers from the banner, the caller hangs up; an unanswered call lands under Missed and Call back rings the caller', async () => {
    const { page, serve, kam } = rig;
    await page.goto(serve.url);
    await expect.poll(async () => page.getByTestId('strip-line-1').getAttribute('class').catch(() => ''), { timeout: 20_000 }).toContain('is-registered');

    const first = await callConsole({ kam, caller: BOB, consoleUser: '100', scenario: 'caller-hangs-up', pauseMs: 2500 });
    peers.push(first);
    const banner = page.getByTestId('incoming-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toContain('Bob Builder');
    await page.screenshot({ path: join(E2E_OUT, 'calls-banner.png') });
    await page.getByTestId('banner-answer').click();
    const strip = page.getByTestId('calls-strip');
    await expect.poll(async () => strip.locator('[data-state]').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await page.screenshot({ path: join(E2E_OUT, 'calls-strip.png') });
    await first.done;
    await expect.poll(async () => strip.locator('[data-state]').first().getAttribute('data-state').catch(() => 'ended'), { timeout: 15_000 }).toBe('ended');

    const second = await callConsole({ kam, caller: BOB, consoleUser: '100', scenario: 'caller-gives-up', pauseMs: 1500 });
    peers.push(second);
    await banner.waitFor({ timeout: 20_000 });
    await second.done;
    await expect.poll(async () => page.getByTestId('sidebar-history-badge').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/^1\b/);

    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-filter-missed').click();
    const row = page.getByTestId('history-row').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-outcome')).toBe('missed');
    expect(await row.innerText()).toContain('Bob Builder');
    await page.screenshot({ path: join(E2E_OUT, 'calls-history.png') });

    const bobsPhone = await answeringCallee({ kam, callee: BOB });
    peers.push(bobsPhone);
    await row.getByTestId('history-callback').click();
    await expect
      .poll(async () => page.getByTestId('calls-strip').locator('[data-state]').first().getAttribute('data-state').catch(() => ''), { timeout: 20_000 })
      .toBe('connected');
    await page.getByTestId('call-hangup').first().click();
  });
});

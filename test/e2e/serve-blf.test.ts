/**
 * End to end (issue 3): serve + Chromium + Kamailio + sipp. During a real call 102 → 101 the panel shows 101's tile
 * ringing with the caller's number on the tile itself.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startCall } from '../support/phones';

let rig: E2eRig;

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '101', '102', '103'].map((user) => ({ user, password: `pw${user}` })) },
    // The documented settings file (docs/config.md), as an administrator would roll it out.
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
      tiles: [
        { id: 't101', name: 'Anna Schmidt', uri: '101', watch: ['dialog', 'presence'], action: { kind: 'call', uri: '101' }, group: 'Sales' },
        { id: 't102', name: 'Ben Okafor', uri: '102', watch: ['dialog'], action: { kind: 'call', uri: '102' }, group: 'Sales' },
        { id: 't103', name: 'Clara Jensen', uri: '103', watch: ['dialog'], action: { kind: 'call', uri: '103' }, group: 'Support' },
      ],
    }),
  });
});

afterAll(async () => {
  await rig?.close();
});

describe('panel during a real call', () => {
  it('shows 101 ringing with the caller number, then busy, then idle', async () => {
    const { page, kam, serve } = rig;
    await page.goto(serve.url);
    const tile = page.getByTestId('tile-t101');
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');
    await expect.poll(() => page.getByTestId('tile-t103').getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');

    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 4000, talkMs: 2000 });
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000, interval: 50 }).toBe('ringing');
    expect(await tile.innerText()).toContain('102');
    await page.screenshot({ path: join(E2E_OUT, 'panel-ringing.png') });
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000, interval: 50 }).toBe('busy');
    await page.screenshot({ path: join(E2E_OUT, 'panel-busy.png') });
    await call.done;
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');
  });
});

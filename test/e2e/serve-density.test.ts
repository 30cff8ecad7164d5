/**
 * End to end (issue 12 "Density that scales"): serve + Chromium + Kamailio + sipp at a 1600×1000 window with a
 * 1,000-tile panel in four departments. Counts the tiles wholly inside the grid's visible area — at least 300 in
 * compact, all 1,000 in wall — checks that the choice survives a reload and that arrows still move between tiles,
 * and that a ringing tile names its caller: during a real call 102 → 101 the tile of 101 shows "Ben Okafor", the
 * name of 102's own tile (the directory, renderer/src/util/directory.ts), in comfortable and compact, and the wall
 * tile is marked ringing with the caller in its label.
 *
 * Three tiles watch real extensions through line 1; the other 997 belong to line 2, which is disabled, so the test
 * PBX is not asked for a thousand subscriptions (their lamps read "unknown", which is all the count needs).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { TileConfig } from '../../shared/tiles';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startCall } from '../support/phones';

const TOTAL = 1000;
const DEPARTMENTS = ['Front office', 'Sales', 'Support', 'Warehouse'];
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannah', 'Jonas', 'Lena', 'Max', 'Nele', 'Oskar', 'Paula', 'Tim', 'Zoe'];
const LAST = ['Alt', 'Becker', 'Hoffmann', 'Fischer', 'Weber', 'Schulz', 'Wagner', 'Meyer', 'Koch', 'Richter', 'Klein', 'Wolf', 'Krüger', 'Braun', 'Lange'];

function panel(): TileConfig[] {
  const real: TileConfig[] = [
    { id: 't101', name: 'Anna Alt', uri: '101', line: 1, watch: ['dialog'], action: { kind: 'call', uri: '101' }, group: 'Front office' },
    { id: 't102', name: 'Ben Okafor', uri: '102', line: 1, watch: ['dialog'], action: { kind: 'call', uri: '102' }, group: 'Front office' },
    { id: 't103', name: 'Clara Jensen', uri: '103', line: 1, watch: ['dialog'], action: { kind: 'call', uri: '103' }, group: 'Front office' },
  ];
  const rest = Array.from({ length: TOTAL - real.length }, (_, i): TileConfig => {
    const uri = String(1000 + i);
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    const group = DEPARTMENTS[Math.floor(((i + real.length) * DEPARTMENTS.length) / TOTAL)];
    return { id: `k${uri}`, name, uri, line: 2, watch: ['dialog'], action: { kind: 'call', uri }, group };
  });
  return [...real, ...rest];
}

let rig: E2eRig;

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '101', '102', '103'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      lines: [
        { id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 },
        { id: 'l2', enabled: false, displayName: 'Branch (off)', user: '200', password: 'pw200', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 },
      ],
      tiles: panel(),
    }),
  });
  await rig.page.setViewportSize({ width: 1600, height: 1000 });
});

afterAll(async () => {
  await rig?.close();
});

/** Tiles whose box lies wholly inside the grid's visible area (the virtualised grid renders a few more). */
function visibleTiles(page: Page): Promise<number> {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid="tile-grid"]')?.getBoundingClientRect();
    if (!grid) return 0;
    return Array.from(document.querySelectorAll('[data-tile-id]')).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.top >= grid.top && r.bottom <= grid.bottom && r.left >= grid.left && r.right <= grid.right;
    }).length;
  });
}

/** {@link visibleTiles} once the grid has finished building: it builds a large screen over a few frames. */
async function settledTiles(page: Page): Promise<number> {
  let last = -1;
  for (;;) {
    const count = await visibleTiles(page);
    if (count === last) return count;
    last = count;
    await page.waitForTimeout(150);
  }
}

async function choose(page: Page, density: 'comfortable' | 'compact' | 'wall'): Promise<void> {
  await page.getByTestId(`density-${density}`).click();
  await expect.poll(() => page.getByTestId(`density-${density}`).getAttribute('aria-pressed')).toBe('true');
  // The grid re-lays out on the next frame.
  await page.waitForFunction((d) => document.querySelector('[data-testid="tile-grid"]')?.classList.contains(`d-${d}`), density);
}

describe('density at 1600×1000', () => {
  it('names the caller on a ringing tile in every density', async () => {
    const { page, kam } = rig;
    await page.goto(rig.serve.url);
    const tile = page.getByTestId('tile-t101');
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');
    await expect.poll(() => page.getByTestId('tile-t102').getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');

    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 9000, talkMs: 1000 });
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000, interval: 50 }).toBe('ringing');
    // 102 is Ben Okafor's tile: the receptionist reads the name, not "← 102".
    await expect.poll(() => tile.getByTestId('tile-context').innerText()).toContain('Ben Okafor');

    await choose(page, 'compact');
    const caller = page.getByTestId('tile-t101').getByTestId('tile-context');
    expect(await caller.isVisible()).toBe(true);
    expect(await caller.innerText()).toContain('Ben Okafor');
    await page.screenshot({ path: join(E2E_OUT, 'density-compact-ringing.png') });

    await choose(page, 'wall');
    const wall = page.getByTestId('tile-t101');
    expect(await wall.getAttribute('data-state')).toBe('ringing');
    expect(await wall.getAttribute('aria-label')).toContain('Ben Okafor');
    expect(await wall.getAttribute('class')).toContain('is-ringing');
    await call.done;
    await choose(page, 'comfortable');
  });

  it('shows at least 300 tiles in compact and keeps the choice across a reload', async () => {
    const { page } = rig;
    await page.goto(rig.serve.url);
    await page.getByTestId('tile-t101').waitFor();
    const comfortable = await settledTiles(page);
    await choose(page, 'compact');
    const compact = await settledTiles(page);
    await page.screenshot({ path: join(E2E_OUT, 'density-compact-1600x1000.png') });
    expect(compact).toBeGreaterThanOrEqual(300);
    expect(compact).toBeGreaterThan(comfortable * 2.5);

    await page.reload();
    await page.getByTestId('tile-t101').waitFor();
    expect(await page.getByTestId('density-compact').getAttribute('aria-pressed')).toBe('true');
    expect(await settledTiles(page)).toBe(compact);
  });

  it('shows all 1,000 tiles in wall, remembers it, and arrows still move between tiles', async () => {
    const { page } = rig;
    await choose(page, 'wall');
    expect(await settledTiles(page)).toBe(TOTAL);
    await page.screenshot({ path: join(E2E_OUT, 'density-wall-1600x1000.png') });

    await page.reload();
    await page.getByTestId('tile-t101').waitFor();
    expect(await page.getByTestId('density-wall').getAttribute('aria-pressed')).toBe('true');
    expect(await settledTiles(page)).toBe(TOTAL);

    // Arrows: → to the next tile, ↓ to the same column one row down.
    await page.getByTestId('tile-t101').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tileId)).toBe('t102');
    const before = await page.getByTestId('tile-t102').boundingBox();
    await page.keyboard.press('ArrowDown');
    const below = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const r = el?.getBoundingClientRect();
      return { id: el?.dataset.tileId, x: r?.x, y: r?.y };
    });
    expect(below.id).toBeDefined();
    expect(below.id).not.toBe('t102');
    expect(below.x).toBeCloseTo(before?.x ?? -1, 0);
    expect(below.y).toBeGreaterThan(before?.y ?? Infinity);
  });
});

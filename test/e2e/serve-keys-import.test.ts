/**
 * End to end (issue 12 §4/§5): in Chromium against `serve`, a real snom settings file chosen in the Keys view is
 * read by main's importer, previewed with its format, the keys found, the one already on the panel (skipped,
 * named) and the keys that cannot be tiles; "Append" and Save write the new keys to the settings file, and "Export
 * keys" downloads the console's key XML, which the importer reads back to the same keys. No PBX is needed: the one
 * line is disabled.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { TileConfig } from '../../shared/tiles';
import { importKeys } from '../../electron/core/blf/key-import';
import { launchChromium } from '../support/browser';
import { E2E_OUT } from '../support/e2e-rig';
import { startServe, type ServeHandle } from '../support/serve';

const SNOM = join(process.cwd(), 'test/fixtures/keys/snom.xml');
const ANNA: TileConfig = { id: 't101', name: 'Anna Schmidt', uri: '101', watch: ['dialog'], action: { kind: 'call', uri: '101' } };

let dataDir: string;
let serve: ServeHandle | undefined;
let browser: Browser;
let page: Page;

const settingsFile = (): string => join(dataDir, 'settings.json');
const onDisk = (): Settings => JSON.parse(readFileSync(settingsFile(), 'utf8')) as Settings;

beforeAll(async () => {
  mkdirSync(E2E_OUT, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ac-e2e-keys-'));
  const settings = {
    ...DEFAULT_SETTINGS,
    lines: [
      { id: 'l1', enabled: false, displayName: 'Reception', user: '100', domain: 'pbx.example.com', transport: 'udp', expires: 600 },
      { id: 'l2', enabled: false, displayName: 'Night', user: '199', domain: 'pbx.example.com', transport: 'udp', expires: 600 },
    ],
    tiles: [ANNA],
  };
  writeFileSync(settingsFile(), JSON.stringify(settings), { mode: 0o600 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 }, colorScheme: 'light', locale: 'en-US', acceptDownloads: true });
  serve = await startServe(dataDir);
  await page.goto(serve.url);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await serve?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('key file import and export in the browser', () => {
  it('previews a snom file with format, keys, the duplicate and the skipped keys, and saves the new keys', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByTestId('tile-import').click({ timeout: 20_000 });
    await page.getByTestId('tile-import-file').setInputFiles(SNOM);
    const summary = page.getByTestId('tile-import-summary');
    await expect.poll(() => summary.innerText(), { timeout: 10_000 }).toBe(
      'Read as snom function keys — 3 new · 1 already on the panel · 3 skipped',
    );
    const rows = await page.locator('[data-testid="tile-import-preview"] tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/Anna Alt\s+already on the panel as “Anna Schmidt”\s+sip:101\s*@pbx\.example\.com.*skipped$/s);
    expect(rows[2]).toMatch(/Night porter\s+sip:150\s*@pbx\.example\.com\s+2\s+dialog, presence\s+new/);
    const warnings = await page.getByTestId('tile-import-warnings').innerText();
    expect(warnings).toContain('fkey 4: a speed dial to 004930123456 has no lamp: skipped');
    expect(warnings).toContain('fkey 7: sip:101@pbx.example.com is the same extension as fkey 0: skipped');
    await page.screenshot({ path: join(E2E_OUT, 'keys-import-preview.png'), fullPage: true });

    await page.getByTestId('tile-import-append').click();
    await page.getByTestId('save-keys').click();
    await expect.poll(() => onDisk().tiles.map((t) => t.name), { timeout: 10_000 }).toEqual(['Anna Schmidt', 'Ben Berg', 'Night porter', '103']);
    expect(onDisk().tiles[2]).toMatchObject({ uri: 'sip:150@pbx.example.com', line: 2, watch: ['dialog', 'presence'] });
  });

  it('exports the saved keys as key XML that the importer reads back to the same keys', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tile-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^keys-\d{4}-\d{2}-\d{2}\.xml$/);
    const path = await download.path();
    const report = importKeys(readFileSync(path, 'utf8'), { lineCount: 2 });
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.format).toBe('console');
    const strip = ({ id: _id, ...tile }: TileConfig): Omit<TileConfig, 'id'> => tile;
    expect(report.value.tiles.map(strip)).toEqual(onDisk().tiles.map(strip));
  });
});

/**
 * End to end (issue 12 §4, setup in the UI): in Chromium against `serve`, the Settings screen edits what used to
 * exist only in the settings file — automatic away, a custom presence state, a line's presence feature code, the
 * theme and the language — saves them to the file on disk, and shows them again after a reload. A bad value is named
 * at its field and a refused save keeps the typed text. A refused file is listed with its fields on the Panel, with
 * a "Fix in Settings" link. No PBX is needed: the one line is disabled.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { E2E_OUT } from '../support/e2e-rig';
import { startServe, type ServeHandle } from '../support/serve';

const LINE = { id: 'l1', enabled: false, displayName: 'Reception', user: '100', domain: '127.0.0.1', transport: 'udp', expires: 600 };

let dataDir: string;
let serve: ServeHandle | undefined;
let browser: Browser;
let page: Page;

const settingsFile = (): string => join(dataDir, 'settings.json');
/** The part of the file on disk this test checks. */
interface StoredFile {
  presence?: { autoAwayMinutes: number; customStates: unknown[] };
  lines: { featureCodes?: Record<string, string> }[];
  ui?: { language: string; theme: string };
}
const onDisk = (): StoredFile => JSON.parse(readFileSync(settingsFile(), 'utf8')) as StoredFile;

async function openSettings(): Promise<void> {
  await page.keyboard.press('Alt+4');
  await page.getByTestId('presence-field-autoAwayMinutes').waitFor({ timeout: 20_000 });
}

async function restartServe(): Promise<void> {
  await serve?.stop();
  serve = await startServe(dataDir);
  await page.goto(serve.url);
}

beforeAll(async () => {
  mkdirSync(E2E_OUT, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ac-e2e-settings-'));
  writeFileSync(settingsFile(), JSON.stringify({ version: 1, lines: [LINE] }), { mode: 0o600 });
  browser = await launchChromium();
  // Light OS preference, so a dark screen can only come from the theme setting.
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'light', locale: 'en-US' });
  await restartServe();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await serve?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('settings in the browser', () => {
  it('names a bad value at its field and keeps the typed text when the save is refused', async () => {
    await openSettings();
    const minutes = page.getByTestId('presence-field-autoAwayMinutes');
    await minutes.fill('999');
    const field = minutes.locator('xpath=ancestor::div[contains(@class,"field")][1]');
    await expect.poll(() => field.innerText()).toContain('from 0 (off) to 480');
    await page.getByTestId('save-settings').click();
    await expect.poll(() => page.getByTestId('settings-error').innerText()).toContain('1 field(s) need attention');
    expect(await minutes.inputValue()).toBe('999');
    expect(onDisk().presence).toBeUndefined();
    await page.screenshot({ path: join(E2E_OUT, 'settings-error.png') });
  });

  it('saves auto-away, a custom state, a line feature code, theme and language to the file, and shows them after a reload', async () => {
    await page.getByTestId('presence-field-autoAwayMinutes').fill('12');
    await page.getByTestId('add-custom-state').click();
    await page.getByTestId('custom-state-label-3').fill('School run');
    await page.getByTestId('custom-state-base-3').selectOption('xa');
    await page.getByTestId('settings-line-1').locator('.pick').click();
    await page.getByTestId('line-field-featureCode-dnd').fill('*78');
    await page.screenshot({ path: join(E2E_OUT, 'settings-light.png'), fullPage: true });
    await page.getByTestId('ui-field-theme').selectOption('dark');
    await page.getByTestId('ui-field-language').selectOption('de');
    await page.getByTestId('save-settings').click();

    await expect.poll(() => page.getByTestId('settings-state').getAttribute('class')).not.toContain('dirty');
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.lang])).toEqual(['dark', 'de']);
    const saved = onDisk();
    expect(saved.presence?.autoAwayMinutes).toBe(12);
    expect(saved.presence?.customStates).toContainEqual({ id: 'school-run', label: 'School run', base: 'xa' });
    expect(saved.lines[0]?.featureCodes).toEqual({ dnd: '*78' });
    expect(saved.ui).toEqual({ language: 'de', theme: 'dark' });
    await page.screenshot({ path: join(E2E_OUT, 'settings-dark.png'), fullPage: true });

    await page.reload();
    await openSettings();
    expect(await page.getByTestId('presence-field-autoAwayMinutes').inputValue()).toBe('12');
    expect(await page.getByTestId('custom-state-label-3').inputValue()).toBe('School run');
    expect(await page.getByTestId('ui-field-theme').inputValue()).toBe('dark');
    expect(await page.locator('#settings-title').innerText()).toBe('Einstellungen');
    await page.getByTestId('settings-line-1').locator('.pick').click();
    expect(await page.getByTestId('line-field-featureCode-dnd').inputValue()).toBe('*78');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('lists the problems of a refused file with their fields on the Panel and leads to Settings', async () => {
    writeFileSync(settingsFile(), JSON.stringify({ version: 1, lines: [LINE], sip: { t1Ms: 1 }, ui: { theme: 'neon' } }), { mode: 0o600 });
    await restartServe();
    const notice = page.getByTestId('settings-problems');
    await notice.waitFor({ timeout: 20_000 });
    const text = await notice.innerText();
    expect(text).toContain('sip.t1Ms');
    expect(text).toContain('ui.theme');
    await page.screenshot({ path: join(E2E_OUT, 'settings-problems-panel.png') });
    await page.getByTestId('fix-in-settings').click();
    await page.getByTestId('presence-field-autoAwayMinutes').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('settings-problems').innerText()).toContain('sip.t1Ms');
  });
});

/**
 * End to end (issue 2): the real app in serve mode, driven by Chromium like a receptionist — open it, add a line in
 * Settings, watch it become registered against a real Kamailio — and checked from the PBX's side.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startServe, type ServeHandle } from '../support/serve';
import { waitFor } from '../support/wait';

const OUT = join(process.cwd(), 'test-results', 'e2e');
let kam: KamailioHandle;
let serve: ServeHandle;
let browser: Browser;
let page: Page;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-e2e-'));

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  kam = await startKamailio({ users: [{ user: '201', password: 'reception-201' }] });
  serve = await startServe(dataDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('serve + Chromium + Kamailio', () => {
  it('adds a line in settings and shows it registered', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));

    await page.goto(serve.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('add-line').click();
    await page.getByTestId('line-field-displayName').fill('Front desk');
    await page.getByTestId('line-field-user').fill('201');
    await page.getByTestId('line-field-password').fill('reception-201');
    await page.getByTestId('line-field-domain').fill(kam.domain);
    await page.getByTestId('line-field-registrar').fill(`127.0.0.1:${kam.udpPort}`);
    await page.getByTestId('line-field-transport').selectOption('udp');
    await page.getByTestId('save-settings').click();

    await page.getByTestId('nav-lines').click();
    await page.getByTestId('line-status-1').filter({ hasText: 'Registered' }).waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await kam.ulDump()).map((c) => c.aor)).toEqual(['201@test.local']);
    await page.screenshot({ path: join(OUT, 'line-registered.png') });

    await page.getByTestId('nav-diagnostics').click();
    await page.getByTestId('trace-row').first().waitFor();
    await page.getByTestId('trace-filter').fill('REGISTER');
    await page.screenshot({ path: join(OUT, 'diagnostics-trace.png') });
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('reception-201');
    expect(errors).toEqual([]);
  });

  it('un-REGISTERs when serve is stopped', async () => {
    expect(await serve.stop()).toBe(0);
    await waitFor('no contact left', async () => (await kam.ulDump()).length === 0, 5000);
  });
});

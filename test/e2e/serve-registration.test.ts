/**
 * End to end (issue 2): the real app in serve mode, driven by Chromium like a receptionist — open it, add a line in
 * Settings, watch it become registered against a real Kamailio — and checked from the PBX's side.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { waitFor } from '../support/wait';

let rig: E2eRig;

beforeAll(async () => {
  rig = await startE2eRig({ kamailio: { users: [{ user: '201', password: 'reception-201' }] } });
});

afterAll(async () => {
  await rig?.close();
});

describe('serve + Chromium + Kamailio', () => {
  it('adds a line in settings and shows it registered', async () => {
    const { page, kam, serve } = rig;
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
    await page.screenshot({ path: join(E2E_OUT, 'line-registered.png') });

    await page.getByTestId('nav-diagnostics').click();
    await page.getByTestId('trace-row').first().waitFor();
    await page.getByTestId('trace-filter').fill('REGISTER');
    await page.screenshot({ path: join(E2E_OUT, 'diagnostics-trace.png') });
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('reception-201');
    expect(errors).toEqual([]);
  });

  it('un-REGISTERs when serve is stopped', async () => {
    expect(await rig.serve.stop()).toBe(0);
    await waitFor('no contact left', async () => (await rig.kam.ulDump()).length === 0, 5000);
  });
});

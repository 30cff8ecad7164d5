/**
 * End to end (issue 12 "Names", the contacts import): serve + Chromium + Kamailio + sipp. In Settings the receptionist
 * imports a vCard 4.0 file (test/fixtures/contacts/contacts-4.0.vcf), sees the preview (format, count, the skipped
 * card and why), takes the contacts and saves; the contacts are in the settings file and still there after a reload.
 * Then 102 — a number that is only in the contacts, on no key — calls 101, and 101's ringing tile names the caller
 * "David Krüger" from the imported contacts instead of "← 102".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startCall } from '../support/phones';

const VCARD = join(process.cwd(), 'test/fixtures/contacts/contacts-4.0.vcf');

let rig: E2eRig;

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '101', '102'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
      // Only 101 has a key: the caller 102 can be named by the contacts alone.
      tiles: [{ id: 't101', name: 'Anna Schmidt', uri: '101', watch: ['dialog'], action: { kind: 'call', uri: '101' } }],
    }),
  });
  await rig.page.setViewportSize({ width: 1366, height: 900 });
});

afterAll(async () => {
  await rig?.close();
});

const savedContacts = (): unknown =>
  (JSON.parse(readFileSync(join(rig.dataDir, 'settings.json'), 'utf8')) as { directory?: { contacts: unknown[] } }).directory?.contacts;

async function openSettings(): Promise<void> {
  await rig.page.keyboard.press('Alt+4');
  await rig.page.getByTestId('directory-settings').waitFor({ timeout: 20_000 });
}

describe('the directory’s contacts import', () => {
  it('previews a vCard file, saves its contacts to the settings file and shows them after a reload', async () => {
    const { page, serve } = rig;
    await page.goto(serve.url);
    await openSettings();
    const card = page.getByTestId('directory-settings');
    expect(await page.getByTestId('directory-count').innerText()).toBe('No contacts imported yet.');

    await page.getByTestId('directory-import-file').setInputFiles(VCARD);
    await expect.poll(() => page.getByTestId('contacts-summary').innerText()).toBe('vCard file “contacts-4.0.vcf”: 4 contacts, 1 skipped');
    const rows = page.getByTestId('contacts-preview-table').locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.first().innerText()).toMatch(/David Krüger\s+102/);
    await page.getByTestId('contacts-skipped').locator('summary').click();
    expect(await page.getByTestId('contacts-skipped').innerText()).toContain('Card 3, line 15: not a phone number or SIP address — tel:call-me-maybe');
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(E2E_OUT, 'directory-preview.png') });

    await page.getByTestId('contacts-add').click();
    expect(await page.getByTestId('directory-count').innerText()).toBe('4 imported contacts');
    expect(await page.getByTestId('directory-import-done').innerText()).toContain('Save to keep them');
    await page.getByTestId('save-settings').click();
    await expect.poll(() => page.getByTestId('settings-state').getAttribute('class')).not.toContain('dirty');
    expect(await page.getByTestId('directory-import-done').count()).toBe(0);
    await expect.poll(savedContacts).toEqual([
      { name: 'David Krüger', number: '102' },
      { name: 'David Krüger', number: '+49-160-5551234' },
      { name: 'David Krüger', number: 'sip:david.krueger@pbx.example.com' },
      { name: 'Sophie Martin-Lefèvre', number: '+33-1-45-67-89-00' },
    ]);
    await card.screenshot({ path: join(E2E_OUT, 'directory-saved.png') });
    await page.screenshot({ path: join(E2E_OUT, 'directory-settings-page.png'), fullPage: true });

    await page.reload();
    await openSettings();
    expect(await page.getByTestId('directory-count').innerText()).toBe('4 imported contacts');
  });

  it('names a caller that is only in the contacts on the ringing tile', async () => {
    const { page, serve, kam } = rig;
    await page.goto(serve.url);
    const tile = page.getByTestId('tile-t101');
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('idle');

    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 6000, talkMs: 1000 });
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000, interval: 50 }).toBe('ringing');
    await expect.poll(() => tile.getByTestId('tile-context').innerText()).toContain('David Krüger');
    await tile.screenshot({ path: join(E2E_OUT, 'directory-ringing-tile.png') });
    await call.done;
  });
});

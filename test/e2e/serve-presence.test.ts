/**
 * End to end (issue 4): in the presence panel the receptionist chooses "Lunch" with a note; a colleague watching her
 * presence through Kamailio receives it, and is listed under "who watches me".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventBody } from '../../electron/sip/event-bodies';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { E2E_OUT, startE2eRig, type E2eRig } from '../support/e2e-rig';
import { startRawWatcher, type RawWatcher } from '../support/raw-watcher';

let rig: E2eRig;
let watcher: RawWatcher;

beforeAll(async () => {
  rig = await startE2eRig({
    kamailio: { users: ['100', '300'].map((user) => ({ user, password: `pw${user}` })) },
    settings: (kam) => ({
      ...DEFAULT_SETTINGS,
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600, watcherInfo: true }],
    }),
  });
  watcher = await startRawWatcher({ serverPort: rig.kam.udpPort, user: '300', password: 'pw300' });
});

afterAll(async () => {
  await watcher?.stop();
  await rig?.close();
});

describe('presence panel', () => {
  it('chooses "Lunch" with a note; a Kamailio watcher sees it', async () => {
    const { page, serve, kam } = rig;
    await page.goto(serve.url);
    await page.getByTestId('nav-presence').click();
    await expect.poll(async () => (await page.getByTestId('presence-line-1').innerText()).toLowerCase(), { timeout: 20_000 }).toContain('publish');
    const sub = await watcher.subscribe({ uri: `sip:100@${kam.domain}`, event: 'presence', expires: 300 });
    expect(sub.status).toBeLessThan(300);

    await page.getByTestId('presence-custom-lunch').click();
    await page.getByTestId('presence-note').fill('Back at 13:30');
    await page.getByTestId('presence-set').click();

    await expect.poll(() => page.getByTestId('presence-published').innerText()).toContain('Lunch');
    const notify = await watcher.waitForNotify('Lunch with the note', (n) => {
      const parsed = parseEventBody(n.contentType, n.body);
      return parsed.ok && parsed.value.type === 'presence' && parsed.value.presence.note === 'Back at 13:30';
    }, 15_000);
    const parsed = parseEventBody(notify.contentType, notify.body);
    expect(parsed.ok && parsed.value.type === 'presence' && parsed.value.presence).toMatchObject({ state: 'away', subtype: 'Lunch' });
    await expect.poll(async () => page.getByTestId('presence-watchers').innerText(), { timeout: 15_000 }).toContain('300');
    await page.screenshot({ path: join(E2E_OUT, 'presence-lunch.png') });
  });
});

/**
 * Issue 7 (defect 4): after a 6-second restart of a Kamailio that keeps subscriptions in memory only
 * (`subs_db_mode 0`), the console's lamps froze. The console (createConsole, default SIP timing) watches 10
 * extensions; Kamailio restarts; a call between two extensions must show on the tiles within 60 s, with no user
 * action. Prints `heal: …` with the time from Kamailio answering again to the lamps working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole } from '../../electron/core/create-console';
import type { ConsoleService } from '../../electron/core/console-service';
import { plainCipher } from '../../electron/core/settings-store';
import { SystemClock } from '../../electron/sip/clock';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { TileView } from '../../shared/tiles';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startCall } from '../support/phones';
import { waitFor } from '../support/wait';

const EXTENSIONS = Array.from({ length: 10 }, (_, i) => String(101 + i));
let kam: KamailioHandle;
let service: ConsoleService;
let dataDir: string;
const views = new Map<string, TileView>();

beforeAll(async () => {
  kam = await startKamailio({ users: ['100', ...EXTENSIONS].map((user) => ({ user, password: `pw${user}` })) });
  dataDir = mkdtempSync(join(tmpdir(), 'ac-restart-'));
  service = createConsole({ clock: new SystemClock(), dataDir, cipher: plainCipher, mode: 'serve', version: 'test', log: () => undefined }).service;
  await service.start();
  for (const view of service.snapshot().tiles) views.set(view.id, view);
  service.on('tiles.patch', (patch) => {
    for (const view of patch.upsert) views.set(view.id, view);
  });
  const saved = await service.handlers['settings.save']({
    ...DEFAULT_SETTINGS,
    lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
    tiles: EXTENSIONS.map((ext) => ({ id: `t${ext}`, name: ext, uri: ext, watch: ['dialog'], action: { kind: 'call', uri: ext } })),
  });
  if (!saved.ok) throw new Error(saved.error.message);
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const subscriptions = async (): Promise<number> => service.snapshot().blf.subscriptions;

describe('a 6 s restart of a memory-only Kamailio', () => {
  it('heals the lamps by itself: a call after the restart shows within 60 s', { timeout: 90_000 }, async () => {
    await waitFor('10 tiles idle', () => EXTENSIONS.every((e) => views.get(`t${e}`)?.state === 'idle'), 20_000);
    expect(await subscriptions()).toBe(10);

    await kam.restart({ downMs: 6000 });
    const back = Date.now();
    // The restarted Kamailio forgot every subscription (and the line's binding); the console sees no failure.
    await waitFor('line re-registered at the restarted Kamailio', async () => (await kam.ulDump()).some((c) => c.aor.startsWith('100@')), 45_000, 250);
    await waitFor('tiles fresh again', () => EXTENSIONS.every((e) => views.get(`t${e}`)?.staleSince === undefined && views.get(`t${e}`)?.state === 'idle'), 45_000, 100);
    const renewed = Date.now() - back;

    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 1500, talkMs: 500 });
    await waitFor('101 ringing after the restart', () => views.get('t101')?.state === 'ringing', 60_000 - (Date.now() - back), 20);
    const healed = Date.now() - back;
    console.log(`heal: lamps renewed ${(renewed / 1000).toFixed(1)} s after Kamailio answered again; call shown after ${(healed / 1000).toFixed(1)} s`);
    expect(healed).toBeLessThan(60_000);
    expect(views.get('t101')?.caller?.number).toBe('102');
    await call.done;
  });
});

/**
 * Own presence through the app's PresenceService against a real Kamailio (issue 4): the state chosen with a note
 * reaches a colleague watching us, and that colleague shows up in "who watches me" (presence.winfo, RFC 3857/3858).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineManager } from '../../electron/core/lines/line-manager';
import { PresenceService } from '../../electron/core/presence/presence-service';
import { TraceLog } from '../../electron/core/trace-log';
import { SystemClock } from '../../electron/sip/clock';
import { parseEventBody } from '../../electron/sip/event-bodies';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startRawWatcher, type RawWatcher } from '../support/raw-watcher';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let manager: LineManager;
let presence: PresenceService;
let watcher: RawWatcher;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-presence-'));

beforeAll(async () => {
  kam = await startKamailio({ users: ['100', '300'].map((user) => ({ user, password: `pw${user}` })), subscriptionsInDb: true });
  const clock = new SystemClock();
  manager = new LineManager({ clock, dataDir, trace: new TraceLog({ clock, bufferSize: 500 }) });
  presence = new PresenceService({ clock, lines: manager });
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    // Watcher info is opt-in (issue 7): this Kamailio keeps subscriptions in its database, where winfo is safe.
    lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600, watcherInfo: true }],
  };
  manager.apply(settings);
  presence.apply(settings);
  watcher = await startRawWatcher({ serverPort: kam.udpPort, user: '300', password: 'pw300' });
});

afterAll(async () => {
  await watcher?.stop();
  await presence?.shutdown();
  await manager?.shutdown();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('own presence through the PresenceService', () => {
  it('publishes "Lunch" with a note that a watching colleague receives, and lists that colleague as a watcher', async () => {
    await waitFor('line 1 published', () => presence.snapshot().lines[0]?.state === 'published', 15_000);
    const sub = await watcher.subscribe({ uri: `sip:100@${kam.domain}`, event: 'presence', expires: 300 });
    expect(sub.status).toBeLessThan(300);

    const result = presence.set({ state: 'available', customId: 'lunch', note: 'Back at 13:30' });
    expect(result.ok).toBe(true);
    expect(presence.snapshot().own).toEqual({ state: 'away', customId: 'lunch', note: 'Back at 13:30' });

    const notify = await watcher.waitForNotify('presence with the note', (n) => {
      const parsed = parseEventBody(n.contentType, n.body);
      return parsed.ok && parsed.value.type === 'presence' && parsed.value.presence.note === 'Back at 13:30';
    }, 15_000);
    const parsed = parseEventBody(notify.contentType, notify.body);
    expect(parsed.ok && parsed.value.type === 'presence' && parsed.value.presence).toMatchObject({ basic: 'open', state: 'away', subtype: 'Lunch', note: 'Back at 13:30' });

    await waitFor('the colleague listed as a watcher', () => presence.snapshot().watchers.some((w) => w.uri.includes('300@')), 15_000);
    expect(presence.snapshot().lines[0]).toMatchObject({ line: 1, method: 'publish', state: 'published' });
  });

  it('refuses an unknown custom state with the field named', () => {
    const result = presence.set({ state: 'away', customId: 'nope' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.field).toBe('customId');
  });

  it('removes the publication on shutdown', async () => {
    await presence.shutdown();
    // Only our `presence` publication: pua_reginfo keeps a `reg` presentity for the registered line (RFC 3680).
    const ownPresence = /user: 100\s+domain: [^\n]+\s+event: presence\b/;
    await waitFor('no presence presentity left', async () => !ownPresence.test(await kam.kamcmd(['presence.presentity_list'])), 10_000);
  });
});

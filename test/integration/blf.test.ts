/**
 * Busy lamp field against a real Kamailio 5.6 (issue 3): sipp phones call through it, its pua_dialoginfo publishes
 * dialog state, presence comes from a sipp PUBLISH, a resource list comes from its rls module.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { startBlfRig, type BlfRig } from '../support/blf-rig';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { publishPresence, startCall } from '../support/phones';
import { createResourceList } from '../support/resource-list';
import { waitFor } from '../support/wait';

const MEMBERS = ['103', '104', '105', '106', '107'];
let kam: KamailioHandle;
let rig: BlfRig;
let settings: Settings;

beforeAll(async () => {
  kam = await startKamailio({
    users: ['100', '101', '102', ...MEMBERS].map((user) => ({ user, password: `pw${user}` })),
    // Registrations granted for 10 s: the console's UDP line notices a restarted PBX within seconds.
    minExpires: 5,
    maxExpires: 10,
    // Kamailio keeps subscriptions in memory only; granting 20 s makes the console refresh every 10 s, so it learns
    // of a restart (481 → new subscription) within the test's window. TCP/TLS lines learn at once from the
    // dropped connection.
    subscriptionMaxExpires: 20,
  });
  const listUri = await createResourceList(kam, { watcher: '100', listUser: 'team', members: MEMBERS, packages: ['presence'] });
  rig = startBlfRig();
  settings = {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    lines: [
      { id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 60 },
    ],
    tiles: [
      { id: 't101', name: 'Anna', uri: '101', watch: ['dialog', 'presence'], action: { kind: 'call', uri: '101' } },
      { id: 't102', name: 'Ben', uri: '102', watch: ['dialog'], action: { kind: 'call', uri: '102' } },
    ],
    tileLists: [{ id: 'team', name: 'Team', uri: listUri, event: 'presence' }],
  };
  rig.apply(settings);
});

afterAll(async () => {
  await rig?.close();
  await kam?.stop();
});

const states = (id: string): string[] => (rig.history.get(id) ?? []).map((v) => v.state).filter((s, i, all) => s !== all[i - 1]);

describe('busy lamp field against Kamailio', () => {
  it('subscribes every tile and shows the extensions idle', async () => {
    await waitFor('tiles 101 and 102 idle', () => rig.tile('t101')?.state === 'idle' && rig.tile('t102')?.state === 'idle', 20_000);
    expect(rig.blf.stats().subscriptions).toBe(4);
    // Before the first NOTIFY the tile did not pretend to know: it said why it was unknown.
    expect(rig.history.get('t101')![0]).toMatchObject({ state: 'unknown' });
    expect(rig.logs.filter((l) => l.includes('ignored'))).toEqual([]);
  });

  it('shows a call 102 → 101: idle → ringing (caller 102) → busy → idle', async () => {
    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 1500, talkMs: 1500 });
    const ringing = await waitFor('101 ringing', () => (rig.tile('t101')?.state === 'ringing' ? rig.tile('t101') : undefined), 15_000, 20);
    expect(ringing!.caller?.number).toBe('102');
    await waitFor('101 busy', () => rig.tile('t101')?.state === 'busy', 15_000, 20);
    expect(rig.tile('t101')?.party?.number).toBe('102');
    await call.done;
    await waitFor('101 idle again', () => states('t101').at(-1) === 'idle', 20_000);
    const seen = states('t101');
    expect(seen.slice(seen.indexOf('ringing'))).toEqual(['ringing', 'busy', 'idle']);
    expect(seen[seen.indexOf('ringing') - 1]).toBe('idle');
  });

  it('shows the note of a PUBLISH on the tile', async () => {
    await publishPresence({ kam, user: '101', password: 'pw101', note: 'Lunch', basic: 'open' });
    await waitFor('note Lunch on 101', () => rig.tile('t101')?.presence?.note === 'Lunch', 15_000);
    expect(rig.tile('t101')?.state).toBe('idle');
  });

  it('gives one tile per member of a 5-member resource list, each with its state', async () => {
    await waitFor('5 list tiles', () => rig.blf.tileViews().filter((v) => v.listId === 'team').length === 5, 20_000);
    await publishPresence({ kam, user: '104', password: 'pw104', note: 'In a meeting', basic: 'open' });
    await publishPresence({ kam, user: '105', password: 'pw105', note: 'Gone home', basic: 'closed' });
    await waitFor('104 and 105 presence in the list', () => {
      const views = rig.blf.tileViews().filter((v) => v.listId === 'team');
      const byUri = new Map(views.map((v) => [v.uri, v]));
      return byUri.get(`sip:104@${kam.domain}`)?.presence?.note === 'In a meeting' && byUri.get(`sip:105@${kam.domain}`)?.state === 'offline';
    }, 20_000);
    const members = rig.blf.tileViews().filter((v) => v.listId === 'team').map((v) => v.uri).sort();
    expect(members).toEqual(MEMBERS.map((m) => `sip:${m}@${kam.domain}`));
  });

  it('gets every subscription back after Kamailio restarts, without any action', async () => {
    const before = rig.acceptedSubscriptions();
    await kam.restart({ downMs: 3000 });
    // Kamailio keeps subscriptions in memory only: it answers the next refresh with 481, and the console must
    // subscribe anew by itself — four new subscription dialogs accepted by the restarted server.
    await waitFor('four new subscriptions accepted', () => [...rig.acceptedSubscriptions()].filter((id) => !before.has(id)).length >= 4, 40_000, 200);
    await waitFor('four active subscriptions', () => rig.blf.stats().subscriptions === 4, 15_000);
    const call = await startCall({ kam, caller: { user: '102', password: 'pw102' }, callee: { user: '101', password: 'pw101' }, ringMs: 1500, talkMs: 500 });
    await waitFor('101 ringing after restart', () => rig.tile('t101')?.state === 'ringing', 20_000, 20);
    await call.done;
    await waitFor('101 idle after the call', () => rig.tile('t101')?.state === 'idle', 20_000);
    await waitFor('5 list tiles after restart', () => rig.blf.tileViews().filter((v) => v.listId === 'team').length === 5, 20_000);
  });
});

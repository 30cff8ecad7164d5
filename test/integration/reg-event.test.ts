/**
 * Registered or not (issue 12): a tile watching the `reg` event (RFC 3680) of 101 against a real Kamailio 5.6, whose
 * pua_reginfo PUBLISHes every usrloc change and whose presence_reginfo NOTIFYs watchers. The dialog package alone
 * cannot tell an unregistered phone from an idle one; with `reg` the tile is offline until 101 registers and again
 * after it unregisters (Expires: 0, RFC 3261 §10.2.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { startBlfRig, type BlfRig } from '../support/blf-rig';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { registerAt, summarize } from '../support/phones';
import { freeUdpPort } from '../support/process';
import { runSipp, sippScenario } from '../support/sipp';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let rig: BlfRig;

/** Drops every binding of `user` (phone-register.xml ends with its own contact at `expires`; 0 removes it too). */
async function unregister(user: string, port: number): Promise<void> {
  const result = await runSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario('phone-register.xml'), '-s', user, '-au', user, '-ap', `pw${user}`, '-key', 'domain', kam.domain, '-key', 'expires', '0', '-m', '1', '-timeout', '10', '-p', String(port)],
    { timeoutMs: 15_000 },
  );
  if (result.code !== 0) throw new Error(summarize(`unREGISTER ${user}`, result));
}

/** The reginfo bodies the console received, newest last (the trace keeps whole messages). */
function reginfoNotifies(): string[] {
  return rig.trace
    .list({ method: 'NOTIFY', direction: 'in' })
    .filter((e) => /^Event:\s*reg\b/im.test(e.text))
    .map((e) => e.text);
}

beforeAll(async () => {
  kam = await startKamailio({ users: ['100', '101', '102'].map((user) => ({ user, password: `pw${user}` })) });
  rig = startBlfRig();
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    lines: [
      { id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 60 },
    ],
    tiles: [
      { id: 't101', name: 'Anna', uri: '101', watch: ['dialog', 'reg'], action: { kind: 'call', uri: '101' } },
      // Without reg: the dialog package says idle whether or not 102 is registered.
      { id: 't102', name: 'Ben', uri: '102', watch: ['dialog'], action: { kind: 'call', uri: '102' } },
    ],
    tileLists: [],
  };
  rig.apply(settings);
});

afterAll(async () => {
  await rig?.close();
  await kam?.stop();
});

describe('reg event against Kamailio (presence_reginfo + pua_reginfo)', () => {
  it('shows 101 offline while it has never registered, and 102 (dialog only) idle with registration unknown', async () => {
    await waitFor('101 offline, 102 idle', () => rig.tile('t101')?.state === 'offline' && rig.tile('t102')?.state === 'idle', 20_000);
    expect(rig.tile('t101')?.registered).toBe(false);
    expect(rig.tile('t102')?.registered).toBeUndefined();
    expect(rig.logs.filter((l) => l.includes('ignored'))).toEqual([]);
  });

  it('shows 101 idle once it registers, then offline within seconds of its unregistration', async () => {
    const port = await freeUdpPort();
    await registerAt(kam, { user: '101', password: 'pw101' }, port);
    await waitFor('101 idle and registered', () => rig.tile('t101')?.state === 'idle' && rig.tile('t101')?.registered === true, 15_000, 50);
    const body = reginfoNotifies().at(-1) ?? '';
    expect(body).toMatch(/application\/reginfo\+xml/i);
    expect(body).toMatch(/state="active"/);

    const unregisteredAt = Date.now();
    await unregister('101', port);
    await waitFor('101 offline again', () => rig.tile('t101')?.state === 'offline', 10_000, 50);
    expect(Date.now() - unregisteredAt).toBeLessThan(5_000);
    expect(rig.tile('t101')?.registered).toBe(false);
    expect(rig.tile('t102')?.state).toBe('idle');
    expect(rig.logs.filter((l) => l.includes('ignored'))).toEqual([]);
  });
});

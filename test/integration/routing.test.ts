/**
 * Every path the user-agent core routes a request by, against real peers (issue 8, "Safety net first"): Kamailio
 * 5.6 as registrar and notifier, sipp as a stranger sending straight to the console's registered contact. The unit
 * tests of the core run on fakes built on the same stack; these hold the wire behaviour still while it changes.
 * - in-dialog NOTIFY from Kamailio: answered 200 and applied to the tile;
 * - NOTIFY outside any dialog, or in one that does not exist: 481 (RFC 6665 §4.1.3), and its body reaches no tile;
 * - an unknown method: 405 with Allow (RFC 3261 §8.2.1);
 * - a subscription refresh after a PBX restart: 481, then a new subscription (RFC 6665 §4.1.2.2). pbx-restart.test.ts
 *   and blf.test.ts check that the lamps heal; this one checks that they heal by that route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { TraceEntry } from '../../shared/trace';
import { startBlfRig, type BlfRig } from '../support/blf-rig';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startCall } from '../support/phones';
import { runSipp, sippScenario } from '../support/sipp';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let rig: BlfRig;

beforeAll(async () => {
  kam = await startKamailio({
    users: ['100', '101', '102'].map((user) => ({ user, password: `pw${user}` })),
    minExpires: 5,
    maxExpires: 10,
    // Subscriptions granted for 20 s are refreshed every 10 s: the restart test sees a refresh soon.
    subscriptionMaxExpires: 20,
  });
  rig = startBlfRig();
  rig.apply({
    ...DEFAULT_SETTINGS,
    sip: {
      ...DEFAULT_SETTINGS.sip,
      t1Ms: 100,
      t2Ms: 800,
      t4Ms: 1000,
      retryBaseSeconds: 1,
      retryMaxSeconds: 2,
    },
    lines: [
      {
        id: 'l1',
        enabled: true,
        displayName: 'Reception',
        user: '100',
        password: 'pw100',
        domain: kam.domain,
        registrar: `127.0.0.1:${kam.udpPort}`,
        transport: 'udp',
        expires: 60,
      },
    ],
    tiles: [
      { id: 't101', name: 'Anna', uri: '101', watch: ['dialog'], action: { kind: 'call', uri: '101' } },
    ],
  });
  await waitFor('tile 101 idle', () => rig.tile('t101')?.state === 'idle', 20_000);
});

afterAll(async () => {
  await rig?.close();
  await kam?.stop();
});

/** The console's registered contact as Kamailio has it: where a peer sends requests to reach the console. */
async function consoleAddress(): Promise<string> {
  const contact = (await kam.ulDump()).find((c) => c.aor.startsWith('100@'))?.contact ?? '';
  const match = /@(127\.0\.0\.1):(\d+)/.exec(contact);
  if (!match) throw new Error(`no UDP contact for 100 at Kamailio: "${contact}"`);
  return `${match[1]}:${match[2]}`;
}

/** The console's own answers (trace, direction out) to requests of `method`, in order. */
const answers = (method: string): TraceEntry[] =>
  rig.trace.list({ method, direction: 'out' }).filter((e) => e.status !== undefined);
const requestsIn = (method: string): TraceEntry[] =>
  rig.trace.list({ method, direction: 'in' }).filter((e) => e.status === undefined);

/** Runs a sipp scenario against the console; fails with sipp's output when sipp saw anything else than scripted. */
async function sippToConsole(scenario: string, ...extra: string[]): Promise<void> {
  const result = await runSipp(
    [await consoleAddress(), '-sf', sippScenario(scenario), '-s', '100', '-m', '1', ...extra],
    { timeoutMs: 15_000 },
  );
  expect(result.code, `sipp ${scenario}:\n${result.stdout}\n${result.stderr}`).toBe(0);
}

describe('request routing against real peers', () => {
  it("answers Kamailio's in-dialog NOTIFYs 200 and applies them", async () => {
    const before = requestsIn('NOTIFY').length;
    const call = await startCall({
      kam,
      caller: { user: '102', password: 'pw102' },
      callee: { user: '101', password: 'pw101' },
      ringMs: 1500,
      talkMs: 500,
    });
    await waitFor('101 ringing', () => rig.tile('t101')?.state === 'ringing', 15_000, 20);
    expect(rig.tile('t101')?.caller?.number).toBe('102');
    await call.done;
    await waitFor('101 idle again', () => rig.tile('t101')?.state === 'idle', 20_000);
    const notifies = requestsIn('NOTIFY').slice(before);
    expect(notifies.length).toBeGreaterThanOrEqual(2);
    // Each of them got exactly one final answer, 200, in its own dialog.
    for (const notify of notifies) {
      const cseq = /^CSeq:\s*(\d+)/im.exec(notify.text)?.[1];
      const finals = answers('NOTIFY').filter(
        (a) =>
          a.callId === notify.callId &&
          (a.status ?? 0) >= 200 &&
          /^CSeq:\s*(\d+)/im.exec(a.text)?.[1] === cseq,
      );
      expect(
        finals.map((a) => a.status),
        `answer to ${notify.firstLine} CSeq ${cseq}`,
      ).toContain(200);
      expect(finals.every((a) => a.status === 200)).toBe(true);
    }
  });

  it.each([
    ['outside any dialog (no To tag)', 'x-no-tag=1'],
    ['in a dialog that does not exist', 'tag=no-such-dialog'],
  ])('answers a NOTIFY %s 481 and applies nothing of it', async (_, toParam) => {
    const before = answers('NOTIFY').length;
    await sippToConsole('notify-no-dialog.xml', '-key', 'to_param', toParam);
    const sent = answers('NOTIFY').slice(before);
    expect(sent.map((a) => a.status)).toContain(481);
    expect(sent.every((a) => a.status === 481)).toBe(true);
    // The stranger's body said 101 is busy: no tile may believe it.
    expect(rig.tile('t101')?.state).toBe('idle');
    expect(rig.history.get('t101')?.some((v) => v.dialogs.some((d) => d.id === 'injected'))).toBe(false);
  });

  it('answers an unknown method 405 with Allow, which does not list it', async () => {
    await sippToConsole('unknown-method.xml');
    const sent = answers('FOO');
    expect(sent.map((a) => a.status)).toEqual([405]);
    const allow = /^Allow:\s*(.*)$/im.exec(sent[0]!.text)?.[1] ?? '';
    const methods = allow.split(',').map((m) => m.trim());
    // OPTIONS is always served (§11); what else Allow lists is the core's business, FOO it must not.
    expect(methods).toContain('OPTIONS');
    expect(methods).not.toContain('FOO');
  });

  it(
    'refreshes into a 481 after a PBX restart and subscribes anew, and the lamp works again',
    { timeout: 90_000 },
    async () => {
      const old = new Set(rig.acceptedSubscriptions());
      await kam.restart({ downMs: 2000 });
      // The refresh in the forgotten dialog is answered 481 (Kamailio keeps subscriptions in memory only)...
      const refused = await waitFor(
        'a SUBSCRIBE refresh answered 481',
        () =>
          rig.trace
            .list({ method: 'SUBSCRIBE', direction: 'in' })
            .find((e) => e.status === 481 && old.has(e.callId)),
        40_000,
        200,
      );
      if (!refused) throw new Error('unreachable: waitFor returns a truthy value');
      // ...and the console subscribes anew, in a new dialog, after that answer.
      await waitFor(
        'a new subscription accepted after the 481',
        () =>
          rig.trace
            .list({ method: 'SUBSCRIBE', direction: 'in' })
            .some(
              (e) =>
                e.seq > refused.seq &&
                e.status !== undefined &&
                e.status >= 200 &&
                e.status < 300 &&
                !old.has(e.callId),
            ),
        20_000,
        200,
      );
      const call = await startCall({
        kam,
        caller: { user: '102', password: 'pw102' },
        callee: { user: '101', password: 'pw101' },
        ringMs: 1500,
        talkMs: 500,
      });
      await waitFor('101 ringing after the restart', () => rig.tile('t101')?.state === 'ringing', 20_000, 20);
      await call.done;
    },
  );
});

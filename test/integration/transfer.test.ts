/**
 * Moving calls through a real Kamailio (issue 11): blind and attended transfer (REFER, RFC 3515 / RFC 5589) and
 * directed pickup (RFC 3891 Replaces, and a pickup code), with the whole engine (createConsole) driven through the
 * contract's command handlers. The far ends are sipp phones (on 127.0.0.1 only, signalling and media) and every
 * outcome is checked from their side too, by their scenarios (test/kamailio/sipp/):
 *
 * - The transferee is one phone made of two sipp processes, because sipp keeps one Call-ID per call: the first half
 *   talks to the console and takes its REFER, its twin places the new call in a dialog of its own; they signal each
 *   other with MESSAGE over loopback. Blind: transferee-blind.xml + transferee-blind-invite.xml (a plain INVITE with
 *   Referred-By to the Refer-To, through the PBX); attended: transferee-refer.xml + transferee-replaces.xml.
 * - The target: callee-transferred.xml checks that the INVITE comes from the caller with the console's Referred-By;
 *   callee-busy.xml refuses it (486); transfer-target.xml checks that the INVITE with Replaces names the consultation
 *   exactly.
 * - caller-picked-up.xml (+ -ooc) is a caller whose early dialog can be replaced (RFC 3891 §3).
 *
 * Kamailio is a proxy: REFER, NOTIFY and the INVITEs that follow go from phone to phone, so what the console sees
 * (the NOTIFY sipfrag progress, the BYE of a replaced dialog) is what the phones really did. Two additions to
 * test/kamailio/kamailio.cfg serve these tests: subscribers may reach a phone's contact on loopback directly (the
 * pickup INVITE goes to the dialog's remote target), and route[PICKUP] implements the `**EXT` pickup code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallTransfer, CallView } from '../../shared/calls';
import type { TileView } from '../../shared/tiles';
import type { TraceEntry, TraceFilter } from '../../shared/trace';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { ConsoleService } from '../../electron/core/console-service';
import type { SippPeer } from '../support/call-peers';
import { startTestConsole } from '../support/test-console';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { PhoneError, registerAt, spawnSipp, summarize, udpBound, type PhoneAccount } from '../support/phones';
import { freeUdpPort } from '../support/process';
import { sippScenario } from '../support/sipp';
import { waitFor } from '../support/wait';

const CONSOLE = { user: '100', password: 'pw100' };
/** The caller the receptionist moves. */
const ALICE = { user: '101', password: 'pw101' };
/** The transfer target. */
const BOB = { user: '102', password: 'pw102' };
/** A colleague whose phone rings (directed pickup). */
const CAROL = { user: '103', password: 'pw103' };

let kam: KamailioHandle;
let service: ConsoleService;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-transfer-'));
const peers: TestPeer[] = [];
/** The engine's latest log lines ("Could not hold call …", "Transfer of call … failed: …"), for failure messages. */
const engineLog: string[] = [];

function settings(): Settings {
  return {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    // 31400-31449 for the console; the sipp phones' media ports are ephemeral ones (freeUdpPort).
    calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 31400, rtpPortMax: 31449 },
    lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: CONSOLE.user, password: CONSOLE.password, domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
    tiles: [{ id: 'carol', name: 'Carol', uri: CAROL.user, watch: ['dialog'], action: { kind: 'call', uri: CAROL.user } }],
  };
}

function call(predicate: (c: CallView) => boolean): CallView | undefined {
  return service.snapshot().calls.find(predicate);
}

function byId(id: string): CallView | undefined {
  return call((c) => c.id === id);
}

/** Waits until call `id` satisfies `predicate`; the error shows the call as it last was. */
async function until(id: string, what: string, predicate: (c: CallView) => boolean, timeoutMs = 20_000): Promise<CallView> {
  try {
    await waitFor(`call ${id}: ${what}`, () => {
      const c = byId(id);
      return c !== undefined && predicate(c);
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast view: ${JSON.stringify(byId(id))}\n${await explain()}`, { cause: error });
  }
  return byId(id)!;
}

/** What the engine logged, its last SIP messages and what the phones saw: the story of a failed step. */
async function explain(): Promise<string> {
  return `engine log:\n${engineLog.join('\n')}\n${await traceTail()}\n${await farEnds()}`;
}

/** `view`'s transfer has the fields of `expected`, or the test fails with the whole story ({@link explain}). */
async function expectTransfer(view: CallView, expected: Partial<CallTransfer>): Promise<void> {
  const actual: Partial<CallTransfer> = view.transfer ?? {};
  const differs = Object.entries(expected).filter(([key, value]) => actual[key as keyof CallTransfer] !== value);
  if (differs.length > 0) expect.fail(`call ${view.id}: transfer ${JSON.stringify(view.transfer)}, expected ${JSON.stringify(expected)}\n${await explain()}`);
}

/** The last SIP messages the console sent and received, for failure messages. */
async function traceTail(): Promise<string> {
  return (await trace({ limit: 30 })).map((e) => `--- ${e.direction} ${e.remote}\n${e.text}`).join('\n').slice(-8000);
}

/** What the far ends saw, for failure messages: stops the sipp phones (the test has failed anyway). */
async function farEnds(): Promise<string> {
  return (await Promise.all(peers.map((p) => p.report()))).join('\n');
}

/** The console's SIP trace: the newest entries matching `filter`, oldest first. */
async function trace(filter: TraceFilter = {}): Promise<TraceEntry[]> {
  const page = await service.handlers['trace.list'](filter);
  return page.ok ? page.value.entries : [];
}

/** The message/sipfrag status lines of the refer NOTIFYs the console received in dialog `callId`, in order. */
async function sipfrags(callId: string): Promise<string[]> {
  return (await trace({ method: 'NOTIFY', direction: 'in', text: callId }))
    .filter((e) => e.callId === callId && /\r\nEvent:\s*refer/i.test(e.text))
    .map((e) => /\r\n\r\n(SIP\/2\.0 [^\r\n]*)/.exec(e.text)?.[1] ?? '');
}

/** The REFER the console sent in dialog `callId`. */
async function referIn(callId: string): Promise<TraceEntry | undefined> {
  return (await trace({ method: 'REFER', direction: 'out', text: callId })).find((e) => e.callId === callId);
}

/** Answers the incoming call ringing from `number`. */
async function answerFrom(number: string): Promise<CallView> {
  await waitFor(`a call from ${number} rings`, () => !!call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number), 15_000);
  const ringing = call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number)!;
  const answered = await service.handlers['calls.answer']({ call: ringing.id });
  expect(answered.ok, JSON.stringify(answered)).toBe(true);
  return until(ringing.id, 'connected', (c) => c.state === 'connected');
}

/** Where a sipp phone of this test writes its SIP messages and `<log>` lines (read back when a test fails). */
interface SippLogs {
  messages: string;
  log: string;
  args: string[];
}

function sippLogs(name: string): SippLogs {
  const messages = join(dataDir, `${name}-${Date.now()}.messages`);
  const log = join(dataDir, `${name}-${Date.now()}.log`);
  return { messages, log, args: ['-trace_msg', '-message_file', messages, '-trace_logs', '-log_file', log] };
}

/** A sipp phone of this test: `done` as in call-peers.ts, `report` kills it and tells what it had seen. */
interface TestPeer extends SippPeer {
  report(): Promise<string>;
}

function sippPeer(what: string, proc: Awaited<ReturnType<typeof spawnSipp>>, logs?: SippLogs): TestPeer {
  let stopped = false;
  const done = proc.result.then((r) => {
    if (stopped) throw new PhoneError('stopped', `${what} stopped`);
    if (r.code !== 0) throw new PhoneError('call-failed', summarize(what, r));
  });
  done.catch(() => undefined);
  const peer: TestPeer = {
    done,
    async stop() {
      stopped = true;
      proc.kill();
      await proc.result.catch(() => undefined);
    },
    async report() {
      proc.kill();
      const r = await proc.result.catch((err: Error) => ({ code: null, stdout: '', stderr: err.message, timedOut: false, errors: '' }));
      const traced = logs ? await Promise.all([logs.messages, logs.log].map((f) => readFile(f, 'utf8').catch(() => ''))) : [];
      return `${summarize(what, r).slice(-3000)}\n${traced.map((t) => t.slice(-6000)).join('\n')}`;
    },
  };
  peers.push(peer);
  return peer;
}

/** Registers `account` and starts a sipp UAS on its port running `scenario` with `args` (media on 127.0.0.1). */
async function sippPhone(account: PhoneAccount, scenario: string, args: string[], timeoutMs = 60_000): Promise<TestPeer> {
  const port = await freeUdpPort();
  await registerAt(kam, account, port);
  const logs = sippLogs(`${account.user}-${scenario}`);
  const proc = await spawnSipp([`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario(scenario), '-s', account.user, '-mi', '127.0.0.1', ...args, ...logs.args, '-p', String(port)], timeoutMs);
  try {
    await waitFor(`${account.user} sipp bound to UDP ${port}`, () => udpBound(port), 10_000, 20);
  } catch (err) {
    proc.kill();
    throw err;
  }
  return sippPeer(`${account.user} (${scenario})`, proc, logs);
}

/** The two halves of the transferee: the phone that talks to the console, and its twin that calls the target. */
const TRANSFEREE = {
  blind: { refer: 'transferee-blind.xml', twin: 'transferee-blind-invite.xml' },
  attended: { refer: 'transferee-refer.xml', twin: 'transferee-replaces.xml' },
} as const;

/**
 * Alice as a sipp phone that handles a transfer: the first half (blind: transferee-blind.xml, attended, RFC 5589 §7:
 * transferee-refer.xml) calls the console and takes its REFER; its twin (transferee-blind-invite.xml, a plain INVITE
 * with Referred-By; transferee-replaces.xml, the INVITE with Replaces) calls the target and talks for `talkMs` when it
 * answers. The scenarios explain the split.
 */
async function aliceTransferee(mode: keyof typeof TRANSFEREE, talkMs: number): Promise<{ refer: TestPeer; twin: TestPeer }> {
  const scenarios = TRANSFEREE[mode];
  const keys = ['-key', 'caller', ALICE.user, '-key', 'domain', kam.domain, '-key', 'pbx_port', String(kam.udpPort)];
  const auth = ['-au', ALICE.user, '-ap', ALICE.password];
  const twinPort = await freeUdpPort();
  const twinLogs = sippLogs(`alice-${mode}-twin`);
  const twinProc = await spawnSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario(scenarios.twin), ...auth, ...keys, '-key', 'referrer', CONSOLE.user, '-d', String(talkMs), '-mi', '127.0.0.1', ...twinLogs.args, '-m', '1', '-p', String(twinPort)],
    60_000,
  );
  const twin = sippPeer(`Alice (${scenarios.twin})`, twinProc, twinLogs);
  await waitFor(`Alice's twin bound to UDP ${twinPort}`, () => udpBound(twinPort), 10_000, 20);
  const mediaPort = await freeUdpPort([twinPort]);
  const referLogs = sippLogs(`alice-${mode}`);
  const proc = await spawnSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario(scenarios.refer), '-s', CONSOLE.user, ...auth, ...keys, '-key', 'twin_port', String(twinPort), '-mi', '127.0.0.1', '-mp', String(mediaPort), '-rtp_echo', ...referLogs.args, '-m', '1', '-p', String(await freeUdpPort([twinPort, mediaPort]))],
    60_000,
  );
  return { refer: sippPeer(`Alice (${scenarios.refer})`, proc, referLogs), twin };
}

/**
 * Alice (a transferee, see {@link aliceTransferee}) calls the console and the console answers: the call to move, with
 * the Call-ID of its dialog (from the console's trace).
 */
async function aliceOnTheLine(mode: keyof typeof TRANSFEREE, talkMs: number): Promise<{ alice: { refer: TestPeer; twin: TestPeer }; answered: CallView; callId: string }> {
  const alice = await aliceTransferee(mode, talkMs);
  const answered = await answerFrom(ALICE.user);
  // Talking (her ACK is in and her RTP echoes back): before the ACK no re-INVITE may start (RFC 3261 §14.1).
  await until(answered.id, 'RTP flows both ways', (c) => (c.media?.packetsReceived ?? 0) > 5);
  const callId = (await trace({ method: 'INVITE', direction: 'in', text: `\r\nFrom: <sip:${ALICE.user}@` })).at(-1)?.callId ?? '';
  expect(callId, "the console's trace has Alice's INVITE").not.toBe('');
  return { alice, answered, callId };
}

/** Whether `promise` has settled (resolved or rejected) by now. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([promise.then(() => true, () => true), new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending)))]);
  return first !== pending;
}

/**
 * Alice as a sipp phone calling `callee` that can be picked up (caller-picked-up.xml + its out-of-call half): registered
 * first, so a pickup INVITE addressed to her AOR reaches her.
 */
async function pickupCaller(callee: string): Promise<TestPeer> {
  const port = await freeUdpPort();
  await registerAt(kam, ALICE, port);
  const mediaPort = await freeUdpPort([port]);
  const logs = sippLogs('alice-picked-up');
  const proc = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`, '-sf', sippScenario('caller-picked-up.xml'), '-oocsf', sippScenario('caller-picked-up-ooc.xml'),
      '-s', callee, '-au', ALICE.user, '-ap', ALICE.password, '-key', 'caller', ALICE.user, '-key', 'domain', kam.domain,
      '-mi', '127.0.0.1', '-mp', String(mediaPort), '-rtp_echo', ...logs.args, '-m', '1', '-p', String(port),
    ],
    60_000,
  );
  return sippPeer('Alice (caller-picked-up.xml)', proc, logs);
}

function tile(id: string): TileView | undefined {
  return service.snapshot().tiles.find((t) => t.id === id);
}

/** Waits until Carol's tile shows her phone ringing with the early dialog's ids (Kamailio's pua_dialoginfo). */
async function carolRings(): Promise<TileView> {
  try {
    await waitFor("Carol's tile rings with the early dialog's ids", () => {
      const t = tile('carol');
      return t?.state === 'ringing' && t.dialogs.some((d) => d.state === 'early' && d.callId && d.localTag && d.remoteTag);
    }, 15_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\ntile: ${JSON.stringify(tile('carol'))}\n${await explain()}`, { cause: error });
  }
  return tile('carol')!;
}

beforeAll(async () => {
  kam = await startKamailio({ users: [CONSOLE, ALICE, BOB, CAROL] });
  service = await startTestConsole(dataDir, settings(), {
    log: (line) => {
      engineLog.push(`${new Date().toISOString()} ${line}`);
      if (engineLog.length > 40) engineLog.shift();
    },
  });
});

afterEach(async () => {
  for (const c of service.snapshot().calls) if (c.state !== 'ended') service.handlers['calls.hangup']({ call: c.id });
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  await waitFor('no call in progress', () => service.snapshot().calls.every((c) => c.state === 'ended'), 10_000);
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('blind transfer (REFER, RFC 3515)', () => {
  it('completes: the console leg ends and the caller talks to the target in a dialog both phones confirm', async () => {
    const bob = await sippPhone(BOB, 'callee-transferred.xml', ['-key', 'caller', ALICE.user, '-key', 'referrer', CONSOLE.user, '-d', '300', '-mp', String(await freeUdpPort()), '-rtp_echo', '-m', '1']);
    const { alice, answered, callId } = await aliceOnTheLine('blind', 2000);

    const started = await service.handlers['calls.transfer']({ call: answered.id, target: BOB.user, mode: 'blind' });
    expect(started.ok, JSON.stringify(started)).toBe(true);

    const ended = await until(answered.id, 'ended after the transfer', (c) => c.state === 'ended');
    await expectTransfer(ended, { mode: 'blind', target: BOB.user, state: 'succeeded' });
    // Nobody hung up on the new call: Bob's phone is still in it (Alice's twin talks for 2 s before its BYE).
    expect(await settled(bob.done), "Bob's call with Alice is still up when the console's leg has ended").toBe(false);
    // The REFER went in Alice's dialog, naming Bob and nothing else, and her phone reported the new call's progress
    // as sipfrag, ending with Bob's 200.
    const refer = await referIn(callId);
    expect(refer?.text).toMatch(new RegExp(`\\r\\nRefer-To:\\s*<sip:${BOB.user}@[^?>]*>\\r\\n`));
    expect(refer?.text).toMatch(new RegExp(`\\r\\nReferred-By:\\s*<sip:${CONSOLE.user}@`));
    // (A retransmitted NOTIFY would be traced twice: each status counts once.)
    expect([...new Set(await sipfrags(callId))]).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);

    // Alice's phone was held, took the REFER (no Replaces), NOTIFYed and saw the console's BYE; her twin called Bob
    // through the PBX, talked and hung up. Bob's phone took that call from Alice (not from the console), with the
    // console's Referred-By and no Replaces, and saw her BYE: all checked by their scenarios.
    await alice.refer.done;
    await alice.twin.done;
    await bob.done;
  });

  it('to a busy target returns the caller: 486 shown on the call, off hold, the caller still connected', async () => {
    const busy = await sippPhone(BOB, 'callee-busy.xml', ['-key', 'caller', ALICE.user, '-m', '1']);
    const { alice, answered, callId } = await aliceOnTheLine('blind', 2000);

    const started = await service.handlers['calls.transfer']({ call: answered.id, target: BOB.user, mode: 'blind' });
    expect(started.ok, JSON.stringify(started)).toBe(true);

    const failed = await until(answered.id, 'transfer failed', (c) => c.transfer?.state === 'failed');
    await expectTransfer(failed, { mode: 'blind', target: BOB.user, state: 'failed', sipStatus: 486 });
    // Alice's phone reported Bob's answer in its final NOTIFY (RFC 3515 §2.4.5).
    expect((await sipfrags(callId)).at(-1)).toMatch(/^SIP\/2\.0 486/);
    // The caller is back with the receptionist: the call is answered and nobody holds it.
    const back = await until(answered.id, 'back off hold', (c) => c.state === 'connected' && !c.hold?.local);
    expect(back.state).toBe('connected');
    // Bob's phone saw Alice's INVITE (from Alice, checked by its scenario) and refused it; her twin got the 486.
    await busy.done;
    await alice.twin.done;
    // Alice's call to the console is still up: her phone took the resume (a=sendrecv) and waits for a BYE.
    expect(await settled(alice.refer.done), "Alice's call with the console is still up").toBe(false);
    const received = byId(answered.id)?.media?.packetsReceived ?? 0;
    await until(answered.id, 'RTP flows again', (c) => (c.media?.packetsReceived ?? 0) > received + 5);

    // And the receptionist can still talk to her and hang up normally.
    service.handlers['calls.hangup']({ call: answered.id });
    await alice.refer.done;
    await until(answered.id, 'ended by the hang-up', (c) => c.state === 'ended');
  });
});

describe('attended transfer (RFC 5589 §7)', () => {
  it('consults the target, completes with REFER + Replaces, both console legs end and caller and target talk', async () => {
    const mediaPort = await freeUdpPort();
    const bob = await sippPhone(BOB, 'transfer-target.xml', ['-key', 'transferee', ALICE.user, '-d', '300', '-mp', String(mediaPort), '-rtp_echo', '-m', '2']);
    const { alice, answered } = await aliceOnTheLine('attended', 1500);

    const consulted = await service.handlers['calls.consult']({ call: answered.id, target: BOB.user });
    expect(consulted.ok, JSON.stringify(consulted)).toBe(true);
    const consultId = consulted.ok ? consulted.value.id : '';
    expect(consulted.ok && consulted.value.consultFor).toBe(answered.id);
    await until(consultId, 'the target answered the consultation', (c) => c.state === 'connected');
    expect(byId(answered.id)).toMatchObject({ state: 'held', hold: { local: true } });

    const completed = await service.handlers['calls.completeTransfer']({ consult: consultId });
    expect(completed.ok, JSON.stringify(completed)).toBe(true);

    const original = await until(answered.id, 'ended after the transfer', (c) => c.state === 'ended');
    await expectTransfer(original, { mode: 'attended', state: 'succeeded' });
    await until(consultId, 'the consultation ended too', (c) => c.state === 'ended');
    // The REFER named Bob with Replaces for the consultation; Alice's phone NOTIFYed Bob's 200 before we hung up.
    const refer = (await trace({ method: 'REFER', direction: 'out', text: 'Replaces=' })).at(-1);
    expect(refer?.text).toMatch(new RegExp(`\\r\\nRefer-To:\\s*<sip:${BOB.user}@[^>]*\\?Replaces=[^>]+%3Bto-tag%3D[^>]+%3Bfrom-tag%3D[^>]+>`));
    expect((await sipfrags(refer?.callId ?? '')).at(-1)).toMatch(/^SIP\/2\.0 200/);
    // Alice's phone got the REFER with Replaces, NOTIFYed the target's 200 and saw the console's BYE; its twin's INVITE
    // with Replaces named Bob's consultation dialog exactly (checked by Bob's scenario) and talked until its BYE.
    await alice.refer.done;
    await alice.twin.done;
    await bob.done;
  });
});

describe('directed pickup of a ringing colleague', () => {
  it('through Replaces (RFC 3891 §3): INVITE with early-only to the caller, who cancels the ringing phone', async () => {
    const carol = await sippPhone(CAROL, 'callee-rings.xml', ['-m', '1']);
    const alice = await pickupCaller(CAROL.user);
    const ringing = await carolRings();
    const early = ringing.dialogs.find((d) => d.state === 'early')!;

    const picked = await service.handlers['calls.pickup']({ tile: 'carol' });
    expect(picked.ok, JSON.stringify(picked)).toBe(true);
    const id = picked.ok ? picked.value.id : '';
    await until(id, 'connected to the caller', (c) => c.state === 'connected');

    // What went out: an INVITE carrying Replaces for the early dialog, early-only, to the dialog's remote target
    // (Alice's phone, the UA that initiated the early dialog).
    const invite = (await trace({ method: 'INVITE', direction: 'out', text: 'Replaces:' })).at(-1);
    expect(invite?.text).toMatch(new RegExp(`^INVITE sip:${ALICE.user}@`));
    expect(invite?.text).toMatch(new RegExp(`\r\nReplaces: ${early.callId};to-tag=${early.remoteTag};from-tag=${early.localTag};early-only\r\n`));

    // Carol's phone was CANCELled by Alice's (callee-rings.xml got the CANCEL and sent 487), and her tile stops ringing.
    await carol.done;
    await waitFor("Carol's tile no longer rings", () => tile('carol')?.state !== 'ringing', 15_000);

    service.handlers['calls.hangup']({ call: id });
    // Alice's phone checked the Replaces against its own early dialog, answered, cancelled Carol and saw our BYE.
    await alice.done;
  });

  it('through a pickup code: **EXT dialled, the PBX (route[PICKUP] in kamailio.cfg) turns it into Replaces to the caller', async () => {
    const carol = await sippPhone(CAROL, 'callee-rings.xml', ['-m', '1']);
    const alice = await pickupCaller(CAROL.user);
    await carolRings();

    // Kamailio publishes the early dialog's ids, so calls.pickup would use Replaces itself; the code path is what a
    // receptionist (or the console on a PBX without ids) dials: the line's pickup prefix + extension.
    const dialled = await service.handlers['calls.dial']({ target: `**${CAROL.user}` });
    expect(dialled.ok, JSON.stringify(dialled)).toBe(true);
    const id = dialled.ok ? dialled.value.id : '';
    await until(id, 'connected to the caller', (c) => c.state === 'connected');

    const invite = (await trace({ method: 'INVITE', direction: 'out', text: `INVITE sip:**${CAROL.user}@` })).at(-1);
    expect(invite, 'the console dialled the pickup code').toBeDefined();
    expect(invite?.text).not.toMatch(/\r\nReplaces:/i);

    // Alice's phone got the PBX's INVITE with Replaces for her early dialog (checked by her scenario), answered it and
    // cancelled Carol's ringing phone.
    await carol.done;
    service.handlers['calls.hangup']({ call: id });
    await alice.done;
  });
});

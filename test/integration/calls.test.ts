/**
 * Calls through a real Kamailio with sipp phones as the far ends (issue 9): the whole engine (createConsole) driven
 * through the contract's command handlers, the way the UI drives it. Every phone has a real RTP port that echoes
 * what the console sends, so the console's receive counter proves media both ways.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../shared/calls';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { ConsoleService } from '../../electron/core/console-service';
import { createConsole } from '../../electron/core/create-console';
import { plainCipher } from '../../electron/core/settings-store';
import { SystemClock } from '../../electron/sip/clock';
import { answeringCallee, callConsole, type SippPeer } from '../support/call-peers';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { waitFor } from '../support/wait';

const CONSOLE = { user: '100', password: 'pw100' };
const BOB = { user: '102', password: 'pw102' };
const CAROL = { user: '103', password: 'pw103' };
const ANNA = { user: '101', password: 'pw101' };

let kam: KamailioHandle;
let service: ConsoleService;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-calls-'));
const peers: SippPeer[] = [];

function settings(busyWhenOnCall = false): Settings {
  return {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    calls: { ...DEFAULT_SETTINGS.calls, rtpPortMin: 31000, rtpPortMax: 31099 },
    lines: [
      { id: 'l1', enabled: true, displayName: 'Reception', user: CONSOLE.user, password: CONSOLE.password, domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600, ...(busyWhenOnCall ? { busyWhenOnCall } : {}) },
    ],
    tiles: [{ id: 't1', name: 'Anna Alt', uri: ANNA.user, watch: ['dialog'], action: { kind: 'call', uri: ANNA.user } }],
  };
}

async function save(next: Settings): Promise<void> {
  const result = await service.handlers['settings.save'](next);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  await waitFor('line 1 registered', () => service.snapshot().lines[0]?.status === 'registered', 15_000);
}

function call(predicate: (c: CallView) => boolean): CallView | undefined {
  return service.snapshot().calls.find(predicate);
}

async function ringingFrom(number: string): Promise<CallView> {
  await waitFor(`a call from ${number} rings`, () => !!call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number), 15_000);
  return call((c) => c.direction === 'incoming' && c.state === 'ringing' && c.far.number === number)!;
}

async function stateOf(id: string, state: CallView['state']): Promise<CallView> {
  await waitFor(`call ${id} ${state}`, () => call((c) => c.id === id)?.state === state, 15_000);
  return call((c) => c.id === id)!;
}

beforeAll(async () => {
  kam = await startKamailio({ users: [CONSOLE, BOB, CAROL, ANNA] });
  const built = createConsole({ clock: new SystemClock(), dataDir, cipher: plainCipher, mode: 'serve', version: 'test', log: () => undefined });
  service = built.service;
  await service.start();
  await save(settings());
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  for (const c of service.snapshot().calls) if (c.state !== 'ended') service.handlers['calls.hangup']({ call: c.id });
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('calls through Kamailio', () => {
  it('answers an incoming call from the contract, RTP flows both ways, and the caller hangs up', async () => {
    const bob = await callConsole({ kam, caller: BOB, consoleUser: CONSOLE.user, scenario: 'caller-hangs-up', pauseMs: 2500 });
    peers.push(bob);
    const ringing = await ringingFrom(BOB.user);
    expect(ringing).toMatchObject({ line: 1, far: { name: 'Bob Builder', number: BOB.user } });
    const answered = await service.handlers['calls.answer']({ call: ringing.id });
    expect(answered.ok, JSON.stringify(answered)).toBe(true);
    await stateOf(ringing.id, 'connected');
    await waitFor('RTP echoed back', () => (call((c) => c.id === ringing.id)?.media?.packetsReceived ?? 0) > 10, 10_000);
    expect(call((c) => c.id === ringing.id)!.media!.packetsSent).toBeGreaterThan(10);
    const ended = await stateOf(ringing.id, 'ended');
    expect(ended.end?.cause, JSON.stringify(ended.end)).toBe('remote-hangup');
    await bob.done;
    const page = await service.handlers['history.list']({ filter: 'incoming' });
    expect(page.ok && page.value.entries[0]).toMatchObject({ id: ringing.id, outcome: 'answered', far: { number: BOB.user } });
  });

  it('hangs up an answered incoming call from the console (BYE)', async () => {
    const bob = await callConsole({ kam, caller: BOB, consoleUser: CONSOLE.user, scenario: 'caller-waits-for-bye' });
    peers.push(bob);
    const ringing = await ringingFrom(BOB.user);
    await service.handlers['calls.answer']({ call: ringing.id });
    await stateOf(ringing.id, 'connected');
    const hung = service.handlers['calls.hangup']({ call: ringing.id });
    expect(hung).toMatchObject({ ok: true });
    await bob.done;
    expect((await stateOf(ringing.id, 'ended')).end?.cause).toBe('local-hangup');
  });

  it('records a caller who gives up while the console rings as one missed call with number and name', async () => {
    const before = service.snapshot().history.unseenMissed;
    const bob = await callConsole({ kam, caller: BOB, consoleUser: CONSOLE.user, scenario: 'caller-gives-up', pauseMs: 1500 });
    peers.push(bob);
    const ringing = await ringingFrom(BOB.user);
    await bob.done;
    expect((await stateOf(ringing.id, 'ended')).end?.cause).toBe('missed');
    await waitFor('the missed call counted', () => service.snapshot().history.unseenMissed === before + 1, 5000);
    const page = await service.handlers['history.list']({ filter: 'missed' });
    expect(page.ok && page.value.entries[0]).toMatchObject({ outcome: 'missed', far: { number: BOB.user, name: 'Bob Builder' }, line: 1 });
    expect(service.snapshot().history.unseenMissedNumbers).toContain(BOB.user);
  });

  it("dials a tile's extension, the callee answers, sees hold as sendonly and resume as sendrecv, and the console hangs up", async () => {
    const anna = await answeringCallee({ kam, callee: ANNA });
    peers.push(anna);
    const tile = service.snapshot().settings.tiles[0]!;
    const dialled = await service.handlers['calls.dial']({ line: 1, target: tile.action.kind === 'call' ? tile.action.uri : tile.uri });
    expect(dialled.ok, JSON.stringify(dialled)).toBe(true);
    const id = dialled.ok ? dialled.value.id : '';
    const connected = await stateOf(id, 'connected');
    expect(connected.far.number).toBe(ANNA.user);
    await waitFor('RTP echoed back', () => (call((c) => c.id === id)?.media?.packetsReceived ?? 0) > 5, 10_000);
    const held = await service.handlers['calls.hold']({ call: id });
    expect(held.ok, JSON.stringify(held)).toBe(true);
    expect(call((c) => c.id === id)).toMatchObject({ state: 'held', hold: { local: true, remote: false } });
    const resumed = await service.handlers['calls.resume']({ call: id });
    expect(resumed.ok, JSON.stringify(resumed)).toBe(true);
    expect(call((c) => c.id === id)?.state).toBe('connected');
    service.handlers['calls.hangup']({ call: id });
    // The callee scenario fails unless it saw a=sendonly, then a=sendrecv, then the BYE.
    await anna.done;
  });

  it('answers 486 Busy Here to a second caller when the line is busy when on a call', async () => {
    await save(settings(true));
    const bob = await callConsole({ kam, caller: BOB, consoleUser: CONSOLE.user, scenario: 'caller-waits-for-bye' });
    peers.push(bob);
    const first = await ringingFrom(BOB.user);
    await service.handlers['calls.answer']({ call: first.id });
    await stateOf(first.id, 'connected');
    const carol = await callConsole({ kam, caller: CAROL, consoleUser: CONSOLE.user, scenario: 'caller-expects-busy' });
    peers.push(carol);
    await carol.done;
    expect(service.snapshot().calls.some((c) => c.far.number === CAROL.user && c.state === 'ringing')).toBe(false);
    service.handlers['calls.hangup']({ call: first.id });
    await bob.done;
  });
});

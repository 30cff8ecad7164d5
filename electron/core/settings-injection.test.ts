/**
 * Issue 7, defect 2: a display name with CR/LF used to be accepted by `settings.save`, and a hand-edited file with
 * one crashed every start (a header builder threw inside a `void`ed send). Now `settings.save` refuses it naming the
 * field, and such a file starts the console with just that line disabled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCalls, FakeHistory } from './calls/testing/fake-calls';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LineConfig, Settings } from '../../shared/settings';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { FakeClock } from '../sip/clock';
import { FakeNetwork } from '../sip/transport/testing/fake-network';
import type { Endpoint } from '../sip/transport/types';
import { FakeRegistrar } from '../sip/usage/testing/fake-registrar';
import { BlfService } from './blf/blf-service';
import { ConsoleService } from './console-service';
import { dispatchCommand } from './contract-dispatch';
import { LineManager } from './lines/line-manager';
import { PresenceService } from './presence/presence-service';
import { plainCipher, SettingsStore } from './settings-store';
import { TraceLog } from './trace-log';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const SERVER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const line = (n: number, extra: Partial<LineConfig> = {}): LineConfig => ({
  id: `line-${n}`,
  enabled: true,
  displayName: `Desk ${n}`,
  user: `10${n}`,
  password: 'secret',
  domain: 'test.local',
  registrar: '127.0.0.1:5060',
  transport: 'udp',
  expires: 600,
  ...extra,
});
const settingsWith = (lines: LineConfig[]): Settings => ({
  ...structuredClone(DEFAULT_SETTINGS),
  lines,
  tiles: [{ id: 't1', name: 'Anna', uri: '201', line: 2, watch: ['dialog'], action: { kind: 'none' } }],
});

let dir: string;
let clock: FakeClock;
let net: FakeNetwork;
let closers: Array<() => Promise<unknown>>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-injection-'));
  clock = new FakeClock();
  net = new FakeNetwork();
  closers = [];
});
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  rmSync(dir, { recursive: true, force: true });
});

/** The console as createConsole builds it, on the fake network. */
async function startConsole(): Promise<{ service: ConsoleService; settle: () => Promise<void> }> {
  const registrar = new FakeRegistrar(net, clock, { endpoint: SERVER, users: { '101': 'secret', '102': 'secret' } });
  await registrar.listen();
  const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
  const trace = new TraceLog({ clock, dataDir: dir });
  const lines = new LineManager({
    clock,
    dataDir: dir,
    trace,
    stack: { transportFactory: () => net.transport(CLIENT) },
    resolve: async () => [{ ...SERVER, serverName: SERVER.host }],
  });
  const tiles = new BlfService({ clock, lines });
  const presence = new PresenceService({ clock, lines });
  const service = new ConsoleService({ store, lines, tiles, presence, calls: new FakeCalls(), history: new FakeHistory(), trace, mode: 'serve', version: '0', clock });
  closers.push(async () => {
    // Un-REGISTER and un-SUBSCRIBE run on the fake network and clock: drive both until shutdown is done.
    let done = false;
    const stopped = service.shutdown(1000).then(() => (done = true));
    for (let i = 0; i < 50 && !done; i++) {
      await net.flush();
      clock.advance(100);
    }
    await stopped;
    await registrar.stack.close();
  });
  await service.start();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 30; i++) await net.flush();
  };
  await settle();
  return { service, settle };
}

describe('settings that would inject a header', () => {
  it('settings.save refuses a CR/LF display name, naming the field, and writes nothing', async () => {
    const { service } = await startConsole();
    const result = await dispatchCommand(service.handlers, 'settings.save', settingsWith([line(1), line(2, { displayName: 'Desk\r\nVia: evil' })]));
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-settings',
        message: 'Line 2: display name must not contain control characters (CR, LF, tab, NUL …)',
        field: 'lines.1.displayName',
      },
    });
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('a hand-edited file with one starts with line 1 registered and line 2 disabled, naming the field', async () => {
    const file = settingsWith([line(1), line(2, { displayName: 'Desk\r\nVia: evil' })]);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(file));
    const { service } = await startConsole();
    const snapshot = service.snapshot();
    expect(snapshot.lines.map((l) => [l.number, l.enabled, l.status])).toEqual([
      [1, true, 'registered'],
      [2, false, 'unregistered'],
    ]);
    expect(snapshot.settingsProblem).toMatch(/line 2 disabled until fixed in Settings: Line 2: display name must not contain control characters .*\(field lines\.1\.displayName\)/);
    // The tile on line 2 waits for its line instead of subscribing with the bad name.
    expect(snapshot.tiles[0]).toMatchObject({ id: 't1', state: 'unknown', unknownReason: 'no-line' });
    expect(net.sent.some((d) => d.text.includes('Via: evil'))).toBe(false);
  });
});

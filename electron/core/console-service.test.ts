import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakeCalls, FakeHistory } from './calls/testing/fake-calls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleService } from './console-service';
import { dispatchCommand, forwardEvents } from './contract-dispatch';
import { FakeLines } from './lines/testing/fake-lines';
import { FakeTiles } from './blf/testing/fake-tiles';
import { FakePresence } from './presence/testing/fake-presence';
import { plainCipher, SettingsStore } from './settings-store';
import { TRACE_BATCH_MS, TraceLog } from './trace-log';
import { FakeClock } from '../sip/clock';
import type { Events } from '../../shared/contract';
import { commandNames } from '../../shared/contract';
import type { LineConfig, SettingsInput } from '../../shared/settings';
import { DEFAULT_SETTINGS } from '../../shared/settings';

const lineA: LineConfig = {
  id: 'a',
  enabled: true,
  displayName: 'Front desk',
  user: '101',
  domain: 'pbx.test',
  transport: 'udp',
  expires: 600,
};
const input = (lines: SettingsInput['lines'], extra: Partial<SettingsInput> = {}): SettingsInput => ({
  ...DEFAULT_SETTINGS,
  lines,
  ...extra,
});

let dir: string;
let clock: FakeClock;
let lines: FakeLines;
let tiles: FakeTiles;
let trace: TraceLog;
let service: ConsoleService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-service-'));
  clock = new FakeClock();
  lines = new FakeLines();
  trace = new TraceLog({ clock, dataDir: dir });
  const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
  tiles = new FakeTiles();
  service = new ConsoleService({ store, lines, tiles, presence: new FakePresence(), calls: new FakeCalls(), history: new FakeHistory(), trace, mode: 'serve', version: '9.9.9', clock });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function record(): { [E in keyof Events]: Events[E][] } {
  const seen = { 'lines.changed': [], 'settings.changed': [], 'trace.appended': [], 'tiles.patch': [], 'blf.stats': [], 'presence.changed': [], 'calls.changed': [], 'history.changed': [] } as {
    [E in keyof Events]: Events[E][];
  };
  forwardEvents(service, (event, payload) => (seen[event] as unknown[]).push(payload));
  return seen;
}

describe('ConsoleService', () => {
  it('loads the stored settings on start and applies them to the lines', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(input([{ ...lineA, password: 'pw' }])));
    await service.start();
    expect(lines.applied.map((s) => s.lines[0]?.password)).toEqual(['pw']);
    const snap = await service.handlers.snapshot(undefined);
    expect(snap).toEqual({
      ok: true,
      value: {
        app: { version: '9.9.9', mode: 'serve' },
        settings: { ...DEFAULT_SETTINGS, lines: [{ ...lineA, hasPassword: true }] },
        lines: lines.states(),
        tiles: tiles.tileViews(),
        blf: tiles.stats(),
        presence: new FakePresence().snapshot(),
        calls: [],
        history: new FakeHistory().summary(),
      },
    });
    expect(tiles.applied).toHaveLength(1);
    expect(JSON.stringify(snap)).not.toContain('"pw"');
  });

  it('runs on defaults and reports settingsProblem when the file is refused', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(input([lineA], { sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 1 } })));
    await service.start();
    const snap = service.snapshot();
    expect(snap.settings.lines).toEqual([]);
    expect(snap.settingsProblem).toMatch(/SIP timers: T1.*sip\.t1Ms/);
  });

  it('saves valid settings: stores, applies, emits settings.changed and clears the problem', async () => {
    await service.start();
    const seen = record();
    const result = await service.handlers['settings.save'](input([{ ...lineA, password: 'pw' }]));
    expect(result).toEqual({
      ok: true,
      value: { ...DEFAULT_SETTINGS, lines: [{ ...lineA, hasPassword: true }] },
    });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).lines[0].password).toEqual({
      enc: 'plain',
      data: 'pw',
    });
    expect(lines.applied.at(-1)?.lines[0]?.password).toBe('pw');
    expect(seen['settings.changed']).toEqual([result.ok && result.value]);
    expect(seen['lines.changed'].at(-1)?.map((s) => s.id)).toEqual(['a']);

    // Password absent → the stored one is kept.
    await service.handlers['settings.save'](input([{ ...lineA, displayName: 'Desk' }]));
    expect(lines.applied.at(-1)?.lines[0]).toMatchObject({ displayName: 'Desk', password: 'pw' });
  });

  it('refuses invalid settings with the field and changes nothing', async () => {
    await service.start();
    const seen = record();
    const result = await service.handlers['settings.save'](input([lineA], { defaultLine: 4 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-settings', field: 'defaultLine' } });
    expect(lines.applied).toHaveLength(1);
    expect(seen['settings.changed']).toEqual([]);
  });

  it('passes "Refresh lamps" (blf.refresh) to the tiles, for one line or all', async () => {
    await service.start();
    tiles.views = [];
    expect(await dispatchCommand(service.handlers, 'blf.refresh', { line: 2 })).toEqual({ ok: true, value: { subscriptions: 0 } });
    expect(await dispatchCommand(service.handlers, 'blf.refresh', undefined)).toEqual({ ok: true, value: { subscriptions: 0 } });
    expect(tiles.refreshed).toEqual([2, undefined]);
    expect(await dispatchCommand(service.handlers, 'blf.refresh', { line: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('passes line and trace commands through and pushes trace batches', async () => {
    await service.start();
    await service.handlers['settings.save'](input([lineA]));
    expect(await service.handlers['lines.reregister']({ line: 1 })).toMatchObject({
      ok: true,
      value: { id: 'a' },
    });
    expect(await service.handlers['lines.reregister']({ line: 2 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // "Register now" renews the line's lamps too (issue 7), and only for a line that exists.
    expect(tiles.refreshed).toEqual([1]);
    const seen = record();
    trace.addMessage({
      direction: 'in',
      transport: 'udp',
      local: 'l',
      remote: 'r',
      text: 'OPTIONS sip:a@b SIP/2.0\r\n\r\n',
    });
    clock.advance(TRACE_BATCH_MS);
    expect(seen['trace.appended'].map((b) => b.length)).toEqual([1]);
    expect(await service.handlers['trace.list']({ method: 'OPTIONS' })).toMatchObject({
      ok: true,
      value: { entries: [{ method: 'OPTIONS' }] },
    });
    expect(await service.handlers['trace.clear'](undefined)).toEqual({ ok: true, value: undefined });
    expect(trace.list()).toEqual([]);
  });

  it('bounds shutdown when the registrar never answers, and shuts down once', async () => {
    await service.start();
    lines.shutdownResult = () => new Promise<void>(() => undefined);
    let done = false;
    const first = service.shutdown(3000).then(() => (done = true));
    const second = service.shutdown(3000);
    await Promise.resolve();
    clock.advance(2999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await Promise.all([first, second]);
    expect(done).toBe(true);
    expect(lines.shutdowns).toBe(1);
  });
});

describe('dispatchCommand', () => {
  it('validates the command name and arguments before any handler runs', async () => {
    await service.start();
    expect(await dispatchCommand(service.handlers, 'nope', null)).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await dispatchCommand(service.handlers, 'constructor', null)).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await dispatchCommand(service.handlers, 'lines.reregister', { line: 'x' })).toMatchObject({
      ok: false,
      error: { field: 'line' },
    });
    expect(await dispatchCommand(service.handlers, 'snapshot', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await dispatchCommand(service.handlers, 'snapshot', null)).toMatchObject({
      ok: true,
      value: { app: { mode: 'serve' } },
    });
  });

  it('turns a throwing handler into an internal error and reports it', async () => {
    const errors: string[] = [];
    const handlers = { ...service.handlers, snapshot: () => Promise.reject(new Error('boom')) };
    const result = await dispatchCommand(handlers, 'snapshot', undefined, (cmd, err) =>
      errors.push(`${cmd}: ${(err as Error).message}`),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error while running snapshot' },
    });
    expect(errors).toEqual(['snapshot: boom']);
  });

  it('has a handler for every command', () => {
    expect(Object.keys(service.handlers).sort()).toEqual([...commandNames].sort());
  });
});

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import {
  mkdtempSync,
  promises as fs,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretCipher } from './settings-store';
import { plainCipher, SettingsStore } from './settings-store';
import type { Settings } from '../../shared/settings';
import { DEFAULT_SETTINGS, toPublicSettings } from '../../shared/settings';

/** Reversible and recognisable, so a test can tell encrypted from plain text. */
const fakeCipher: SecretCipher = {
  kind: 'safeStorage',
  encrypt: (s) => `ENC(${Buffer.from(s).toString('base64')})`,
  decrypt: (s) => {
    const m = /^ENC\((.*)\)$/.exec(s);
    if (!m) throw new Error('not ours');
    return Buffer.from(m[1]!, 'base64').toString();
  },
};

const sample: Settings = {
  ...DEFAULT_SETTINGS,
  lines: [
    {
      id: 'a',
      enabled: true,
      displayName: 'Front desk',
      user: '101',
      password: 's3cret-pw',
      domain: 'pbx.test',
      transport: 'udp',
      expires: 600,
    },
    {
      id: 'b',
      enabled: false,
      displayName: 'Back office',
      user: '102',
      domain: 'pbx.test',
      transport: 'tcp',
      expires: 600,
    },
  ],
  defaultLine: 2,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (): string => join(dir, 'settings.json');

describe('SettingsStore', () => {
  it('starts on the defaults without a file and creates nothing until saved', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    expect(store.problem).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('round-trips through the cipher and stores only ciphertext', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: fakeCipher });
    expect(await store.save(sample)).toEqual({ ok: true, value: sample });
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain('s3cret-pw');
    expect(JSON.parse(text).lines[0].password).toEqual({
      enc: 'safeStorage',
      data: fakeCipher.encrypt('s3cret-pw'),
    });
    const again = new SettingsStore({ dataDir: dir, cipher: fakeCipher });
    expect(await again.load()).toEqual(sample);
    expect(again.problem).toBeUndefined();
  });

  it('writes plain passwords in serve mode and reads hand-written plain strings', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await store.save(sample);
    expect(JSON.parse(readFileSync(file(), 'utf8')).lines[0].password).toEqual({
      enc: 'plain',
      data: 's3cret-pw',
    });
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.lines[0].password = 'typed-by-hand';
    writeFileSync(file(), JSON.stringify(raw));
    // A safeStorage store still reads a plain password (it is encrypted on the next save).
    const upgraded = new SettingsStore({ dataDir: dir, cipher: fakeCipher });
    expect((await upgraded.load()).lines[0]!.password).toBe('typed-by-hand');
  });

  it('writes the file with mode 0600', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await store.save(sample);
    if (process.platform !== 'win32') expect(statSync(file()).mode & 0o777).toBe(0o600);
    await fs.chmod(file(), 0o644);
    await store.save(sample);
    if (process.platform !== 'win32') expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('ignores and removes a temp file left by a crash mid-write', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await store.save(sample);
    writeFileSync(join(dir, 'settings.json.tmp-999-deadbeef'), '{"version": 1, "lin');
    const again = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await again.load()).toEqual(sample);
    expect(again.problem).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('refuses a file with a whole-file problem naming the field, keeps running, and never touches it', async () => {
    const good = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await good.save(sample);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.sip.t1Ms = 1;
    const bad = JSON.stringify(raw);
    writeFileSync(file(), bad);

    // The same store keeps its last good in-memory settings.
    expect(await good.load()).toEqual(sample);
    expect(good.problem).toMatch(/was refused: SIP timers: T1.*sip\.t1Ms/);
    // A fresh store runs on the defaults.
    const fresh = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await fresh.load()).toEqual(DEFAULT_SETTINGS);
    expect(fresh.problem).toContain('sip.t1Ms');

    // A save that fails validation never touches the file.
    const invalid = await fresh.save({ ...sample, defaultLine: 7 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-settings', field: 'defaultLine' } });
    expect(readFileSync(file(), 'utf8')).toBe(bad);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('loads a hand-written file with only lines, giving every missing block and field its default', async () => {
    const { password: _pw, ...line } = sample.lines[0]!;
    writeFileSync(file(), JSON.stringify({ lines: [line], sip: { t1Ms: 250 } }));
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await store.load()).toEqual({ ...DEFAULT_SETTINGS, lines: [line], sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 250 } });
    expect(store.problem).toBeUndefined();
    writeFileSync(file(), '{}');
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    expect(store.problem).toBeUndefined();
  });

  it('names every problem of a refused file, each with its field', async () => {
    writeFileSync(
      file(),
      JSON.stringify({ lines: [{ ...sample.lines[0], domain: '' }], sip: { t1Ms: 1, t4Ms: 1 }, diagnostics: { traceBufferSize: 1 } }),
    );
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    expect(store.problem).toMatch(
      /was refused: Line 1: domain .*\(field lines\.0\.domain\); SIP timers: T1 .*\(field sip\.t1Ms\); SIP timers: T4 .*\(field sip\.t4Ms\); Diagnostics: trace buffer size .*\(field diagnostics\.traceBufferSize\)\. The file was left untouched/,
    );
    // A save with several problems names the first field and lists them all.
    const saved = await store.save({ ...sample, defaultLine: 7, sip: { ...sample.sip, t4Ms: 1 } });
    expect(saved).toMatchObject({
      ok: false,
      error: { code: 'invalid-settings', field: 'defaultLine', message: expect.stringMatching(/\(field defaultLine\); .*\(field sip\.t4Ms\)$/) },
    });
  });

  it('lists at most 20 problems and counts the rest', async () => {
    const tiles = Array.from({ length: 25 }, (_, i) => ({ id: `t${i}`, name: `Key ${i}`, uri: `${101 + i}`, watch: ['dialog'], action: { kind: 'none' }, line: 9 }));
    writeFileSync(file(), JSON.stringify({ ...sample, tiles, sip: { t1Ms: 1 } }));
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await store.load();
    expect(store.problem).toMatch(/^.* was refused: SIP timers: T1 .*\(field sip\.t1Ms\); (Key \d+: line [^;]*; ){18}Key 19: line .*\(field tiles\.18\.line\); and 6 more problems\. The file was left untouched/);
  });

  it('loads a file whose line 2 has a CR/LF display name with just that line disabled, naming the field', async () => {
    const enabled = { ...sample, lines: sample.lines.map((l) => ({ ...l, enabled: true })) };
    await new SettingsStore({ dataDir: dir, cipher: plainCipher }).save(enabled);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.lines[1].displayName = 'Back\r\nVia: evil';
    const bad = JSON.stringify(raw);
    writeFileSync(file(), bad);

    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    const loaded = await store.load();
    expect(loaded.lines[0]).toEqual(enabled.lines[0]);
    // Kept in its place with what the user wrote, so Settings shows the field to fix; disabled, so nothing sends it.
    expect(loaded.lines[1]).toEqual({ ...enabled.lines[1], displayName: 'Back\r\nVia: evil', enabled: false });
    expect(loaded.defaultLine).toBe(2);
    expect(store.problem).toBe(
      `${file()}: line 2 disabled until fixed in Settings: Line 2: display name must not contain control characters ` +
        '(CR, LF, tab, NUL …) (field lines.1.displayName). The file was left untouched.',
    );
    expect(readFileSync(file(), 'utf8')).toBe(bad);

    // Saving is refused until the line is fixed; once fixed, the hand-edited file is kept aside, never overwritten.
    expect(await store.save(loaded)).toMatchObject({ ok: false, error: { field: 'lines.1.displayName' } });
    expect(readFileSync(file(), 'utf8')).toBe(bad);
    const fixed = { ...loaded, lines: [loaded.lines[0]!, { ...loaded.lines[1]!, displayName: 'Back office' }] };
    expect(await store.save(fixed)).toMatchObject({ ok: true });
    expect(store.problem).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n.startsWith('settings.json.rejected-'))).toHaveLength(1);
  });

  it('leaves out keys, lists and custom states with problems and keeps the rest', async () => {
    const tile = (id: string, name: string) => ({ id, name, uri: `20${id.slice(1)}`, watch: ['dialog'], action: { kind: 'none' } });
    const raw = {
      ...structuredClone(sample),
      tiles: [tile('t1', 'Anna'), tile('t2', 'Bob\u0000'), tile('t3', 'Cleo'), { ...tile('t4', 'Dan'), line: 9 }],
      tileLists: [{ id: 'l1', name: 'Sales', uri: 'sip:sales@pbx.test\r\n', event: 'dialog' }],
      presence: { customStates: [{ id: 'lunch', label: 'Lunch\n', base: 'away' }, { id: 'mtg', label: 'Meeting', base: 'dnd' }] },
    };
    writeFileSync(file(), JSON.stringify(raw));
    const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    const loaded = await store.load();
    expect(loaded.lines).toEqual(sample.lines);
    expect(loaded.tiles.map((t) => t.id)).toEqual(['t1', 't3']);
    expect(loaded.tileLists).toEqual([]);
    expect(loaded.presence.customStates.map((s) => s.id)).toEqual(['mtg']);
    expect(store.problem).toMatch(/: keys 2, 4 left out; list 1 left out; custom state 1 left out until fixed in Settings: Key 2: name must not contain control characters .*\(field tiles\.1\.name\); .*\(field tiles\.3\.line\); .*\(field tileLists\.0\.uri\); .*\(field presence\.customStates\.0\.label\)\. The file was left untouched\.$/);
  });

  it('disables a line whose password cannot be decrypted and runs the others', async () => {
    const withPasswords = { ...sample, lines: sample.lines.map((l) => ({ ...l, enabled: true, password: `pw-${l.id}` })) };
    await new SettingsStore({ dataDir: dir, cipher: fakeCipher }).save(withPasswords);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.lines[0].password = { enc: 'plain', data: 'typed' };
    writeFileSync(file(), JSON.stringify(raw));
    const serve = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    const loaded = await serve.load();
    expect(loaded.lines.map((l) => [l.enabled, l.password])).toEqual([[true, 'typed'], [false, undefined]]);
    expect(serve.problem).toMatch(/line 2 disabled .*Line 2: password .*safeStorage.*lines\.1\.password\)\. The file/);
  });

  it('keeps a refused file as settings.json.rejected-<timestamp> when valid settings are saved', async () => {
    writeFileSync(file(), '{ this is not json');
    const store = new SettingsStore({
      dataDir: dir,
      cipher: plainCipher,
      now: () => Date.UTC(2026, 2, 4, 5, 6, 7, 8),
    });
    await store.load();
    expect(store.problem).toMatch(/not valid JSON/);
    expect(await store.save(sample)).toMatchObject({ ok: true });
    expect(store.problem).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual([
      'settings.json',
      'settings.json.rejected-2026-03-04T05-06-07-008Z',
    ]);
    expect(readFileSync(join(dir, 'settings.json.rejected-2026-03-04T05-06-07-008Z'), 'utf8')).toBe(
      '{ this is not json',
    );
    expect(JSON.parse(readFileSync(file(), 'utf8')).defaultLine).toBe(2);
  });

  it('refuses a password it cannot decrypt', async () => {
    await new SettingsStore({ dataDir: dir, cipher: fakeCipher }).save(sample);
    const serve = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await serve.load();
    expect(serve.problem).toMatch(/line 1 disabled .*Line 1: password .*safeStorage.*lines\.0\.password/);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.lines[0].password.data = 'garbage';
    writeFileSync(file(), JSON.stringify(raw));
    const other = new SettingsStore({ dataDir: dir, cipher: fakeCipher });
    await other.load();
    expect(other.problem).toMatch(/cannot be decrypted/);
  });

  it('never exposes a password through PublicSettings', async () => {
    const store = new SettingsStore({ dataDir: dir, cipher: fakeCipher });
    await store.save(sample);
    await store.load();
    const pub = toPublicSettings(store.current);
    expect(JSON.stringify(pub)).not.toContain('s3cret-pw');
    expect(pub.lines.map((l) => l.hasPassword)).toEqual([true, false]);
  });

  it('reports a storage error without changing the settings in force', async () => {
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, '');
    const store = new SettingsStore({ dataDir: blocked, cipher: plainCipher });
    const result = await store.save(sample);
    expect(result).toMatchObject({ ok: false, error: { code: 'storage-error' } });
    expect(store.current).toEqual(DEFAULT_SETTINGS);
  });
});

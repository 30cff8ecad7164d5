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

  it('refuses an invalid file naming the field, keeps running, and never touches it', async () => {
    const good = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    await good.save(sample);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    raw.lines[1].domain = 'not a host';
    const bad = JSON.stringify(raw);
    writeFileSync(file(), bad);

    // The same store keeps its last good in-memory settings.
    expect(await good.load()).toEqual(sample);
    expect(good.problem).toMatch(/Line 2: domain.*lines\.1\.domain/);
    // A fresh store runs on the defaults.
    const fresh = new SettingsStore({ dataDir: dir, cipher: plainCipher });
    expect(await fresh.load()).toEqual(DEFAULT_SETTINGS);
    expect(fresh.problem).toContain('lines.1.domain');

    // A save that fails validation never touches the file.
    const invalid = await fresh.save({ ...sample, defaultLine: 7 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-settings', field: 'defaultLine' } });
    expect(readFileSync(file(), 'utf8')).toBe(bad);
    expect(readdirSync(dir)).toEqual(['settings.json']);
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
    expect(serve.problem).toMatch(/Line 1: password .*safeStorage.*lines\.0\.password/);
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

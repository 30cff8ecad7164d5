import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const yaml = readFileSync(new URL('build/electron-builder.yml', root), 'utf8');

/** The `electronFuses:` block of the packaging config: its `key: true|false` lines, each exactly once. */
function fuses(): Record<string, unknown> {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((line) => /^electronFuses:\s*$/.test(line));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(lines.filter((line) => /^electronFuses:/.test(line))).toHaveLength(1);
  const out: Record<string, unknown> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^ {2}([A-Za-z]+):\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    expect(out).not.toHaveProperty(m[1]!);
    out[m[1]!] = m[2] === 'true' ? true : m[2] === 'false' ? false : m[2];
  }
  return out;
}

describe('packaging config (build/electron-builder.yml)', () => {
  it('sets the hardening fuses', () => {
    expect(fuses()).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names only fuses electron-builder knows, and packs the app into an asar the fuses can check', () => {
    const scheme = JSON.parse(readFileSync(new URL('node_modules/app-builder-lib/scheme.json', root), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(fuses())) expect(known).toContain(name);
    expect(yaml).toMatch(/^asar: true$/m);
  });
});

describe('packaging config: dial links (issue 12 §7)', () => {
  it('declares sip:, tel: and callto: as protocols, the schemes the app registers and parses', async () => {
    const { DIAL_LINK_SCHEMES } = await import('../../shared/dial-link');
    const block = /^protocols:\r?\n((?: {2}.*\r?\n)+)/m.exec(yaml)?.[1] ?? '';
    const names = [...block.matchAll(/^ {2}- name: (\S.*)$/gm)].map((m) => m[1]);
    const schemes = [...block.matchAll(/^ {4}schemes: \[([a-z]+)\]$/gm)].map((m) => m[1]);
    expect(schemes).toEqual([...DIAL_LINK_SCHEMES]);
    expect(names).toHaveLength(DIAL_LINK_SCHEMES.length);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinaryMessage, electronBinaryProblem } from './check-electron';

let dir: string;
let electron: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-electron-'));
  electron = join(dir, 'electron');
  mkdirSync(electron);
  writeFileSync(join(electron, 'package.json'), '{"name":"electron"}');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('electronBinaryProblem', () => {
  it('finds the binary named by path.txt under dist/', () => {
    writeFileSync(join(electron, 'path.txt'), 'electron');
    mkdirSync(join(electron, 'dist'));
    writeFileSync(join(electron, 'dist', 'electron'), '');
    expect(electronBinaryProblem(electron)).toBeUndefined();
  });

  it('reports a missing path.txt (download skipped by the test setup)', () => {
    expect(electronBinaryProblem(electron)).toBe(`${join(electron, 'path.txt')} is missing`);
  });

  it('reports a path.txt whose binary is absent', () => {
    writeFileSync(join(electron, 'path.txt'), 'Electron.app/Contents/MacOS/Electron');
    expect(electronBinaryProblem(electron)).toMatch(/dist.Electron\.app.Contents.MacOS.Electron is missing$/);
  });

  it('reports a missing electron package', () => {
    expect(electronBinaryProblem(join(dir, 'nowhere'))).toMatch(/the electron package is not installed/);
  });

  it('follows ELECTRON_OVERRIDE_DIST_PATH', () => {
    const override = join(dir, 'override');
    mkdirSync(override);
    expect(electronBinaryProblem(electron, override)).toMatch(/ELECTRON_OVERRIDE_DIST_PATH/);
    writeFileSync(join(override, 'electron'), '');
    expect(electronBinaryProblem(electron, override)).toBeUndefined();
  });

  it('tells how to install it or run in a browser instead', () => {
    const text = electronBinaryMessage('x is missing');
    expect(text).toContain('the Electron binary is not installed (x is missing)');
    expect(text).toContain('bash scripts/setup.sh');
    expect(text).toContain('npm run serve');
  });
});

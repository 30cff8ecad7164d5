/**
 * The settings write is atomic (docs/config.md): a process killed at any moment of a save leaves `settings.json`
 * either as it was or as it was being saved, complete and valid, never truncated or mixed. Checked for real: a child
 * process saves two large settings alternately and is SIGKILLed at random moments, several rounds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateSettings } from '../../shared/settings-validate';
import { bigSettings } from './testing/settings-writer-rig';
import { plainCipher, SettingsStore } from './settings-store';

const WRITER = fileURLToPath(new URL('./testing/settings-writer-rig.ts', import.meta.url));
const ROUNDS = 8;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-crash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Round {
  signal: NodeJS.Signals | null;
  /** Reads of the file while the writer ran that were not complete JSON (an atomic replace never shows one). */
  tornReads: string[];
  reads: number;
}

/**
 * Starts the writer, waits until its first save is on disk, kills it `delayMs` later; resolves once it is gone.
 * Meanwhile the file is read over and over, as another process (or the app after a crash) would: every read must be
 * a whole file, which also catches a non-atomic write when the kill happens to land between two saves.
 */
function killWriterAfter(delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    // `node --import tsx` runs the writer in this one process: a tsx wrapper would take the kill in its place.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const round: Round = { signal: null, tornReads: [], reads: 0 };
    let stderr = '';
    let running = true;
    const watch = async (): Promise<void> => {
      while (running) {
        const text = await readFile(join(dir, 'settings.json'), 'utf8').catch(
          (err: unknown) => `unreadable: ${String(err)}`,
        );
        round.reads++;
        try {
          JSON.parse(text);
        } catch {
          round.tornReads.push(`${text.length} bytes`);
        }
      }
    };
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready')) return;
      void watch();
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running = false;
      if (signal === 'SIGKILL') resolve({ ...round, signal });
      else reject(new Error(`writer exited ${code}: ${stderr}`));
    });
  });
}

describe('SettingsStore: a save killed midway', () => {
  it('always leaves the old or the new settings, complete and loadable', { timeout: 120_000 }, async () => {
    // As loaded: validation fills in what the writer left to the defaults.
    const versions = [bigSettings('A'), bigSettings('B')].map((s) => {
      const valid = validateSettings(s);
      if (!valid.ok) throw new Error(valid.error.message);
      return JSON.stringify(valid.value);
    });
    for (let round = 0; round < ROUNDS; round++) {
      // Spread over several save cycles (one is some tens of ms), so kills land in every phase of a write.
      const delay = Math.floor(Math.random() * 250);
      const { signal, tornReads, reads } = await killWriterAfter(delay);
      expect(signal).toBe('SIGKILL');
      expect(
        tornReads,
        `round ${round}: ${tornReads.length} of ${reads} reads during the saves saw a partial file`,
      ).toEqual([]);
      const text = readFileSync(join(dir, 'settings.json'), 'utf8');
      expect(
        () => JSON.parse(text),
        `round ${round}: killed ${delay} ms after ready, ${text.length} bytes on disk`,
      ).not.toThrow();
      const store = new SettingsStore({ dataDir: dir, cipher: plainCipher });
      const loaded = await store.load();
      expect(store.problem, `round ${round}`).toBeUndefined();
      expect(versions, `round ${round}: the file is neither version`).toContain(JSON.stringify(loaded));
    }
  });
});

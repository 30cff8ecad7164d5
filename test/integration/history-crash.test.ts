/**
 * The call history's journal survives a kill -9 (issue 9 §5): a child process reports a burst of call events through
 * a real HistoryService and is SIGKILLed in the middle, at several points. Every event the child had reported done
 * (written and fsynced) must be read back; at most the one in flight may be missing or torn, and a torn line is
 * reported as a problem, never thrown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryJournal } from '../../electron/core/history/history-journal';
import { HistoryService } from '../../electron/core/history/history-service';
import { BURST_EVENTS } from '../support/history-writer';

const WRITER = fileURLToPath(new URL('../support/history-writer.ts', import.meta.url));
const KILL_POINTS = [40, 55, 70, 85];

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the writer on `dataDir`, kills it as soon as it reports `killAt` events done (in practice a few events into the
 * rest of the burst), and resolves with the last count it printed.
 */
function killWriterAt(dataDir: string, killAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // `node --import tsx` runs the writer in this one process: a tsx wrapper would take the kill in its place.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (killed || child.pid === undefined) return;
      const counts = stdout.split('\n').map(Number).filter(Number.isInteger);
      if (Math.max(0, ...counts) < killAt) return;
      killed = true;
      process.kill(child.pid, 'SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited ${code}: ${stderr}`));
        return;
      }
      const counts = stdout
        .split('\n')
        .filter((l) => /^\d+$/.test(l))
        .map(Number);
      resolve(Math.max(0, ...counts));
    });
  });
}

describe('call history journal: a writer killed mid-burst', () => {
  it.each(KILL_POINTS)('keeps every event reported done (kill after %i events)', async (killAt) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'history-crash-'));
    dirs.push(dataDir);
    const reported = await killWriterAt(dataDir, killAt);
    expect(reported).toBeGreaterThanOrEqual(killAt);

    const logs: string[] = [];
    const journal = new HistoryJournal({ dataDir, log: (m) => logs.push(m) });
    const contents = journal.open();
    journal.close();
    // Every event reported done is there; beyond those, only the one in flight may have made it.
    expect(contents.events.length).toBeGreaterThanOrEqual(reported);
    expect(contents.events.length).toBeLessThanOrEqual(Math.min(reported + 1, BURST_EVENTS));
    if (contents.problem !== undefined) {
      expect(contents.problem).toMatch(/last entry was cut off/);
      expect(contents.dropped).toBe(1);
    } else {
      expect(contents.dropped).toBe(0);
    }

    // The service opens what is left: the interrupted call ends `failed`, the rest as reported.
    const history = new HistoryService({ dataDir, clock: { wallNow: () => Date.now() } });
    history.open();
    const calls = Math.ceil(contents.events.length / 3);
    const page = history.list({ limit: 500 });
    expect(page.total).toBe(calls);
    const interrupted = contents.events.length % 3 !== 0;
    expect(page.entries.filter((e) => e.cause === 'failed')).toHaveLength(interrupted ? 1 : 0);
    history.close();
  });
});

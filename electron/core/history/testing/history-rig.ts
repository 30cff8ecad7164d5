/**
 * Test helpers for the history: a temp data dir, a settable clock, calls played through a {@link HistoryService} in
 * one line each, and a journal write that fails on demand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallDirection, CallEndCause } from '../../../../shared/calls';
import type { JournalIo } from '../history-journal';
import { HistoryService, type HistoryServiceOptions } from '../history-service';

/** A fresh data dir under the OS temp dir, and its removal. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where the journal of `dataDir` lives. */
export function journalPath(dataDir: string): string {
  return join(dataDir, 'history', 'calls.jsonl');
}

/** The journal's non-empty lines. */
export function journalLines(dataDir: string): string[] {
  return readFileSync(journalPath(dataDir), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** A service on `dataDir` with a clock the test moves, and its log lines. */
export function openHistory(
  dataDir: string,
  extra: Partial<HistoryServiceOptions> = {},
): { history: HistoryService; logs: string[]; clock: { now: number; wallNow(): number } } {
  const logs: string[] = [];
  const clock = {
    now: 1_700_000_000_000,
    wallNow(): number {
      return this.now;
    },
  };
  const history = new HistoryService({ dataDir, clock, log: (m) => logs.push(m), ...extra });
  history.open();
  return { history, logs, clock };
}

let nextId = 0;

/** A call for {@link playCall}: an incoming missed call from 102 unless told otherwise. */
export interface PlayedCall {
  direction?: CallDirection;
  number?: string;
  answered?: boolean;
  cause?: CallEndCause;
  /** Start time; the call lasts 10 s. */
  at?: number;
}

/** Plays one whole call (start, answer when `answered`, end) and returns its id. */
export function playCall(history: HistoryService, call: PlayedCall = {}): string {
  const id = `c${++nextId}`;
  const at = call.at ?? 1_700_000_000_000 + nextId * 60_000;
  const number = call.number ?? '102';
  history.callStarted({
    id,
    line: 1,
    direction: call.direction ?? 'incoming',
    far: { number, uri: `sip:${number}@pbx.test` },
    at,
  });
  if (call.answered) history.callAnswered(id, at + 2000);
  const cause =
    call.cause ?? (call.answered ? 'remote-hangup' : call.direction === 'outgoing' ? 'no-answer' : 'missed');
  history.callEnded(id, { at: at + 10_000, cause });
  return id;
}

/** A missed call from `number`. */
export function missed(history: HistoryService, number: string): string {
  return playCall(history, { number });
}

/** A journal write that throws ENOSPC while `full` is set. */
export function fillableDisk(real: JournalIo): JournalIo & { full: boolean } {
  return {
    full: false,
    writeSync(fd: number, data: Uint8Array): number {
      if (this.full)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return real.writeSync(fd, data);
    },
    fsyncSync(fd: number): void {
      real.fsyncSync(fd);
    },
  };
}

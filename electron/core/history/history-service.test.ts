import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistorySummary } from '../../../shared/history';
import {
  fillableDisk,
  journalLines,
  journalPath,
  missed,
  openHistory,
  playCall,
  tempDataDir,
} from './testing/history-rig';

let data: { dir: string; remove: () => void };
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

describe('HistoryService: outcomes', () => {
  it('gives each kind of call its outcome', () => {
    const { history } = openHistory(data.dir);
    playCall(history, { answered: true });
    playCall(history, {});
    playCall(history, { cause: 'rejected' });
    playCall(history, { direction: 'outgoing', answered: true, cause: 'local-hangup' });
    playCall(history, { direction: 'outgoing', cause: 'busy' });
    const entries = history.list({}).entries.map((e) => [e.direction, e.outcome, e.cause]);
    expect(entries).toEqual([
      ['outgoing', 'unanswered', 'busy'],
      ['outgoing', 'answered', 'local-hangup'],
      ['incoming', 'rejected', 'rejected'],
      ['incoming', 'missed', 'missed'],
      ['incoming', 'answered', 'remote-hangup'],
    ]);
    history.close();
  });

  it('counts a call a colleague answered as missed but already seen', () => {
    const { history } = openHistory(data.dir);
    playCall(history, { cause: 'answered-elsewhere' });
    expect(history.list({ filter: 'missed' }).entries[0]).toMatchObject({
      outcome: 'missed',
      seen: true,
      tries: 1,
    });
    expect(history.summary().unseenMissed).toBe(0);
    history.close();
  });

  it('carries the whole call into the entry, and reads it back after a restart', () => {
    const { history } = openHistory(data.dir);
    history.callStarted({
      id: 'x',
      line: 2,
      direction: 'incoming',
      far: { name: 'Bea', number: '103', uri: 'sip:103@pbx' },
      at: 1000,
    });
    history.callAnswered('x', 3000);
    history.callEnded('x', { at: 9000, cause: 'remote-hangup', sipStatus: 200 });
    const entry = history.list({}).entries[0];
    expect(entry).toEqual({
      id: 'x',
      line: 2,
      direction: 'incoming',
      outcome: 'answered',
      far: { name: 'Bea', number: '103', uri: 'sip:103@pbx' },
      startedAt: 1000,
      answeredAt: 3000,
      endedAt: 9000,
      cause: 'remote-hangup',
      sipStatus: 200,
      tries: 1,
      seen: true,
    });
    history.close();
    const reopened = openHistory(data.dir).history;
    expect(reopened.list({}).entries).toEqual([entry]);
    reopened.close();
  });

  it('shows only ended calls, and ignores reports about calls it never saw start', () => {
    const { history } = openHistory(data.dir);
    history.callStarted({
      id: 'live',
      line: 1,
      direction: 'outgoing',
      far: { number: '1', uri: 'sip:1@pbx' },
      at: 5,
    });
    history.callAnswered('ghost', 6);
    history.callEnded('ghost', { at: 7, cause: 'failed' });
    expect(history.list({}).total).toBe(0);
    expect(journalLines(data.dir)).toHaveLength(1);
    history.close();
  });
});

describe('HistoryService: a crash mid-call', () => {
  it('ends the interrupted calls failed at their last event, missed when incoming and never answered', () => {
    const { history } = openHistory(data.dir);
    history.callStarted({
      id: 'in',
      line: 1,
      direction: 'incoming',
      far: { number: '104', uri: 'sip:104@pbx' },
      at: 1000,
    });
    history.callStarted({
      id: 'talk',
      line: 2,
      direction: 'incoming',
      far: { number: '105', uri: 'sip:105@pbx' },
      at: 2000,
    });
    history.callAnswered('talk', 2500);
    // No close(): the process dies with both calls up.
    const after = openHistory(data.dir).history;
    const byId = Object.fromEntries(after.list({}).entries.map((e) => [e.id, e]));
    expect(byId.in).toMatchObject({ outcome: 'missed', cause: 'failed', endedAt: 1000, seen: false });
    expect(byId.talk).toMatchObject({ outcome: 'answered', cause: 'failed', endedAt: 2500 });
    expect(after.summary()).toMatchObject({ unseenMissed: 1, unseenMissedNumbers: ['104'] });
    // The ends are journaled: a third start reads the same, not a second recovery.
    expect(journalLines(data.dir).filter((l) => l.includes('"e":"end"'))).toHaveLength(2);
    after.close();
    history.close();
  });
});

describe('HistoryService: seen and the summary', () => {
  it('counts each unseen try, names the callers, and forgets them on markSeen (across a restart)', () => {
    const { history } = openHistory(data.dir);
    const summaries: HistorySummary[] = [];
    history.onChanged((s) => summaries.push(s));
    missed(history, '102');
    missed(history, 'sip:102@pbx.test');
    missed(history, '+49 30 12');
    playCall(history, { answered: true, number: '110' });
    const summary = history.summary();
    expect(summary).toMatchObject({
      unseenMissed: 3,
      unseenMissedNumbers: ['+49 30 12', 'sip:102@pbx.test'],
    });
    expect(summaries.map((s) => s.revision)).toEqual([2, 3, 4, 5]);
    expect(history.markSeen()).toMatchObject({ unseenMissed: 0, unseenMissedNumbers: [], revision: 6 });
    // Nothing left unseen: a second look writes and changes nothing.
    const lines = journalLines(data.dir).length;
    expect(history.markSeen().revision).toBe(6);
    expect(journalLines(data.dir)).toHaveLength(lines);
    missed(history, '102');
    history.close();
    const reopened = openHistory(data.dir).history;
    expect(reopened.summary()).toMatchObject({ unseenMissed: 1, unseenMissedNumbers: ['102'] });
    reopened.close();
  });

  it('reports a journal problem in one summary only, and keeps it for diagnostics', () => {
    const { history } = openHistory(data.dir);
    missed(history, '102');
    history.close();
    fs.appendFileSync(journalPath(data.dir), '{"v":1,"t":1,"e":"st');
    const { history: reopened, logs } = openHistory(data.dir);
    expect(reopened.summary().journalProblem).toMatch(/last entry was cut off/);
    expect(reopened.summary().journalProblem).toBeUndefined();
    expect(reopened.journalProblem).toMatch(/cut off/);
    expect(logs).toEqual([expect.stringContaining('cut off')]);
    expect(reopened.list({}).total).toBe(1);
    reopened.close();
  });

  it('keeps notifying the other listeners when one throws, and stops after unsubscribe', () => {
    const { history, logs } = openHistory(data.dir);
    let calls = 0;
    history.onChanged(() => {
      throw new Error('boom');
    });
    const off = history.onChanged(() => calls++);
    missed(history, '1');
    off();
    missed(history, '1');
    expect(calls).toBe(1);
    expect(logs).toEqual([expect.stringContaining('boom'), expect.stringContaining('boom')]);
    history.close();
  });
});

describe('HistoryService: bounds, rotation and clearing', () => {
  it('keeps the newest calls, and compacts the file past limit + a quarter, keeping the old one as .1', () => {
    const { history } = openHistory(data.dir, { limit: 4 });
    const ids = Array.from({ length: 5 }, (_, i) => missed(history, String(i)));
    expect(history.list({}).entries.map((e) => e.id)).toEqual(ids.slice(1).reverse());
    // Five calls in the file: the limit (4) plus a quarter (1), not more, so no compaction yet.
    expect(fs.existsSync(`${journalPath(data.dir)}.1`)).toBe(false);
    ids.push(missed(history, '5'));
    expect(journalLines(data.dir).filter((l) => l.includes('"start"'))).toHaveLength(4);
    expect(fs.readFileSync(`${journalPath(data.dir)}.1`, 'utf8').match(/"start"/g)).toHaveLength(6);
    history.close();
    const reopened = openHistory(data.dir, { limit: 4 }).history;
    expect(reopened.list({}).entries.map((e) => e.id)).toEqual(ids.slice(2).reverse());
    expect(reopened.summary().unseenMissed).toBe(4);
    reopened.close();
  });

  it('carries the seen marks and the calls in progress through a compaction', () => {
    const { history } = openHistory(data.dir, { limit: 2 });
    missed(history, '1');
    history.markSeen();
    history.callStarted({
      id: 'live',
      line: 1,
      direction: 'incoming',
      far: { number: '9', uri: 'sip:9@pbx' },
      at: 1,
    });
    missed(history, '2');
    missed(history, '3');
    missed(history, '4');
    history.callAnswered('live', 2);
    history.close();
    const reopened = openHistory(data.dir, { limit: 2 }).history;
    expect(reopened.list({}).entries.map((e) => e.far.number)).toEqual(['4', '3']);
    expect(reopened.summary().unseenMissed).toBe(2);
    reopened.close();
  });

  it('compacts on the byte bound too, and does not rewrite after every call when the kept calls fill it', () => {
    // A call takes some 180 bytes here: the fourth passes the bound, and the four kept still fill it.
    const { history } = openHistory(data.dir, { limit: 8, maxBytes: 600 });
    const backup = `${journalPath(data.dir)}.1`;
    for (let i = 0; i < 3; i++) missed(history, String(i));
    expect(fs.existsSync(backup)).toBe(false);
    missed(history, '3');
    expect(fs.existsSync(backup)).toBe(true);
    fs.rmSync(backup);
    missed(history, '4');
    expect(fs.existsSync(backup)).toBe(false);
    // Two calls (a quarter of the limit) later it tries again.
    missed(history, '5');
    expect(fs.existsSync(backup)).toBe(true);
    expect(history.list({}).total).toBe(6);
    history.close();
  });

  it('rewrites a journal with unreadable lines at open, so the problem is reported once', () => {
    const { history } = openHistory(data.dir);
    missed(history, '1');
    history.close();
    fs.appendFileSync(journalPath(data.dir), 'garbage\n');
    missed(openHistory(data.dir).history, '2');
    const third = openHistory(data.dir).history;
    expect(third.summary().journalProblem).toBeUndefined();
    expect(third.list({}).total).toBe(2);
    third.close();
  });

  it('follows a lower limit at once', () => {
    const { history } = openHistory(data.dir);
    for (let i = 0; i < 5; i++) missed(history, String(i));
    history.setLimit(2);
    expect(history.list({}).total).toBe(2);
    history.close();
  });

  it('clear empties the history and the file, the backup included, and keeps calls in progress', () => {
    const { history } = openHistory(data.dir, { limit: 1 });
    for (let i = 0; i < 4; i++) missed(history, String(i));
    expect(fs.existsSync(`${journalPath(data.dir)}.1`)).toBe(true);
    history.callStarted({
      id: 'live',
      line: 1,
      direction: 'outgoing',
      far: { number: '9', uri: 'sip:9@pbx' },
      at: 1,
    });
    expect(history.clear()).toMatchObject({ unseenMissed: 0, unseenMissedNumbers: [] });
    expect(history.list({}).total).toBe(0);
    expect(fs.existsSync(`${journalPath(data.dir)}.1`)).toBe(false);
    expect(journalLines(data.dir)).toEqual([expect.stringContaining('"id":"live"')]);
    history.callEnded('live', { at: 2, cause: 'no-answer' });
    history.close();
    const reopened = openHistory(data.dir).history;
    expect(reopened.list({}).entries.map((e) => e.id)).toEqual(['live']);
    reopened.close();
  });
});

describe('HistoryService: storage failures', () => {
  it('runs in memory when the journal cannot be read (a directory in its place)', () => {
    fs.mkdirSync(journalPath(data.dir), { recursive: true });
    const { history, logs } = openHistory(data.dir, { limit: 1 });
    for (let i = 0; i < 3; i++) missed(history, String(i));
    expect(history.list({}).total).toBe(1);
    expect(history.summary()).toMatchObject({
      unseenMissed: 1,
      journalProblem: expect.stringMatching(/could not be read/),
    });
    expect(logs).toHaveLength(1);
    history.close();
  });

  it('logs a full disk once and keeps the history in memory', () => {
    const disk = fillableDisk(fs);
    const { history, logs } = openHistory(data.dir, { io: disk });
    missed(history, '1');
    disk.full = true;
    missed(history, '2');
    playCall(history, { answered: true });
    expect(history.list({}).total).toBe(3);
    expect(history.summary().unseenMissed).toBe(2);
    expect(logs).toEqual([expect.stringContaining('ENOSPC')]);
    history.close();
  });
});

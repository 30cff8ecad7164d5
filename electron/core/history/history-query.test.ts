import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryFilter } from '../../../shared/history';
import type { HistoryService } from './history-service';
import { normalizeNumber, sameNumber } from './history-number';
import { missed, openHistory, playCall, tempDataDir } from './testing/history-rig';

let data: { dir: string; remove: () => void };
let history: HistoryService;
beforeEach(() => {
  data = tempDataDir();
  history = openHistory(data.dir).history;
});
afterEach(() => {
  history.close();
  data.remove();
});

const rows = (filter: HistoryFilter): Array<[string, number, boolean]> =>
  history.list({ filter }).entries.map((e) => [e.far.number, e.tries, e.seen]);

describe('missed list grouping', () => {
  it('collapses missed calls from one caller into one row with its tries, the newest on top', () => {
    const first = missed(history, '102');
    missed(history, '103');
    missed(history, 'sip:102@pbx');
    const newest = missed(history, '102');
    expect(rows('missed')).toEqual([
      ['102', 3, false],
      ['103', 1, false],
    ]);
    const top = history.list({ filter: 'missed' }).entries[0] as HistoryEntry;
    expect(top.id).toBe(newest);
    expect(top.id).not.toBe(first);
    expect(history.list({ filter: 'missed' }).total).toBe(2);
    // Elsewhere every call is its own row.
    expect(rows('all')).toHaveLength(4);
    expect(rows('all').every(([, tries]) => tries === 1)).toBe(true);
  });

  it('starts a new row after an answered, rejected or outgoing call with that caller', () => {
    missed(history, '102');
    missed(history, '102');
    playCall(history, { number: '102', answered: true });
    missed(history, '102');
    playCall(history, { number: '102', direction: 'outgoing' });
    missed(history, '102');
    playCall(history, { number: '102', cause: 'rejected' });
    missed(history, '102');
    missed(history, '102');
    expect(rows('missed').map(([, tries]) => tries)).toEqual([2, 1, 1, 2]);
    // A call with somebody else does not break the run.
    playCall(history, { number: '999', answered: true });
    missed(history, '102');
    expect(rows('missed')[0]).toEqual(['102', 3, false]);
  });

  it('shows a call a colleague answered on its own row, seen, ending the run', () => {
    missed(history, '102');
    playCall(history, { number: '102', cause: 'answered-elsewhere' });
    missed(history, '102');
    expect(rows('missed')).toEqual([
      ['102', 1, false],
      ['102', 1, true],
      ['102', 1, false],
    ]);
  });

  it('marks a row seen only when all its tries are', () => {
    missed(history, '102');
    history.markSeen();
    missed(history, '102');
    expect(rows('missed')).toEqual([['102', 2, false]]);
    expect(history.summary().unseenMissed).toBe(1);
    history.markSeen();
    expect(rows('missed')).toEqual([['102', 2, true]]);
  });

  it('filters by direction', () => {
    missed(history, '1');
    playCall(history, { direction: 'outgoing', number: '2' });
    playCall(history, { answered: true, number: '3' });
    expect(rows('incoming').map(([n]) => n)).toEqual(['3', '1']);
    expect(rows('outgoing').map(([n]) => n)).toEqual(['2']);
  });
});

describe('paging', () => {
  it('pages newest first with a cursor that holds while new calls come in', () => {
    const ids = Array.from({ length: 7 }, (_, i) => playCall(history, { answered: true, number: String(i) }));
    const first = history.list({ limit: 3 });
    expect(first.entries.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(first.total).toBe(7);
    playCall(history, { number: 'new' });
    playCall(history, { number: 'newer' });
    const second = history.list({ limit: 3, before: first.nextCursor });
    expect(second.entries.map((e) => e.id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(second.total).toBe(9);
    const last = history.list({ limit: 3, before: second.nextCursor });
    expect(last.entries.map((e) => e.id)).toEqual([ids[0]]);
    expect(last.nextCursor).toBeUndefined();
  });

  it('sorts by start, so a long call that ends late keeps its place', () => {
    history.callStarted({
      id: 'long',
      line: 1,
      direction: 'incoming',
      far: { number: '1', uri: 'sip:1@pbx' },
      at: 1,
    });
    history.callAnswered('long', 2);
    const short = playCall(history, { number: '2', answered: true });
    history.callEnded('long', { at: 99_000_000_000_000, cause: 'local-hangup' });
    expect(history.list({}).entries.map((e) => e.id)).toEqual([short, 'long']);
  });

  it('pages grouped missed rows by their newest call', () => {
    for (const n of ['a', 'b', 'a', 'c', 'b', 'd']) missed(history, n);
    const first = history.list({ filter: 'missed', limit: 2 });
    expect(first.entries.map((e) => [e.far.number, e.tries])).toEqual([
      ['d', 1],
      ['b', 2],
    ]);
    const rest = history.list({ filter: 'missed', limit: 2, before: first.nextCursor });
    expect(rest.entries.map((e) => [e.far.number, e.tries])).toEqual([
      ['c', 1],
      ['a', 2],
    ]);
    expect(rest.nextCursor).toBeUndefined();
    expect(rest.total).toBe(4);
  });

  it('clamps the page size to 1–500 and defaults to 100', () => {
    for (let i = 0; i < 120; i++) missed(history, String(i));
    expect(history.list({}).entries).toHaveLength(100);
    expect(history.list({ limit: 0 }).entries).toHaveLength(1);
    expect(history.list({ limit: 10_000 }).entries).toHaveLength(120);
  });
});

describe('normalizeNumber', () => {
  it('compares user parts without separators', () => {
    expect(normalizeNumber('sip:102@pbx')).toBe('102');
    expect(normalizeNumber('<sips:102@pbx.test;transport=tls>')).toBe('102');
    expect(normalizeNumber('tel:+49-30-12')).toBe('+493012');
    expect(normalizeNumber('+49 (30) 12')).toBe('+493012');
    expect(normalizeNumber('sip:%2B4930@pbx')).toBe('+4930');
    expect(normalizeNumber('sip:Alice@Example.com')).toBe('alice');
    expect(sameNumber('102', 'sip:102@pbx')).toBe(true);
    expect(sameNumber('+49 30 12', 'sip:+493012@pbx;user=phone')).toBe(true);
    expect(sameNumber('102', '1020')).toBe(false);
    expect(sameNumber('', '')).toBe(false);
  });
});

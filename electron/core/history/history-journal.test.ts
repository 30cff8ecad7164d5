import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from './history-events';
import { parseEvent } from './history-events';
import { HistoryJournal } from './history-journal';
import { fillableDisk, journalPath, tempDataDir } from './testing/history-rig';

let data: { dir: string; remove: () => void };
let logs: string[];
beforeEach(() => {
  data = tempDataDir();
  logs = [];
});
afterEach(() => data.remove());

function journal(io?: ReturnType<typeof fillableDisk>): HistoryJournal {
  return new HistoryJournal({ dataDir: data.dir, log: (m) => logs.push(m), ...(io ? { io } : {}) });
}

const start = (id: string, t = 1000): HistoryEvent => ({
  v: 1,
  t,
  e: 'start',
  id,
  line: 1,
  dir: 'incoming',
  far: { name: 'Anna Ärger', number: '+49 30 12', uri: 'sip:+493012@pbx.test' },
});
const end = (id: string, t = 2000): HistoryEvent => ({
  v: 1,
  t,
  e: 'end',
  id,
  cause: 'missed',
  sipStatus: 487,
});

function written(...events: HistoryEvent[]): HistoryJournal {
  const j = journal();
  j.open();
  for (const e of events) expect(j.append(e)).toBe(true);
  j.close();
  return j;
}

describe('HistoryJournal', () => {
  it('reads back what it appended, one line per event', () => {
    const events = [
      start('a'),
      { v: 1, t: 1500, e: 'answer', id: 'a' } as const,
      end('a'),
      { v: 1, t: 3000, e: 'seen' } as const,
    ];
    const j = written(...events);
    expect(fs.readFileSync(j.path, 'utf8').split('\n')).toHaveLength(events.length + 1);
    const again = journal();
    expect(again.open()).toEqual({ events, dropped: 0 });
    again.close();
  });

  it('starts empty when there is no file, and creates it', () => {
    const j = journal();
    expect(j.open()).toEqual({ events: [], dropped: 0 });
    expect(fs.existsSync(j.path)).toBe(true);
    j.close();
  });

  it('drops a torn last line, truncates it away and reports it once; the next append parses', () => {
    const j = written(start('a'), end('a'), start('b'));
    const full = fs.readFileSync(j.path);
    fs.truncateSync(j.path, full.length - 9);
    const reopened = journal();
    const contents = reopened.open();
    expect(contents.events).toEqual([start('a'), end('a')]);
    expect(contents.problem).toBe(
      "The call history's last entry was cut off (the app stopped while writing it); 1 entry dropped",
    );
    expect(reopened.append(start('c'))).toBe(true);
    reopened.close();
    const third = journal();
    expect(third.open()).toEqual({ events: [start('a'), end('a'), start('c')], dropped: 0 });
    third.close();
  });

  it('counts a tail of zero bytes (a power loss) as the torn end', () => {
    const j = written(start('a'));
    fs.appendFileSync(j.path, Buffer.alloc(64));
    const reopened = journal();
    expect(reopened.open().events).toEqual([start('a')]);
    expect(fs.statSync(j.path).size).toBe(Buffer.byteLength(`${JSON.stringify(start('a'))}\n`));
    reopened.close();
  });

  it('skips garbled lines in the middle and counts them with the torn tail in one problem', () => {
    const j = journal();
    fs.mkdirSync(data.dir + '/history', { recursive: true });
    fs.writeFileSync(
      j.path,
      [
        JSON.stringify(start('a')),
        'not json',
        JSON.stringify({ v: 1, t: 5, e: 'start', id: 'x' }),
        JSON.stringify({ v: 1, t: 5, e: 'end', id: 'a', cause: 'exploded' }),
        JSON.stringify(end('a')),
        '{"v":1,"t":9,"e":"sta',
      ].join('\n'),
    );
    const contents = j.open();
    expect(contents.events).toEqual([start('a'), end('a')]);
    expect(contents.dropped).toBe(4);
    expect(contents.problem).toBe(
      "The call history's last entry was cut off (the app stopped while writing it) and 3 entries before it could not be read; 4 entries dropped",
    );
    j.close();
  });

  it('passes over events of a newer version or kind quietly', () => {
    expect(parseEvent(JSON.stringify({ v: 2, t: 1, e: 'start', whatever: true }))).toEqual({
      kind: 'unknown',
    });
    expect(parseEvent(JSON.stringify({ v: 1, t: 1, e: 'transfer', id: 'a' }))).toEqual({ kind: 'unknown' });
    for (const bad of [
      '[]',
      'null',
      '{"v":1,"t":-1,"e":"seen"}',
      '{"v":1,"t":1,"e":"end","id":"a","cause":"missed","sipStatus":99}',
    ])
      expect(parseEvent(bad)).toEqual({ kind: 'garbled' });
  });

  it('keeps a last line without its newline when it is whole, and appends after it on a new line', () => {
    fs.mkdirSync(data.dir + '/history', { recursive: true });
    fs.writeFileSync(journalPath(data.dir), JSON.stringify(start('a')));
    const j = journal();
    expect(j.open()).toEqual({ events: [start('a')], dropped: 0 });
    j.append(end('a'));
    j.close();
    const again = journal();
    expect(again.open().events).toEqual([start('a'), end('a')]);
    again.close();
  });

  it('compacts atomically, keeping the previous file as .1', () => {
    const j = written(start('a'), end('a'), start('b'));
    const before = fs.readFileSync(j.path, 'utf8');
    const reopened = journal();
    reopened.open();
    expect(reopened.rewrite([start('b')], { keepBackup: true })).toBe(true);
    expect(fs.readFileSync(j.backupPath, 'utf8')).toBe(before);
    expect(fs.existsSync(j.tempPath)).toBe(false);
    expect(reopened.append(end('b'))).toBe(true);
    expect(reopened.bytes).toBe(fs.statSync(j.path).size);
    reopened.close();
    const third = journal();
    expect(third.open().events).toEqual([start('b'), end('b')]);
    third.close();
  });

  it('removes the backup when asked to (after clearing)', () => {
    const j = written(start('a'));
    fs.writeFileSync(j.backupPath, 'old calls');
    const reopened = journal();
    reopened.open();
    reopened.rewrite([], { keepBackup: false });
    expect(fs.existsSync(j.backupPath)).toBe(false);
    expect(fs.readFileSync(j.path, 'utf8')).toBe('');
    reopened.close();
  });

  it('leaves an unreadable file alone and reports it (a directory in its place)', () => {
    fs.mkdirSync(journalPath(data.dir), { recursive: true });
    const j = journal();
    const contents = j.open();
    expect(contents.events).toEqual([]);
    expect(contents.problem).toMatch(
      /^The call history could not be read \(.*\); calls are kept in memory only/,
    );
    expect(j.writable).toBe(false);
    expect(j.append(start('a'))).toBe(false);
    expect(logs).toHaveLength(1);
  });

  it('logs a failed write once, takes back nothing half-written, and logs when writing works again', () => {
    const disk = fillableDisk(fs);
    const j = journal(disk);
    j.open();
    j.append(start('a'));
    disk.full = true;
    expect(j.append(end('a'))).toBe(false);
    expect(j.append(start('b'))).toBe(false);
    expect(logs).toEqual([expect.stringContaining('ENOSPC')]);
    disk.full = false;
    expect(j.append(start('c'))).toBe(true);
    expect(logs[1]).toMatch(/works again/);
    j.close();
    const again = journal();
    expect(again.open()).toEqual({ events: [start('a'), start('c')], dropped: 0 });
    again.close();
  });
});

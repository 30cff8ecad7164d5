import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../../../shared/history';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeHistoryEntry, makeHistorySummary, makeSnapshot, type FakeConsoleApi } from '../testing/fake-console-api';
import { useHistoryStore } from './history';

let fake: FakeConsoleApi;
let revision = 1;

async function start(summary = makeHistorySummary()): Promise<ReturnType<typeof useHistoryStore>> {
  revision = summary.revision;
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ history: summary }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    // 120 entries, newest first; the cursor is the index of the next entry.
    'history.list': ({ before = 0, limit = 100, filter }: HistoryQuery) => {
      const all = Array.from({ length: 120 }, (_, i) => makeHistoryEntry(`h${i}`, { outcome: i % 2 ? 'missed' : 'answered' }));
      const matching = filter === 'missed' ? all.filter((entry) => entry.outcome === 'missed') : all;
      const entries = matching.slice(before, before + limit);
      const next = before + limit < matching.length ? before + limit : undefined;
      return { ok: true, value: { entries, total: matching.length, ...(next === undefined ? {} : { nextCursor: next }) } };
    },
    'history.markSeen': () => ({ ok: true, value: makeHistorySummary({ revision: ++revision }) }),
    'history.clear': () => ({ ok: true, value: makeHistorySummary({ revision: ++revision }) }),
  });
  await wireEvents(fake.api).ready;
  return useHistoryStore();
}

const lists = () => fake.calls.filter((call) => call.command === 'history.list').map((call) => call.args);

beforeEach(() => setActivePinia(createPinia()));

describe('history store', () => {
  it('takes the summary from the snapshot and history.changed', async () => {
    const history = await start(makeHistorySummary({ unseenMissed: 3, unseenMissedNumbers: ['102'] }));
    expect(history.summary.unseenMissed).toBe(3);
    expect(history.unseenNumbers.has('102')).toBe(true);
    fake.emit('history.changed', makeHistorySummary({ unseenMissed: 0, revision: 5 }));
    expect(history.summary.unseenMissed).toBe(0);
    // Closed view: no refetch on a revision move.
    expect(lists()).toEqual([]);
  });

  it('pages with the filter and "load more"', async () => {
    const history = await start();
    await history.setFilter('missed');
    expect(history.entries).toHaveLength(50);
    expect(history.total).toBe(60);
    await history.loadMore();
    expect(history.entries).toHaveLength(60);
    expect(history.nextCursor).toBeUndefined();
    expect(lists()).toEqual([
      { filter: 'missed', limit: 50 },
      { filter: 'missed', before: 50, limit: 50 },
    ]);
  });

  it('marks missed calls seen when shown, and refetches as deep as loaded while open', async () => {
    const history = await start(makeHistorySummary({ unseenMissed: 2, unseenMissedNumbers: ['102'] }));
    await history.setOpen(true);
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'history.markSeen')).toHaveLength(1);
    expect(history.summary.unseenMissed).toBe(0);
    await history.loadMore();
    expect(history.entries).toHaveLength(100);
    const before = lists().length;
    fake.emit('history.changed', makeHistorySummary({ revision: revision + 1 }));
    await flushPromises();
    expect(lists().slice(before)).toEqual([{ filter: 'all', limit: 100 }]);
    expect(history.entries).toHaveLength(100);

    await history.setOpen(false);
    fake.emit('history.changed', makeHistorySummary({ revision: revision + 2 }));
    await flushPromises();
    expect(lists().length).toBe(before + 1);
  });

  it('clears the page and the summary', async () => {
    const history = await start();
    await history.load();
    const result = await history.clear();
    expect(result?.ok).toBe(true);
    expect(history.entries).toEqual([]);
    expect(history.total).toBe(0);
  });
});

import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { TileView } from '../../../shared/tiles';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeSettings, makeSnapshot, makeStats, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import { useTilesStore } from './tiles';

let fake: FakeConsoleApi;

function settingsWith(tileIds: string[], listIds: string[] = []) {
  return {
    ...makeSettings(),
    tiles: tileIds.map((id) => ({ id, name: id, uri: id.slice(1), watch: ['dialog' as const], action: { kind: 'none' as const } })),
    tileLists: listIds.map((id) => ({ id, name: `List ${id}`, uri: `sip:${id}@pbx.example.com`, event: 'dialog' as const })),
  };
}

async function start(tiles: TileView[], settings = settingsWith(tiles.filter((t) => !t.listId).map((t) => t.id))) {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ tiles, settings, blf: makeStats({ received: 5 }) }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'blf.stats': () => ({ ok: true, value: makeStats({ received: 99, coalesced: 4 }) }),
  });
  await wireEvents(fake.api).ready;
  await nextTick();
  return useTilesStore();
}

const ids = (list: readonly TileView[]): string[] => list.map((tile) => tile.id);

beforeEach(() => setActivePinia(createPinia()));

describe('useTilesStore', () => {
  it('takes every tile and the queue figures from the snapshot, in order', async () => {
    const store = await start([makeTile(101), makeTile(102), makeTile(103)]);
    expect(ids(store.tiles)).toEqual(['t101', 't102', 't103']);
    expect(store.stats?.received).toBe(5);
  });

  it('applies patches: upserts replace in place, new tiles join, removed tiles leave', async () => {
    const store = await start([makeTile(101), makeTile(102), makeTile(103)]);
    const before = store.tiles;
    fake.emit('tiles.patch', {
      upsert: [makeTile(102, { state: 'ringing', caller: { number: '555' } })],
      remove: ['t101'],
    });
    expect(store.tiles).not.toBe(before);
    expect(ids(store.tiles)).toEqual(['t102', 't103']);
    expect(store.get('t102')?.state).toBe('ringing');
    expect(store.get('t101')).toBeUndefined();
    fake.emit('tiles.patch', { upsert: [makeTile(104), makeTile(103, { state: 'busy' })], remove: [] });
    expect(ids(store.tiles)).toEqual(['t102', 't103', 't104']);
    expect(store.counts.busy).toBe(1);
    expect(store.counts.ringing).toBe(1);
  });

  it('keeps configured tiles in settings order and list members after them, by list', async () => {
    const settings = settingsWith(['t101', 't102', 't103'], ['la', 'lb']);
    const store = await start([makeTile(101), makeTile(103)], settings);
    fake.emit('tiles.patch', {
      upsert: [makeTile('b1', { id: 'lb/1', listId: 'lb' }), makeTile('a1', { id: 'la/1', listId: 'la' }), makeTile(102)],
      remove: [],
    });
    expect(ids(store.tiles)).toEqual(['t101', 't102', 't103', 'la/1', 'lb/1']);
    // A reorder in the editor changes no tile; the saved settings carry the new order.
    fake.emit('settings.changed', settingsWith(['t103', 't101', 't102'], ['lb', 'la']));
    await nextTick();
    expect(ids(store.tiles)).toEqual(['t103', 't101', 't102', 'lb/1', 'la/1']);
  });

  it('filters by name or number as typed, ignoring case and accents, and by group', async () => {
    const store = await start([
      makeTile(101, { name: 'Anna Schmidt', group: 'Front' }),
      makeTile(102, { name: 'Jörg Müller', group: 'Sales' }),
      makeTile(210, { name: 'Bob Brown', group: 'Sales' }),
      makeTile('m1', { id: 'lx/1', name: 'Dock 1', listId: 'lx' }),
    ]);
    store.query = 'mull';
    expect(ids(store.filtered)).toEqual(['t102']);
    store.query = '21';
    expect(ids(store.filtered)).toEqual(['t210']);
    store.query = 'ANNA';
    expect(ids(store.filtered)).toEqual(['t101']);
    store.query = '';
    expect(store.groups).toEqual(['Front', 'Sales', 'lx']);
    store.group = 'Sales';
    expect(ids(store.filtered)).toEqual(['t102', 't210']);
    store.query = 'bob';
    expect(store.sections).toEqual([{ name: 'Sales', tiles: [store.get('t210')] }]);
    store.group = undefined;
    store.clearQuery();
    expect(store.sections.map((section) => [section.name, section.tiles.length])).toEqual([
      ['Front', 1],
      ['Sales', 2],
      ['lx', 1],
    ]);
  });

  it('follows blf.stats events and refreshes on request', async () => {
    const store = await start([]);
    fake.emit('blf.stats', makeStats({ depth: 12, received: 40 }));
    expect(store.stats).toMatchObject({ depth: 12, received: 40 });
    await store.refreshStats();
    expect(store.stats).toMatchObject({ received: 99, coalesced: 4 });
  });

  it('records the action of an activated tile without placing a call', async () => {
    const store = await start([makeTile(101, { name: 'Anna', action: { kind: 'call', uri: 'sip:0101@pbx.example.com' } })]);
    const activation = store.activate('t101');
    expect(activation).toMatchObject({ tileId: 't101', number: '0101', action: { kind: 'call', uri: 'sip:0101@pbx.example.com' } });
    expect(store.lastActivation).toEqual(activation);
    // Activation sends nothing to main (no command beyond the start-up ones).
    expect(fake.calls.map((call) => call.command)).toEqual(['snapshot', 'trace.list']);
  });
});

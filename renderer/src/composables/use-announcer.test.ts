import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TileView } from '../../../shared/tiles';
import { wireEvents } from '../api/wire-events';
import LiveAnnouncer from '../components/LiveAnnouncer.vue';
import {
  createFakeApi,
  makeCall,
  makeSnapshot,
  makeTile,
  type FakeConsoleApi,
} from '../testing/fake-console-api';
import { announce, TILE_ANNOUNCE_GAP_MS } from './use-announcer';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;
let wrapper: VueWrapper;

const anna = makeTile(101, { name: 'Anna Alt' });
const bob = makeTile(102, { name: 'Bob' });
const clara = makeTile(103, { name: 'Clara' });
const dave = makeTile(104, { name: 'Dave' });

async function start(tiles: TileView[] = [anna, bob, clara, dave]): Promise<void> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ tiles }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  wrapper = mount(LiveAnnouncer);
  await flushPromises();
}

const polite = () => wrapper.get('[data-testid="announce-polite"]').text();
const assertive = () => wrapper.get('[data-testid="announce-assertive"]').text();

function patch(...upsert: TileView[]): void {
  fake.emit('tiles.patch', { upsert, remove: [] });
}

const ringing = (tile: TileView, caller?: string): TileView => ({
  ...tile,
  state: 'ringing',
  caller: caller ? { number: caller, uri: `sip:${caller}@pbx.example.com` } : undefined,
});

/** Lets the announcement timer run `ms` and the DOM update. */
async function after(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flushPromises();
}

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
  announce('', 'polite');
  announce('', 'assertive');
});
afterEach(() => vi.useRealTimers());

describe('live regions', () => {
  it('renders a polite status region and an assertive one, visually hidden', async () => {
    await start();
    const status = wrapper.get('[data-testid="announce-polite"]');
    expect(status.attributes()).toMatchObject({
      role: 'status',
      'aria-live': 'polite',
      'aria-atomic': 'true',
    });
    expect(wrapper.get('[data-testid="announce-assertive"]').attributes('aria-live')).toBe('assertive');
    expect(wrapper.classes()).toContain('visually-hidden');
  });

  it('replaces the node for a repeated message so it is read again', async () => {
    await start();
    announce('Hello');
    await flushPromises();
    const first = wrapper.get('[data-testid="announce-polite"] span').element;
    announce('Hello');
    await flushPromises();
    expect(wrapper.get('[data-testid="announce-polite"] span').element).not.toBe(first);
    expect(polite()).toBe('Hello');
  });
});

describe('incoming calls', () => {
  it('announces a new ringing call assertively with the directory name', async () => {
    await start();
    fake.emit('calls.changed', [makeCall('c1', { far: { number: '101', uri: 'sip:101@pbx.example.com' } })]);
    await flushPromises();
    expect(assertive()).toBe('Incoming call from Anna Alt (101) on Line 1 · Reception');
  });

  it('announces a call once, not again on its later changes, and not outgoing calls', async () => {
    await start();
    fake.emit('calls.changed', [
      makeCall('c1', { far: { number: '0301234', uri: 'sip:0301234@pbx.example.com' } }),
    ]);
    await flushPromises();
    expect(assertive()).toBe('Incoming call from 0301234 on Line 1 · Reception');
    announce('', 'assertive');
    fake.emit('calls.changed', [
      makeCall('c1', { state: 'connected' }),
      makeCall('c2', { direction: 'outgoing', state: 'dialling' }),
    ]);
    await flushPromises();
    expect(assertive()).toBe('');
  });
});

describe('ringing tiles', () => {
  it('announces a watched extension that starts ringing, with its caller', async () => {
    await start();
    patch(ringing(bob, '0301234'));
    await after(0);
    expect(polite()).toBe('Extension Bob (102) is ringing — caller 0301234');
  });

  it('names a caller that is another tile', async () => {
    await start();
    patch(ringing(bob, '101'));
    await after(0);
    expect(polite()).toBe('Extension Bob (102) is ringing — caller Anna Alt (101)');
  });

  it('says nothing for other lamp changes or for tiles already ringing in the snapshot', async () => {
    await start([anna, ringing(bob, '0301234')]);
    await after(0);
    patch({ ...anna, state: 'busy' }, { ...bob, state: 'idle' }, { ...anna, state: 'hold' });
    await after(5000);
    expect(polite()).toBe('');
  });

  it('waits 2 s between announcements and sums up several ringing tiles', async () => {
    await start();
    patch(ringing(anna));
    await after(0);
    expect(polite()).toBe('Extension Anna Alt (101) is ringing');

    patch(ringing(bob));
    patch(ringing(clara));
    patch(ringing(dave));
    await after(TILE_ANNOUNCE_GAP_MS - 100);
    expect(polite()).toBe('Extension Anna Alt (101) is ringing');
    await after(100);
    expect(polite()).toBe('3 extensions are ringing');
  });

  it('drops a tile that stopped ringing before its turn', async () => {
    await start();
    patch(ringing(anna));
    await after(0);
    patch(ringing(bob), ringing(clara));
    await after(500);
    patch({ ...clara, state: 'busy' });
    await after(TILE_ANNOUNCE_GAP_MS);
    expect(polite()).toBe('Extension Bob (102) is ringing');
  });

  it('announces tiles turning ringing in one patch together', async () => {
    await start();
    patch(ringing(anna), ringing(bob));
    await after(0);
    expect(polite()).toBe('2 extensions are ringing');
  });
});

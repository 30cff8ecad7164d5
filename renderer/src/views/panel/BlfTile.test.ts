import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { setLocale } from '../../i18n';
import { makeTile } from '../../testing/fake-console-api';
import { useTilesStore } from '../../stores/tiles';
import BlfTile from './BlfTile.vue';

const STALE_AT = new Date('2025-03-04T09:15:40').getTime();

beforeEach(() => setActivePinia(createPinia()));
// Unmounted tiles release the shared clock, so a test with fake timers starts it on the fake clock.
enableAutoUnmount(afterEach);
afterEach(() => setLocale('en'));

describe('BlfTile stale mark', () => {
  it('shows "stale since hh:mm" in place of the state word, in the label and in the tooltip', () => {
    const tile = makeTile(101, { name: 'Anna', state: 'ringing', since: STALE_AT - 5000, staleSince: STALE_AT, caller: { number: '102' } });
    const wrapper = mount(BlfTile, { props: { tile, tabbable: true } });
    const root = wrapper.get('[data-testid="tile-t101"]');
    expect(root.classes()).toEqual(expect.arrayContaining(['is-ringing', 'is-stale']));
    expect(root.attributes('data-stale')).toBe('');
    expect(root.get('.mid').text()).toMatch(/^101\s*stale since 09:15$/);
    expect(root.find('.word').exists()).toBe(false);
    expect(root.find('.since').exists()).toBe(false);
    expect(root.attributes('aria-label')).toBe('Anna, 101, stale since 09:15, last known: ringing, caller 102');
    expect(root.attributes('title')).toBe('Anna · 101 · stale since 09:15 (last known: ringing)\n102');
  });

  it('shows a confident state again once the fresh state arrives', async () => {
    const stale = makeTile(105, { staleSince: STALE_AT });
    const wrapper = mount(BlfTile, { props: { tile: stale, tabbable: false } });
    expect(wrapper.classes()).toContain('is-stale');
    await wrapper.setProps({ tile: makeTile(105) });
    expect(wrapper.classes()).not.toContain('is-stale');
    expect(wrapper.get('.word').text()).toBe('idle');
    expect(wrapper.text()).not.toContain('stale');
  });

  it('says it in German', () => {
    setLocale('de');
    const wrapper = mount(BlfTile, { props: { tile: makeTile(105, { name: 'Marie', staleSince: STALE_AT }), tabbable: false } });
    expect(wrapper.get('.mid').text()).toMatch(/^105\s*veraltet seit 09:15$/);
    expect(wrapper.attributes('aria-label')).toBe('Marie, 105, veraltet seit 09:15, zuletzt: frei');
  });
});

describe('BlfTile names (issue 12)', () => {
  it("names a ringing tile's caller by the tile of the caller's extension", () => {
    const anna = makeTile(102, { name: 'Anna Alt' });
    const ringing = makeTile(101, { name: 'Ben', state: 'ringing', since: Date.now() - 3000, caller: { number: '102', uri: 'sip:102@test.local' } });
    useTilesStore().applySnapshot([ringing, anna]);
    const wrapper = mount(BlfTile, { props: { tile: ringing, tabbable: true } });
    expect(wrapper.get('[data-testid="tile-context"]').text()).toBe('← Anna Alt · 102');
    expect(wrapper.attributes('aria-label')).toBe('Ben, 101, ringing for under a minute, caller Anna Alt · 102');
    expect(wrapper.attributes('title')).toBe('Ben · 101 · ringing\nAnna Alt · 102');
  });

  it('keeps the name the PBX sent, and shows a bare number when nobody is known', () => {
    useTilesStore().applySnapshot([makeTile(102, { name: 'Anna Alt' })]);
    const sent = makeTile(101, { state: 'ringing', caller: { number: '102', name: 'Front desk' } });
    expect(mount(BlfTile, { props: { tile: sent, tabbable: true } }).get('[data-testid="tile-context"]').text()).toBe('← Front desk · 102');
    const unknown = makeTile(101, { state: 'busy', party: { uri: 'sip:0301234@pbx' } });
    expect(mount(BlfTile, { props: { tile: unknown, tabbable: true } }).get('[data-testid="tile-context"]').text()).toBe('⇄ 0301234');
  });

  it('shows a list member without a name as its number, or as the configured tile of that extension', () => {
    const member = (ext: number): ReturnType<typeof makeTile> =>
      makeTile(ext, { id: `team/sip:${ext}@test.local`, name: `sip:${ext}@test.local`, uri: `sip:${ext}@test.local`, listId: 'team' });
    useTilesStore().applySnapshot([makeTile(101, { name: 'Anna Alt' }), member(101), member(105)]);
    const named = mount(BlfTile, { props: { tile: member(101), tabbable: true } });
    expect(named.get('[data-testid="tile-name"]').text()).toBe('Anna Alt');
    const bare = mount(BlfTile, { props: { tile: member(105), tabbable: true } });
    expect(bare.get('[data-testid="tile-name"]').text()).toBe('105');
    expect(bare.text()).not.toContain('sip:');
    expect(bare.attributes('aria-label')).toBe('105, idle (registration unknown)');
  });
});

describe('BlfTile clock (issue 13)', () => {
  afterEach(() => vi.useRealTimers());

  it('ticks the seconds in the duration alone, and changes its label once a minute', async () => {
    vi.useFakeTimers({ now: STALE_AT });
    const busy = makeTile(101, { name: 'Anna', state: 'busy', since: STALE_AT - 58_000 });
    const wrapper = mount(BlfTile, { props: { tile: busy, tabbable: true } });
    const since = () => wrapper.get('.since').text();
    const root = wrapper.get('[data-testid="tile-t101"]');
    expect(since()).toBe('0:58');
    expect(root.attributes('aria-label')).toBe('Anna, 101, busy for under a minute');
    vi.advanceTimersByTime(1000);
    await nextTick();
    expect(since()).toBe('0:59');
    expect(root.attributes('aria-label')).toBe('Anna, 101, busy for under a minute');
    vi.advanceTimersByTime(1000);
    await nextTick();
    expect(since()).toBe('1:00');
    expect(root.attributes('aria-label')).toBe('Anna, 101, busy for 1 min');
  });
});

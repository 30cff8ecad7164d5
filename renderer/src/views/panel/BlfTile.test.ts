import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n';
import { makeTile } from '../../testing/fake-console-api';
import BlfTile from './BlfTile.vue';

const STALE_AT = new Date('2025-03-04T09:15:40').getTime();

afterEach(() => setLocale('en'));

describe('BlfTile stale mark', () => {
  it('shows "stale since hh:mm" in place of the state word, in the label and in the tooltip', () => {
    const tile = makeTile(101, { name: 'Anna', state: 'ringing', since: STALE_AT - 5000, staleSince: STALE_AT, caller: { number: '102' } });
    const wrapper = mount(BlfTile, { props: { tile, now: STALE_AT + 60_000, tabbable: true } });
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
    const wrapper = mount(BlfTile, { props: { tile: stale, now: 0, tabbable: false } });
    expect(wrapper.classes()).toContain('is-stale');
    await wrapper.setProps({ tile: makeTile(105) });
    expect(wrapper.classes()).not.toContain('is-stale');
    expect(wrapper.get('.word').text()).toBe('idle');
    expect(wrapper.text()).not.toContain('stale');
  });

  it('says it in German', () => {
    setLocale('de');
    const wrapper = mount(BlfTile, { props: { tile: makeTile(105, { name: 'Marie', staleSince: STALE_AT }), now: 0, tabbable: false } });
    expect(wrapper.get('.mid').text()).toMatch(/^105\s*veraltet seit 09:15$/);
    expect(wrapper.attributes('aria-label')).toBe('Marie, 105, veraltet seit 09:15, zuletzt: frei');
  });
});

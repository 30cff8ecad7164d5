import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useLinesStore } from '../../stores/lines';
import { useTilesStore } from '../../stores/tiles';
import { makeLine, makeTile } from '../../testing/fake-console-api';
import StaleNotice from './StaleNotice.vue';

const T1402 = new Date('2025-03-04T14:02:10').getTime();

beforeEach(() => {
  setActivePinia(createPinia());
  useLinesStore().apply([makeLine(1), makeLine(2, { status: 'failed', sipStatus: 408 })]);
});

/** `stale` of `count` tiles on `line` are stale, the first since 14:02, the rest a little later. */
function tilesOf(line: number, count: number, stale: number) {
  return Array.from({ length: count }, (_, i) =>
    makeTile(line * 100 + i, { line, ...(i < stale ? { staleSince: T1402 + i * 1000 } : {}) }),
  );
}

describe('StaleNotice', () => {
  it('says per line since when its lamps may be out of date and whether they are being refreshed', () => {
    useTilesStore().applySnapshot([...tilesOf(1, 10, 6), ...tilesOf(2, 3, 3)]);
    const wrapper = mount(StaleNotice);
    expect(wrapper.get('[data-testid="stale-line-1"]').text()).toBe('Lamps of line 1 may be out of date since 14:02 — refreshing…');
    expect(wrapper.get('[data-testid="stale-line-2"]').text()).toBe(
      'Lamps of line 2 may be out of date since 14:02 — the line is not registered',
    );
  });

  it('leaves a few stale tiles to their own mark and goes away when the lamps are fresh', async () => {
    const tiles = useTilesStore();
    tiles.applySnapshot(tilesOf(1, 10, 2));
    const wrapper = mount(StaleNotice);
    expect(wrapper.find('[data-testid="stale-notice"]').exists()).toBe(false);
    tiles.applyPatch({ upsert: tilesOf(1, 10, 10), remove: [] });
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="stale-line-1"]').exists()).toBe(true);
    tiles.applyPatch({ upsert: tilesOf(1, 10, 0), remove: [] });
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="stale-notice"]').exists()).toBe(false);
  });
});

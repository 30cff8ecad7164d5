import { nextTick } from 'vue';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TileView } from '../../../../shared/tiles';
import { wireEvents } from '../../api/wire-events';
import { LEGACY_KEY, PREFS_KEY } from '../../composables/use-panel-density';
import { createFakeApi, makeSnapshot, makeTile } from '../../testing/fake-console-api';
import PanelView from './PanelView.vue';
import WallTile from './WallTile.vue';

enableAutoUnmount(afterEach);

const widthDescriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');

/** A 560 px grid: 3 comfortable columns (11 rem + 8 px), 5 compact (6 rem + 2 px), 12 wall (2.75 rem + 1 px). */
function gridWidth(px: number): void {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'tile-grid' ? px : 0;
    },
  });
}

async function mountPanel(tiles: TileView[]) {
  const fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ tiles }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(PanelView, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

async function press(key: string): Promise<void> {
  document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  await flushPromises();
}

const many = (n: number): TileView[] => Array.from({ length: n }, (_, i) => makeTile(100 + i, { name: `Person ${i}` }));

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  gridWidth(560);
});

afterEach(() => {
  localStorage.clear();
  if (widthDescriptor) Object.defineProperty(HTMLElement.prototype, 'clientWidth', widthDescriptor);
});

describe('panel density', () => {
  it('switches comfortable → compact → wall, with more columns each time, and remembers it', async () => {
    const wrapper = await mountPanel(many(40));
    const grid = () => wrapper.get('[data-testid="tile-grid"]');
    expect(grid().attributes('aria-colcount')).toBe('3');
    expect(wrapper.get('[data-testid="density-comfortable"]').attributes('aria-pressed')).toBe('true');

    await wrapper.get('[data-testid="density-compact"]').trigger('click');
    expect(grid().classes()).toContain('d-compact');
    expect(grid().attributes('aria-colcount')).toBe('5');
    expect(wrapper.get('[data-testid="tile-t100"]').classes()).toContain('is-compact');

    await wrapper.get('[data-testid="density-wall"]').trigger('click');
    expect(grid().attributes('aria-colcount')).toBe('12');
    expect(wrapper.find('[data-testid="tile-t100"] [data-testid="tile-name"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="tile-t100"] [data-testid="tile-number"]').text()).toBe('100');
    expect(JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}').density).toBe('wall');

    wrapper.unmount();
    const again = await mountPanel(many(40));
    expect(again.get('[data-testid="density-wall"]').attributes('aria-pressed')).toBe('true');
    expect(again.get('[data-testid="tile-grid"]').attributes('aria-colcount')).toBe('12');
  });

  it('takes a fixed column count and a tile size per density', async () => {
    const wrapper = await mountPanel(many(40));
    await wrapper.get('[data-testid="density-compact"]').trigger('click');
    await wrapper.get('[data-testid="tile-columns"]').setValue('4');
    expect(wrapper.get('[data-testid="tile-grid"]').attributes('aria-colcount')).toBe('4');
    await wrapper.get('[data-testid="tile-columns"]').setValue('');
    await wrapper.get('[data-testid="tile-size-l"]').trigger('click');
    expect(wrapper.get('[data-testid="tile-size-l"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="tile-grid"]').attributes('aria-colcount')).toBe('4');
    // Comfortable keeps its own size.
    await wrapper.get('[data-testid="density-comfortable"]').trigger('click');
    expect(wrapper.get('[data-testid="tile-size-m"]').attributes('aria-pressed')).toBe('true');
  });

  it('takes over the old compact switch', async () => {
    localStorage.setItem(LEGACY_KEY, 'compact');
    const wrapper = await mountPanel(many(4));
    expect(wrapper.get('[data-testid="tile-grid"]').classes()).toContain('d-compact');
    expect(localStorage.getItem(LEGACY_KEY)).toBeNull();
  });

  it('moves with the arrows by the wall’s columns', async () => {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ density: 'wall' }));
    const wrapper = await mountPanel(many(40));
    wrapper.get<HTMLElement>('[data-testid="tile-t100"]').element.focus();
    await press('ArrowRight');
    expect((document.activeElement as HTMLElement).dataset.tileId).toBe('t101');
    await press('ArrowDown');
    expect((document.activeElement as HTMLElement).dataset.tileId).toBe('t113');
    await press('End');
    expect((document.activeElement as HTMLElement).dataset.tileId).toBe('t123');
  });
});

describe('a large screen of tiles', () => {
  it('builds the first screen in one pass and the rest in later tasks, keyboard included', async () => {
    // The wall at 560 × 900 px (the height assumed before layout) holds 12 columns × ~47 rows: far over one pass.
    localStorage.setItem(PREFS_KEY, JSON.stringify({ density: 'wall' }));
    const wrapper = await mountPanel(many(400));
    const count = () => wrapper.findAll('[role="gridcell"]').length;
    const first = count();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(72);
    expect(wrapper.find('[data-testid="tile-t100"]').exists()).toBe(true);
    // 60 more tiles per frame (tile-grid-window.ts); happy-dom's frames and renders are slow, so allow seconds.
    await vi.waitFor(() => expect(count()).toBe(400), { timeout: 10_000 });
    wrapper.get<HTMLElement>('[data-testid="tile-t100"]').element.focus();
    await press('End');
    expect((document.activeElement as HTMLElement).dataset.tileId).toBe('t111');
  });

  it('builds the screen a jump of the scroll bar lands on a few tiles at a time, as a first screen', async () => {
    // The wall at the assumed 560 × 900 px holds ~560 tiles a screen: 2,000 tiles are over three screens tall.
    localStorage.setItem(PREFS_KEY, JSON.stringify({ density: 'wall' }));
    const wrapper = await mountPanel(many(2000));
    const grid = wrapper.get<HTMLElement>('[data-testid="tile-grid"]').element;
    const count = () => wrapper.findAll('[role="gridcell"]').length;
    await vi.waitFor(() => expect(count()).toBeGreaterThan(500), { timeout: 10_000 });
    (document.activeElement as HTMLElement | null)?.blur();
    grid.scrollTop = 3000;
    grid.dispatchEvent(new Event('scroll'));
    await nextTick();
    const landed = count();
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThanOrEqual(72);
    expect(wrapper.find('[data-testid="tile-t100"]').exists()).toBe(false);
    await vi.waitFor(() => expect(count()).toBeGreaterThan(landed + 30), { timeout: 10_000 });
  }, 20_000);
});

describe('WallTile', () => {
  it('shows number and state shape, and says name, state and caller in its label and tooltip', () => {
    const ringing = makeTile(101, { name: 'Anna Alt', state: 'ringing', since: Date.now() - 3000, caller: { number: '102', name: 'Ben Okafor' } });
    const wrapper = mount(WallTile, { props: { tile: ringing, tabbable: true, missed: true } });
    expect(wrapper.text()).toBe('101');
    expect(wrapper.classes()).toContain('is-ringing');
    expect(wrapper.find('svg.icon path').exists()).toBe(true);
    expect(wrapper.attributes('aria-label')).toMatch(/^Anna Alt, 101, ringing for under a minute, caller Ben Okafor · 102, missed call/);
    expect(wrapper.attributes('title')).toContain('Anna Alt · 101 · ringing\nBen Okafor · 102');
    expect(wrapper.find('[data-testid="tile-missed"]').exists()).toBe(true);
  });

  it('marks a stale lamp without its confident colour', () => {
    const wrapper = mount(WallTile, { props: { tile: makeTile(105, { state: 'busy', staleSince: Date.now() }), tabbable: false } });
    expect(wrapper.classes()).toEqual(expect.arrayContaining(['is-busy', 'is-stale']));
    expect(wrapper.attributes('data-stale')).toBe('');
  });
});

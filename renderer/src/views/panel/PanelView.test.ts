import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TileView } from '../../../../shared/tiles';
import { wireEvents } from '../../api/wire-events';
import { useTilesStore } from '../../stores/tiles';
import { createFakeApi, makeCall, makeHistorySummary, makeSnapshot, makeTile, type FakeConsoleApi } from '../../testing/fake-console-api';
import PanelView from './PanelView.vue';

enableAutoUnmount(afterEach);

let fake: FakeConsoleApi;
const realMatchMedia = window.matchMedia;
const widthDescriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');

/** The grid is 560 px wide: with 11 rem (176 px) tiles and 8 px gaps that is 3 columns. */
function gridWidth(px: number): void {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'tile-grid' ? px : 0;
    },
  });
}

async function mountPanel(tiles: TileView[]) {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ tiles }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(PanelView, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function focusedTile(): string | undefined {
  return (document.activeElement as HTMLElement | null)?.dataset.testid;
}

async function press(key: string, init: KeyboardEventInit = {}): Promise<void> {
  document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  await flushPromises();
}

beforeEach(() => {
  setActivePinia(createPinia());
  gridWidth(560);
});

afterEach(() => {
  window.matchMedia = realMatchMedia;
  if (widthDescriptor) Object.defineProperty(HTMLElement.prototype, 'clientWidth', widthDescriptor);
  vi.useRealTimers();
});

/** Front: 4 tiles → rows [a1 a2 a3] [a4]; Back: 3 tiles → [b1 b2 b3]. */
const twoGroups = (): TileView[] => [
  ...['a1', 'a2', 'a3', 'a4'].map((n) => makeTile(n, { group: 'Front' })),
  ...['b1', 'b2', 'b3'].map((n) => makeTile(n, { group: 'Back' })),
];

describe('PanelView grid', () => {
  it('moves focus in grid geometry with the arrow keys, across group headings', async () => {
    const wrapper = await mountPanel(twoGroups());
    expect(wrapper.findAll('[role="columnheader"]').map((h) => h.text())).toEqual(['Front4', 'Back3']);
    const first = wrapper.get<HTMLElement>('[data-testid="tile-ta1"]');
    expect(first.attributes('tabindex')).toBe('0');
    expect(wrapper.get('[data-testid="tile-ta2"]').attributes('tabindex')).toBe('-1');
    first.element.focus();

    await press('ArrowRight');
    expect(focusedTile()).toBe('tile-ta2');
    await press('ArrowDown'); // row 2 has one tile: the column clamps
    expect(focusedTile()).toBe('tile-ta4');
    await press('ArrowDown'); // skips the "Back" heading
    expect(focusedTile()).toBe('tile-tb1');
    await press('ArrowRight');
    await press('ArrowRight');
    expect(focusedTile()).toBe('tile-tb3');
    await press('ArrowUp');
    expect(focusedTile()).toBe('tile-ta4');
    await press('ArrowUp');
    expect(focusedTile()).toBe('tile-ta1');
    await press('End');
    expect(focusedTile()).toBe('tile-ta3');
    await press('End', { ctrlKey: true });
    expect(focusedTile()).toBe('tile-tb3');
    // The roving tabindex follows focus: exactly one tile is in the tab order.
    expect(wrapper.findAll('[tabindex="0"][role="gridcell"]').map((el) => el.attributes('data-testid'))).toEqual(['tile-tb3']);
  });

  it('shows the caller on a ringing tile and says it in the accessible label', async () => {
    const wrapper = await mountPanel([
      makeTile(101, { name: 'Anna Schmidt', state: 'ringing', since: Date.now() - 4000, caller: { number: '102', name: 'Bob' } }),
      makeTile(103, { name: 'Carl', state: 'busy', since: Date.now() - 65_000, party: { number: '0301234' } }),
    ]);
    const ringing = wrapper.get('[data-testid="tile-t101"]');
    expect(ringing.attributes('data-state')).toBe('ringing');
    expect(ringing.text()).toContain('Bob · 102');
    expect(ringing.text()).toContain('ringing');
    expect(ringing.attributes('aria-label')).toBe('Anna Schmidt, 101, ringing for under a minute, caller Bob · 102, Enter picks up');
    const busy = wrapper.get('[data-testid="tile-t103"]');
    expect(busy.text()).toContain('0301234');
    expect(busy.text()).toMatch(/1:0\d/);
  });

  it('names why a tile is unknown and gives a presence note as the description', async () => {
    const wrapper = await mountPanel([
      makeTile(110, { state: 'unknown', unknownReason: 'rejected', detail: '403 Forbidden' }),
      makeTile(111, { name: 'Mia', presence: { note: 'Lunch until 1 pm, then in the big meeting room' } }),
    ]);
    expect(wrapper.get('[data-testid="tile-t110"]').text()).toContain('rejected');
    const idle = wrapper.get('[data-testid="tile-t111"]');
    const description = document.getElementById(idle.attributes('aria-describedby') ?? '');
    expect(description?.textContent?.trim()).toBe('Lunch until 1 pm, then in the big meeting room');
    expect(idle.attributes('title')).toContain('Lunch until 1 pm, then in the big meeting room');
  });

  it('uses a steady highlight instead of blinking when the OS asks for reduced motion', async () => {
    const query = (matches: boolean) =>
      vi.fn(() => ({ matches, addEventListener: vi.fn(), removeEventListener: vi.fn() }) as unknown as MediaQueryList);
    window.matchMedia = query(false);
    const moving = await mountPanel([makeTile(101, { state: 'ringing' })]);
    expect(moving.get('[data-testid="tile-grid"]').classes()).not.toContain('reduced-motion');
    moving.unmount();
    window.matchMedia = query(true);
    const still = mount(PanelView, { attachTo: document.body });
    await flushPromises();
    expect(still.get('[data-testid="tile-grid"]').classes()).toContain('reduced-motion');
  });

  it('filters as the user types, focuses the search with / and clears it with Esc', async () => {
    const wrapper = await mountPanel([makeTile(101, { name: 'Anna' }), makeTile(102, { name: 'Bert' }), makeTile(203, { name: 'Carla' })]);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true }));
    const search = wrapper.get<HTMLInputElement>('[data-testid="tile-search"]');
    expect(document.activeElement).toBe(search.element);
    await search.setValue('20');
    expect(wrapper.findAll('[role="gridcell"]').map((el) => el.attributes('data-testid'))).toEqual(['tile-t203']);
    await search.trigger('keydown', { key: 'Escape' });
    expect(search.element.value).toBe('');
    expect(wrapper.findAll('[role="gridcell"]')).toHaveLength(3);
  });

  it('calls the tile on Enter, on the tile\'s line, and says so', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const wrapper = await mountPanel([makeTile(101, { name: 'Anna' }), makeTile(205, { name: 'Paul', line: 2, action: { kind: 'call', uri: '205' } })]);
    fake.handlers['calls.dial'] = ({ line, target }) => ({ ok: true, value: makeCall('c1', { direction: 'outgoing', state: 'dialling', line: line ?? 1, far: { number: target, uri: target } }) });
    wrapper.get<HTMLElement>('[data-testid="tile-t101"]').element.focus();
    await press('Enter');
    expect(fake.calls.filter((call) => call.command === 'calls.dial').map((call) => call.args)).toEqual([{ line: 1, target: 'sip:101@pbx.example.com' }]);
    expect(wrapper.get('[data-testid="tile-toast"]').text()).toBe('Calling Anna (101)…');
    expect(useTilesStore().lastActivation?.action).toEqual({ kind: 'call', uri: 'sip:101@pbx.example.com' });

    await wrapper.get('[data-testid="tile-t205"]').trigger('click');
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.dial').at(-1)?.args).toEqual({ line: 2, target: '205' });
    vi.advanceTimersByTime(4100);
    await flushPromises();
    expect(wrapper.find('[data-testid="tile-toast"]').exists()).toBe(false);
  });

  it('says why a tile call failed, and never dials a key without a call action', async () => {
    const wrapper = await mountPanel([makeTile(101, { name: 'Anna' }), makeTile(102, { name: 'Door', action: { kind: 'none' } })]);
    fake.handlers['calls.dial'] = () => ({ ok: false, error: { code: 'sip-error', message: 'line 1 is not registered' } });
    await wrapper.get('[data-testid="tile-t101"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="tile-toast"]').text()).toBe('Could not call Anna (101): line 1 is not registered');
    await wrapper.get('[data-testid="tile-t102"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="tile-toast"]').text()).toBe('Door: this key has no action.');
    expect(fake.calls.filter((call) => call.command === 'calls.dial')).toHaveLength(1);
  });

  it('marks the tiles of colleagues with unseen missed calls', async () => {
    const wrapper = await mountPanel([makeTile(101, { name: 'Anna' }), makeTile(102, { name: 'Bert' })]);
    expect(wrapper.find('[data-testid="tile-missed"]').exists()).toBe(false);
    fake.emit('history.changed', makeHistorySummary({ unseenMissed: 2, unseenMissedNumbers: ['102'], revision: 2 }));
    await flushPromises();
    const bert = wrapper.get('[data-testid="tile-t102"]');
    expect(bert.find('[data-testid="tile-missed"]').exists()).toBe(true);
    expect(bert.attributes('aria-label')).toContain('missed call, not seen yet');
    expect(bert.attributes('title')).toContain('missed call, not seen yet');
    expect(wrapper.get('[data-testid="tile-t101"]').find('[data-testid="tile-missed"]').exists()).toBe(false);
  });
});

describe('PanelView "Refresh lamps"', () => {
  it('renews the lamps from the toolbar and from F5, and says how many', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const wrapper = await mountPanel([makeTile(101, { staleSince: Date.now() }), makeTile(102)]);
    // The summary counts a stale lamp as stale, not as the idle it last showed.
    expect(wrapper.get('[data-testid="count-stale"]').text()).toMatch(/^Stale\s*1$/);
    expect(wrapper.get('[data-testid="count-idle"]').text()).toMatch(/^Idle\s*1$/);
    fake.handlers['blf.refresh'] = () => ({ ok: true, value: { subscriptions: 12 } });
    await wrapper.get('[data-testid="lamps-refresh"]').trigger('click');
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'blf.refresh')).toEqual([{ command: 'blf.refresh', args: {} }]);
    expect(wrapper.get('[data-testid="tile-toast"]').text()).toBe('Refreshing 12 lamp subscriptions');

    fake.handlers['blf.refresh'] = () => ({ ok: false, error: { code: 'transport-error', message: 'engine not reachable' } });
    const f5 = new KeyboardEvent('keydown', { key: 'F5', bubbles: true, cancelable: true });
    window.dispatchEvent(f5);
    await flushPromises();
    // F5 must not also reload the page (and drop the panel).
    expect(f5.defaultPrevented).toBe(true);
    expect(fake.calls.filter((call) => call.command === 'blf.refresh')).toHaveLength(2);
    expect(wrapper.get('[data-testid="tile-toast"]').text()).toBe('Lamps not refreshed: engine not reachable');
  });

  it('spells out a focused stale tile in the strip below the grid', async () => {
    const since = new Date('2025-03-04T14:02:00').getTime();
    const wrapper = await mountPanel([makeTile(101, { name: 'Anna', state: 'busy', since: since - 9000, staleSince: since })]);
    wrapper.get<HTMLElement>('[data-testid="tile-t101"]').element.focus();
    await flushPromises();
    expect(wrapper.get('[data-testid="focused-tile"]').text()).toMatch(/^Anna\s*101\s*stale since 14:02\s*busy$/);
  });
});

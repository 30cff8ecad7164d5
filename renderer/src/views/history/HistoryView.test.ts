import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryQuery, HistorySummary } from '../../../../shared/history';
import App from '../../App.vue';
import { wireEvents } from '../../api/wire-events';
import AppSidebar from '../../components/AppSidebar.vue';
import { useView } from '../../composables/use-view';
import { createFakeApi, makeCall, makeHistoryEntry, makeHistorySummary, makeSnapshot, makeTile, type FakeConsoleApi } from '../../testing/fake-console-api';
import HistoryView from './HistoryView.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;

const ENTRIES: HistoryEntry[] = [
  makeHistoryEntry('h1', { outcome: 'missed', answeredAt: undefined, tries: 3, seen: false, far: { number: '205', uri: 'sip:205@pbx.example.com' }, line: 2 }),
  makeHistoryEntry('h2', { direction: 'outgoing', far: { name: 'Acme Ltd', number: '+4930123456', uri: 'sip:+4930123456@trunk.example.com' } }),
  makeHistoryEntry('h3', { direction: 'outgoing', outcome: 'unanswered', answeredAt: undefined, cause: 'busy' }),
];

async function start(summary: HistorySummary = makeHistorySummary()): Promise<void> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ history: summary, tiles: [makeTile(205, { name: 'Paul Zimmermann' })] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'history.list': ({ filter = 'all' }: HistoryQuery) => {
      const entries = ENTRIES.filter((entry) =>
        filter === 'missed' ? entry.outcome === 'missed' : filter === 'all' ? true : entry.direction === filter,
      );
      return { ok: true, value: { entries, total: entries.length } };
    },
    'history.markSeen': () => ({ ok: true, value: makeHistorySummary({ revision: summary.revision + 1 }) }),
    'history.clear': () => ({ ok: true, value: makeHistorySummary({ revision: summary.revision + 2 }) }),
    'calls.dial': ({ target }) => ({ ok: true, value: makeCall('d1', { direction: 'outgoing', state: 'dialling', far: { number: target, uri: target } }) }),
  });
  await wireEvents(fake.api).ready;
}

beforeEach(() => {
  setActivePinia(createPinia());
  useView().go('panel');
});

describe('HistoryView', () => {
  it('lists calls with name, tries, duration or outcome, and filters them', async () => {
    await start();
    const wrapper = mount(HistoryView, { attachTo: document.body });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="history-row"]');
    expect(rows).toHaveLength(3);
    expect(rows[0]?.text()).toContain('Paul Zimmermann');
    expect(rows[0]?.get('[data-testid="history-tries"]').text()).toBe('3×');
    expect(rows[0]?.get('[data-testid="history-result"]').text()).toBe('missed');
    expect(rows[1]?.text()).toContain('Acme Ltd');
    expect(rows[1]?.get('[data-testid="history-result"]').text()).toBe('1 min 0 s');
    expect(rows[2]?.get('[data-testid="history-result"]').text()).toBe('not answered');

    await wrapper.get('[data-testid="history-filter-missed"]').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="history-row"]')).toHaveLength(1);
    expect(wrapper.get('[data-testid="history-filter-missed"]').attributes('aria-pressed')).toBe('true');
    expect(fake.calls.filter((call) => call.command === 'history.list').at(-1)?.args).toEqual({ filter: 'missed', limit: 50 });
  });

  it('calls back on the line of the call', async () => {
    await start();
    const wrapper = mount(HistoryView, { attachTo: document.body });
    await flushPromises();
    const buttons = wrapper.findAll('[data-testid="history-callback"]');
    await buttons[0]?.trigger('click');
    await flushPromises();
    await buttons[1]?.trigger('click');
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.dial').map((call) => call.args)).toEqual([
      { line: 2, target: '205' },
      { line: 1, target: '+4930123456' },
    ]);
  });

  it('clears the history only after confirmation', async () => {
    await start();
    const wrapper = mount(HistoryView, { attachTo: document.body });
    await flushPromises();
    await wrapper.get('[data-testid="history-clear"]').trigger('click');
    await wrapper.get('[data-testid="history-clear-cancel"]').trigger('click');
    expect(fake.calls.some((call) => call.command === 'history.clear')).toBe(false);
    await wrapper.get('[data-testid="history-clear"]').trigger('click');
    await wrapper.get('[data-testid="history-clear-confirm"]').trigger('click');
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'history.clear')).toHaveLength(1);
  });

  it('counts unseen missed calls on the sidebar and in the title, and opening History marks them seen', async () => {
    await start(makeHistorySummary({ unseenMissed: 2, unseenMissedNumbers: ['205'] }));
    const sidebar = mount(AppSidebar, { attachTo: document.body });
    const app = mount(App, { attachTo: document.body });
    await flushPromises();
    expect(sidebar.get('[data-testid="sidebar-history-badge"]').text()).toContain('2');
    expect(document.title).toBe('(2) Attendant Console');
    expect(fake.calls.some((call) => call.command === 'history.markSeen')).toBe(false);

    window.dispatchEvent(new KeyboardEvent('keydown', { key: '7', altKey: true, bubbles: true, cancelable: true }));
    await flushPromises();
    expect(app.find('[data-testid="history-view"]').exists()).toBe(true);
    expect(fake.calls.filter((call) => call.command === 'history.markSeen')).toHaveLength(1);
    expect(sidebar.find('[data-testid="sidebar-history-badge"]').exists()).toBe(false);
    expect(document.title).toBe('Attendant Console');
  });
});

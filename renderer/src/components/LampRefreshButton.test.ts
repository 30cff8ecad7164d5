import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { refreshMessage, useBlfRefreshStore, type RefreshOutcome } from '../stores/blf-refresh';
import { useConsoleApiStore } from '../stores/console-api';
import { createFakeApi, type FakeConsoleApi } from '../testing/fake-console-api';
import LampRefreshButton from './LampRefreshButton.vue';

let fake: FakeConsoleApi;

beforeEach(() => {
  setActivePinia(createPinia());
  fake = createFakeApi({ 'blf.refresh': (args) => ({ ok: true, value: { subscriptions: args.line === undefined ? 12 : 3 } }) });
  useConsoleApiStore().api = fake.api;
});

describe('LampRefreshButton', () => {
  it('asks the engine to renew every lamp and reports how many', async () => {
    const wrapper = mount(LampRefreshButton);
    await wrapper.get('[data-testid="lamps-refresh"]').trigger('click');
    await flushPromises();
    expect(fake.calls).toEqual([{ command: 'blf.refresh', args: {} }]);
    const [outcome] = wrapper.emitted('done')?.[0] as [RefreshOutcome];
    expect(refreshMessage(outcome)).toBe('Refreshing 12 lamp subscriptions');
  });

  it('renews one line when it belongs to a line, and names the line', async () => {
    const wrapper = mount(LampRefreshButton, { props: { line: 2 } });
    await wrapper.get('[data-testid="lamps-refresh-2"]').trigger('click');
    await flushPromises();
    expect(fake.calls).toEqual([{ command: 'blf.refresh', args: { line: 2 } }]);
    expect(refreshMessage(useBlfRefreshStore().outcomes.get(2) as RefreshOutcome)).toBe('Line 2: Refreshing 3 lamp subscriptions');
  });

  it('cannot be hammered while a refresh is in flight', async () => {
    let answer: (value: { ok: true; value: { subscriptions: number } }) => void = () => {};
    fake.handlers['blf.refresh'] = () => new Promise((resolve) => (answer = resolve));
    const wrapper = mount(LampRefreshButton);
    const button = wrapper.get('[data-testid="lamps-refresh"]');
    await button.trigger('click');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.text()).toBe('Refreshing…');
    await button.trigger('click');
    expect(fake.calls).toHaveLength(1);
    answer({ ok: true, value: { subscriptions: 1 } });
    await flushPromises();
    expect(button.attributes('disabled')).toBeUndefined();
    expect(refreshMessage(useBlfRefreshStore().outcomes.get('all') as RefreshOutcome)).toBe('Refreshing 1 lamp subscription');
  });

  it('reports the engine’s error instead of a count', async () => {
    fake.handlers['blf.refresh'] = () => ({ ok: false, error: { code: 'not-found', message: 'no line 7' } });
    const wrapper = mount(LampRefreshButton, { props: { line: 7 } });
    await wrapper.get('button').trigger('click');
    await flushPromises();
    const [outcome] = wrapper.emitted('done')?.[0] as [RefreshOutcome];
    expect(refreshMessage(outcome)).toBe('Line 7: Lamps not refreshed: no line 7');
  });
});

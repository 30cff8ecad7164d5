import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../shared/contract';
import { wireEvents } from '../../api/wire-events';
import { usePresenceStore } from '../../stores/presence';
import { createFakeApi, makePresence, makeSnapshot, makeTile, type FakeConsoleApi } from '../../testing/fake-console-api';
import PresenceView from './PresenceView.vue';

enableAutoUnmount(afterEach);

let fake: FakeConsoleApi;

async function mountView(snapshot: Snapshot = makeSnapshot()) {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: snapshot }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'presence.set': (own) => ({ ok: true, value: makePresence({ own, published: own }) }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(PresenceView, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => setActivePinia(createPinia()));

describe('PresenceView', () => {
  it('sets a custom state with a note: Lunch is away with customId lunch', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="presence-custom-lunch"]').setValue(true);
    await wrapper.get('[data-testid="presence-note"]').setValue('  Back at 2  ');
    await wrapper.get('[data-testid="presence-set"]').trigger('click');
    await flushPromises();
    const sets = fake.calls.filter((call) => call.command === 'presence.set');
    expect(sets).toHaveLength(1);
    expect(sets[0]?.args).toEqual({ state: 'away', customId: 'lunch', note: 'Back at 2' });
    expect(wrapper.get('[data-testid="presence-published"]').text()).toBe('Lunch — Back at 2');
  });

  it('sets on Enter in the radio group', async () => {
    const wrapper = await mountView();
    const radio = wrapper.get('[data-testid="presence-state-dnd"]');
    await radio.setValue(true);
    await radio.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'presence.set').at(-1)?.args).toEqual({ state: 'dnd' });
  });

  it('shows a failed set and keeps the published state', async () => {
    const wrapper = await mountView();
    fake.handlers['presence.set'] = () => ({ ok: false, error: { code: 'sip-error', message: 'no line is registered' } });
    await wrapper.get('[data-testid="presence-state-away"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="presence-error"]').text()).toContain('no line is registered');
    expect(wrapper.get('[data-testid="presence-published"]').text()).toBe('Available');
  });

  it('says when the state was set automatically', async () => {
    const wrapper = await mountView(makeSnapshot({ presence: makePresence({ own: { state: 'available' }, published: { state: 'away', auto: 'away' } }) }));
    expect(wrapper.get('[data-testid="presence-published"]').text()).toBe('Away (automatically, idle)');
    usePresenceStore().apply(makePresence({ published: { state: 'dnd', auto: 'on-the-phone' } }));
    await flushPromises();
    expect(wrapper.get('[data-testid="presence-published"]').text()).toBe('On the phone');
  });

  it('shows how each line carries the state, and the watchers', async () => {
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid="presence-line-2"]').attributes('aria-label')).toBe('Line 2 — feature codes: the PBX answered 501 to PUBLISH');
    expect(wrapper.get('[data-testid="presence-line-1"]').text()).toContain('PUBLISH');
    expect(wrapper.findAll('[data-testid="presence-watchers"] li')).toHaveLength(3);

    usePresenceStore().apply(makePresence({ watchers: [] }));
    await flushPromises();
    expect(wrapper.get('[data-testid="presence-watchers"]').text()).toContain('Nobody is watching');
  });

  it('lists messages newest first and filters as you type', async () => {
    const tiles = [
      makeTile(101, { name: 'Anna Schmidt', since: 1_000, presence: { state: 'away', note: 'Lunch' } }),
      makeTile(106, { name: 'Felix Schulz', since: 3_000, presence: { state: 'dnd', note: 'Audit until 3 pm' } }),
    ];
    const wrapper = await mountView(makeSnapshot({ tiles }));
    const names = () => wrapper.findAll('[data-testid="presence-messages"] .name').map((node) => node.text());
    expect(names()).toEqual(['Felix Schulz', 'Anna Schmidt']);
    await wrapper.get('[data-testid="presence-filter"]').setValue('lunch');
    expect(names()).toEqual(['Anna Schmidt']);
    await wrapper.get('[data-testid="presence-filter"]').setValue('nobody');
    expect(wrapper.get('[data-testid="presence-messages"]').text()).toContain('No message matches');
  });
});

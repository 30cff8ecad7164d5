import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireEvents } from '../../api/wire-events';
import { createFakeApi, makeSnapshot, makeStats, type FakeConsoleApi } from '../../testing/fake-console-api';
import BlfStatsCard from './BlfStatsCard.vue';

enableAutoUnmount(afterEach);

let fake: FakeConsoleApi;

beforeEach(async () => {
  setActivePinia(createPinia());
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ blf: makeStats({ depth: 3, received: 10 }) }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'blf.stats': () => ({ ok: true, value: makeStats({ depth: 120, bound: 5000, ratePerSecond: 10000, received: 48213, applied: 47902, coalesced: 274, rejected: 3, subscriptions: 41 }) }),
  });
  await wireEvents(fake.api).ready;
});

describe('BlfStatsCard', () => {
  it('shows the NOTIFY queue figures fetched on open and follows blf.stats events', async () => {
    const wrapper = mount(BlfStatsCard);
    await flushPromises();
    const card = wrapper.get('[data-testid="blf-stats"]');
    expect(card.get('[data-testid="blf-depth"]').text()).toBe('120');
    expect(card.text()).toContain('/ 5,000');
    expect(card.text()).toContain('10,000/s');
    for (const [name, value] of [['received', '48,213'], ['applied', '47,902'], ['coalesced', '274'], ['rejected', '3'], ['subscriptions', '41']])
      expect(card.get(`[data-testid="blf-${name}"]`).text()).toBe(value);

    fake.emit('blf.stats', makeStats({ depth: 4999, bound: 5000, coalesced: 9000 }));
    await flushPromises();
    expect(card.get('[data-testid="blf-depth"]').text()).toBe('4,999');
    expect(card.get('[data-testid="blf-coalesced"]').text()).toBe('9,000');
    expect(card.get('.queue').classes()).toContain('high');
  });
});

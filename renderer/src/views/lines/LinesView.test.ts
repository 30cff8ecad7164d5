import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import FailureBanner from '../../components/FailureBanner.vue';
import { useView } from '../../composables/use-view';
import { useConnectionStore } from '../../stores/connection';
import { useConsoleApiStore } from '../../stores/console-api';
import { useLinesStore } from '../../stores/lines';
import { useSettingsStore } from '../../stores/settings';
import { createFakeApi, makeLine, makeSettings } from '../../testing/fake-console-api';
import LinesView from './LinesView.vue';

const NOW = new Date('2025-03-04T09:15:00').getTime();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  setActivePinia(createPinia());
  useConnectionStore().loaded = true;
  useLinesStore().apply([
    makeLine(1, { displayName: 'Reception', status: 'registered', expiresAt: NOW + 3_000_000 }),
    makeLine(2, { displayName: 'Sales', transport: 'tcp', status: 'registering', isDefault: false }),
    makeLine(3, { transport: 'tls', status: 'failed', sipStatus: 408, reason: 'Request Timeout', nextRetryAt: NOW + 27_000, isDefault: false }),
    makeLine(4, { status: 'unregistered', enabled: false, isDefault: false }),
  ]);
});

// useNow's one interval must stop with the components, or the next test's fake clock never ticks it.
enableAutoUnmount(afterEach);
afterEach(() => vi.useRealTimers());

describe('LinesView', () => {
  it('shows every line with its status word, detail and default mark', () => {
    const wrapper = mount(LinesView);
    const words = [1, 2, 3, 4].map((n) => wrapper.get(`[data-testid="line-status-${n}"]`).text());
    expect(words).toEqual(['registered', 'registering', 'failed', 'unregistered']);
    const failed = wrapper.get('[data-testid="line-row-3"]');
    expect(failed.text()).toContain('408 Request Timeout');
    expect(failed.text()).toContain('TLS');
    expect(wrapper.get('[data-testid="line-row-1"]').text()).toContain('Default');
    expect(wrapper.get('[data-testid="line-row-4"]').text()).toContain('Disabled');
    expect(wrapper.get('[data-testid="line-reregister-4"]').attributes('disabled')).toBeDefined();
  });

  it('counts the retry down live and shows its absolute time', async () => {
    const wrapper = mount(LinesView);
    expect(wrapper.get('[data-testid="line-retry-3"]').text()).toBe('retry in 27 s');
    expect(wrapper.get('[data-testid="line-row-3"]').text()).toContain('at 09:15:27');
    await vi.advanceTimersByTimeAsync(2000);
    expect(wrapper.get('[data-testid="line-retry-3"]').text()).toBe('retry in 25 s');
    await vi.advanceTimersByTimeAsync(25_000);
    expect(wrapper.get('[data-testid="line-retry-3"]').text()).toBe('retrying now');
  });

  it('asks the engine to register a line when "Register now" is pressed', async () => {
    const lines = useLinesStore();
    const spy = vi.spyOn(lines, 'reregister').mockResolvedValue(true);
    const wrapper = mount(LinesView);
    await wrapper.get('[data-testid="line-reregister-3"]').trigger('click');
    expect(spy).toHaveBeenCalledWith(3);
  });
});

describe('LinesView lamps and failures', () => {
  it('renews the lamps of one line from its row and says how many, for a while', async () => {
    const fake = createFakeApi({ 'blf.refresh': () => ({ ok: true, value: { subscriptions: 7 } }) });
    useConsoleApiStore().api = fake.api;
    const wrapper = mount(LinesView);
    expect(wrapper.get('[data-testid="lamps-refresh-3"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="lamps-refresh-1"]').trigger('click');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toEqual([{ command: 'blf.refresh', args: { line: 1 } }]);
    expect(wrapper.get('[data-testid="lamps-outcome-1"]').text()).toBe('Line 1: Refreshing 7 lamp subscriptions');
    await vi.advanceTimersByTimeAsync(11_000);
    expect(wrapper.find('[data-testid="lamps-outcome-1"]').exists()).toBe(false);
  });

  it('tells rejected credentials from an unreachable PBX in the row', () => {
    useLinesStore().apply([
      makeLine(1, { status: 'failed', failure: 'auth-failed', sipStatus: 403, reason: 'Forbidden' }),
      makeLine(2, { status: 'failed', failure: 'unreachable', sipStatus: 408, reason: 'Request Timeout' }),
    ]);
    const wrapper = mount(LinesView);
    expect(wrapper.get('[data-testid="line-failure-1"]').text()).toBe('user name or password rejected');
    expect(wrapper.get('[data-testid="line-failure-2"]').text()).toBe('PBX unreachable');
  });
});

describe('LinesView before the first snapshot', () => {
  it('says it is waiting instead of claiming there are no lines', () => {
    setActivePinia(createPinia());
    const wrapper = mount(LinesView);
    expect(wrapper.find('[data-testid="lines-waiting"]').exists()).toBe(true);
    expect(wrapper.text()).not.toContain('No lines are configured');
  });
});

describe('FailureBanner', () => {
  it('names the failed line, the reason and the next retry, and disappears when it recovers', async () => {
    const wrapper = mount(FailureBanner);
    expect(wrapper.get('[data-testid="failure-banner"]').text()).toContain(
      'PBX unreachable: line 3 failed (408 Request Timeout) — next retry in 27 s',
    );
    useLinesStore().apply([makeLine(3, { status: 'registered' })]);
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-testid="failure-banner"]').exists()).toBe(false);
  });
});

describe('FailureBanner by kind of failure', () => {
  it('says the PBX rejected the credentials, not that it is unreachable, and opens that line’s settings', async () => {
    const settings = useSettingsStore();
    settings.applySaved(makeSettings());
    useLinesStore().apply([
      makeLine(2, { id: 'l2', status: 'failed', failure: 'auth-failed', sipStatus: 403, reason: 'Forbidden', nextRetryAt: NOW + 30_000 }),
    ]);
    const wrapper = mount(FailureBanner);
    const banner = wrapper.get('[data-testid="failure-banner"]');
    expect(banner.text()).toContain('Line 2: the PBX rejected the user name or password (403 Forbidden) — next retry in 30 s');
    expect(banner.text()).not.toContain('unreachable');
    await wrapper.get('[data-testid="failure-open-settings"]').trigger('click');
    expect(useView().current.value).toBe('settings');
    expect(settings.selectedId).toBe('l2');
    useView().go('panel');
  });

  it('offers no settings for an unreachable PBX (nothing there to fix)', () => {
    useLinesStore().apply([makeLine(2, { status: 'failed', failure: 'unreachable', reason: 'ECONNREFUSED' })]);
    const wrapper = mount(FailureBanner);
    expect(wrapper.get('[data-testid="failure-banner"]').text()).toContain('PBX unreachable: line 2 failed (ECONNREFUSED)');
    expect(wrapper.find('[data-testid="failure-open-settings"]').exists()).toBe(false);
  });
});

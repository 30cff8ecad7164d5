import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useConsoleApiStore } from '../../stores/console-api';
import { useTraceStore } from '../../stores/trace';
import { createFakeApi, makeTrace } from '../../testing/fake-console-api';
import DiagnosticsView from './DiagnosticsView.vue';

enableAutoUnmount(afterEach);

beforeEach(() => {
  setActivePinia(createPinia());
  useTraceStore().append([
    makeTrace(1, { time: new Date('2025-03-04T09:15:00.042').getTime() }),
    makeTrace(2, { direction: 'in', status: 401, firstLine: 'SIP/2.0 401 Unauthorized', text: 'SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm="pbx"\r\n\r\n' }),
    makeTrace(3, { method: 'OPTIONS', direction: 'in', transport: 'tcp' }),
  ]);
});

describe('DiagnosticsView', () => {
  it('lists messages with millisecond time, direction, transport and addresses', () => {
    const wrapper = mount(DiagnosticsView);
    const rows = wrapper.findAll('[data-testid="trace-row"]');
    expect(rows).toHaveLength(3);
    expect(rows[0]?.text()).toContain('09:15:00.042');
    expect(rows[0]?.text()).toContain('→');
    expect(rows[0]?.text()).toContain('127.0.0.1:5062 → 127.0.0.1:5060');
    expect(rows[2]?.text()).toContain('TCP');
  });

  it('filters as the user types and shows the whole message of a clicked row', async () => {
    const wrapper = mount(DiagnosticsView);
    await wrapper.get('[data-testid="trace-filter"]').setValue('digest realm');
    const rows = wrapper.findAll('[data-testid="trace-row"]');
    expect(rows).toHaveLength(1);
    await rows[0]!.trigger('click');
    expect(wrapper.get('[data-testid="trace-detail"] pre').text()).toContain('WWW-Authenticate: Digest realm="pbx"');
    await wrapper.get('[data-testid="trace-filter"]').setValue('nothing like this');
    expect(wrapper.text()).toContain('No message matches the filter.');
  });

  it('filters by direction', async () => {
    const wrapper = mount(DiagnosticsView);
    await wrapper.get('[data-testid="trace-direction"]').setValue('in');
    expect(wrapper.findAll('[data-testid="trace-row"]')).toHaveLength(2);
  });

  it('offers "Load older" while the engine has older pages and prepends the next one', async () => {
    const fake = createFakeApi({
      'trace.list': ({ before }) =>
        before === undefined
          ? { ok: true, value: { entries: [makeTrace(4), makeTrace(5)], nextCursor: 4 } }
          : { ok: true, value: { entries: [makeTrace(3)] } },
    });
    useConsoleApiStore().api = fake.api;
    await useTraceStore().load();
    const wrapper = mount(DiagnosticsView);
    await wrapper.get('[data-testid="trace-older"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="trace-row"]')).toHaveLength(3));
    expect(fake.calls.at(-1)?.args).toEqual({ before: 4 });
    expect(wrapper.find('[data-testid="trace-older"]').exists()).toBe(false);
  });
});

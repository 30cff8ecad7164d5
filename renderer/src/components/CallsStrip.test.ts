import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallView } from '../../../shared/calls';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeCall, makeSettings, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import { sound } from '../util/beep';
import CallsStrip from './CallsStrip.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;
const T0 = 1_700_000_000_000;

async function mountStrip(calls: CallView[], reminder = 60) {
  const settings = makeSettings();
  settings.calls = { ...settings.calls, holdReminderSeconds: reminder };
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls, settings, tiles: [makeTile(205, { name: 'Paul Zimmermann', line: 2 })] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'calls.dial': ({ target, line }) => ({ ok: true, value: makeCall('d1', { direction: 'outgoing', state: 'dialling', line: line ?? 1, far: { number: target, uri: target } }) }),
    'calls.hold': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'held' }) }),
    'calls.hangup': () => ({ ok: false, error: { code: 'not-found', message: 'the call is already over' } }),
    'calls.sendDtmf': () => ({ ok: true, value: undefined }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(CallsStrip, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

async function tick(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await flushPromises();
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

describe('CallsStrip', () => {
  it('shows each call with a live talk timer, and its actions', async () => {
    vi.useFakeTimers({ now: T0 + 65_000 });
    const wrapper = await mountStrip([
      makeCall('c1', { state: 'connected', answeredAt: T0 }),
      makeCall('c2', { direction: 'outgoing', state: 'ended', endedAt: T0 + 3000, end: { cause: 'busy', sipStatus: 486 } }),
    ]);
    const call = wrapper.get('[data-testid="call-c1"]');
    expect(call.get('[data-testid="call-state"]').text()).toBe('talking');
    expect(call.get('[data-testid="call-timer"]').text()).toBe('1:05');
    await tick(2000);
    expect(call.get('[data-testid="call-timer"]').text()).toBe('1:07');
    expect(wrapper.get('[data-testid="call-c2"]').get('[data-testid="call-state"]').text()).toBe('busy (486)');
    expect(wrapper.get('[data-testid="call-c2"]').find('[data-testid="call-hangup"]').exists()).toBe(false);

    await call.get('[data-testid="call-hold"]').trigger('click');
    await call.get('[data-testid="call-keypad"]').trigger('click');
    await wrapper.get('[data-testid="dtmf-hash"]').trigger('click');
    await call.get('[data-testid="call-hangup"]').trigger('click');
    await flushPromises();
    expect(fake.calls.slice(2).map(({ command, args }) => [command, args])).toEqual([
      ['calls.hold', { call: 'c1' }],
      ['calls.sendDtmf', { call: 'c1', digits: '#' }],
      ['calls.hangup', { call: 'c1' }],
    ]);
    expect(wrapper.get('[data-testid="call-error"]').text()).toContain('the call is already over');
  });

  it('highlights a caller held past the reminder time and beeps once', async () => {
    vi.useFakeTimers({ now: T0 });
    const beep = vi.spyOn(sound, 'beep').mockImplementation(() => undefined);
    const wrapper = await mountStrip([makeCall('c1', { state: 'held', answeredAt: T0 - 10_000, hold: { local: true, remote: false } })], 30);
    const call = () => wrapper.get('[data-testid="call-c1"]');
    expect(call().get('[data-testid="call-waited"]').text()).toBe('waiting 0:00');
    await tick(29_000);
    expect(call().attributes('data-overdue')).toBeUndefined();
    expect(beep).not.toHaveBeenCalled();
    await tick(1000);
    expect(call().attributes('data-overdue')).toBe('');
    expect(call().get('[data-testid="call-waited"]').text()).toBe('waiting 0:30');
    await tick(10_000);
    expect(beep).toHaveBeenCalledTimes(1);
    expect(call().find('[data-testid="call-resume"]').exists()).toBe(true);
    beep.mockRestore();
  });

  it('never reminds with the reminder off', async () => {
    vi.useFakeTimers({ now: T0 });
    const beep = vi.spyOn(sound, 'beep').mockImplementation(() => undefined);
    const wrapper = await mountStrip([makeCall('c1', { state: 'held', hold: { local: true, remote: false } })], 0);
    await tick(600_000);
    expect(wrapper.get('[data-testid="call-c1"]').attributes('data-overdue')).toBeUndefined();
    expect(beep).not.toHaveBeenCalled();
    beep.mockRestore();
  });

  it('dials a typed number on the chosen line, and a colleague found by name on their line', async () => {
    const wrapper = await mountStrip([]);
    const input = wrapper.get<HTMLInputElement>('[data-testid="dial-input"]');
    await input.setValue('030 123-45');
    await wrapper.get('[data-testid="dial-line"]').setValue('2');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(input.element.value).toBe('');
    await input.setValue('paul');
    expect(wrapper.get('[data-testid="dial-option-0"]').text()).toContain('Paul Zimmermann');
    await input.trigger('keydown', { key: 'ArrowDown' });
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.dial').map((call) => call.args)).toEqual([
      { line: 2, target: '03012345' },
      { line: 2, target: 'sip:205@pbx.example.com' },
    ]);
  });

  it('shows why a dial failed, and refuses text that is no number', async () => {
    const wrapper = await mountStrip([]);
    fake.handlers['calls.dial'] = () => ({ ok: false, error: { code: 'sip-error', message: 'line 1 is not registered' } });
    const input = wrapper.get<HTMLInputElement>('[data-testid="dial-input"]');
    await input.setValue('101');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(wrapper.get('[data-testid="dial-error"]').text()).toBe('Could not call 101: line 1 is not registered');
    expect(input.element.value).toBe('101');
    await input.setValue('hello world');
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.get('[data-testid="dial-error"]').text()).toMatch(/^Enter a phone number/);
  });

  it('lists the call shortcuts', async () => {
    const wrapper = await mountStrip([]);
    await wrapper.get('[data-testid="shortcuts-help"]').trigger('click');
    const text = wrapper.get('[data-testid="shortcuts-list"]').text();
    for (const keys of ['Ctrl+Shift+A', 'Ctrl+Shift+D', 'Ctrl+Shift+M', 'Ctrl+Shift+H', 'Ctrl+Shift+P', 'Ctrl+Shift+O']) expect(text).toContain(keys);
  });
});

import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallView } from '../../../shared/calls';
import { wireEvents } from '../api/wire-events';
import { runCallShortcut, shortcutForEvent } from '../composables/use-call-shortcuts';
import { createFakeApi, makeCall, makeSettings, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import IncomingCallBanner from './IncomingCallBanner.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;

async function mountBanner(calls: CallView[], voicemail?: string) {
  const settings = makeSettings();
  if (voicemail) settings.lines[1] = { ...settings.lines[1]!, voicemailCode: voicemail };
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls, settings, tiles: [makeTile(102, { name: 'Jonas Becker' })] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'calls.answer': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
    'calls.reject': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'ended' }) }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(IncomingCallBanner, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => setActivePinia(createPinia()));

describe('IncomingCallBanner', () => {
  it('is absent without a ringing call', async () => {
    const wrapper = await mountBanner([makeCall('c1', { state: 'connected' })]);
    expect(wrapper.find('[data-testid="incoming-banner"]').exists()).toBe(false);
  });

  it('names the caller from the tile when the PBX sent no name, with number and line', async () => {
    const wrapper = await mountBanner([makeCall('c1')]);
    const banner = wrapper.get('[data-testid="incoming-c1"]');
    expect(banner.get('[data-testid="banner-name"]').text()).toBe('Jonas Becker');
    expect(banner.get('[data-testid="banner-number"]').text()).toBe('102');
    expect(banner.get('[data-testid="banner-line"]').text()).toBe('Line 1 · Reception');
  });

  it('prefers the name the PBX sent, and shows the number alone when nothing is known', async () => {
    const wrapper = await mountBanner([
      makeCall('c1', { far: { name: 'Front Desk', number: '102', uri: 'sip:102@pbx.example.com' } }),
      makeCall('c2', { startedAt: 1_700_000_001_000, far: { number: '+49301234', uri: 'sip:+49301234@trunk' } }),
    ]);
    expect(wrapper.findAll('[data-testid="banner-name"]').map((el) => el.text())).toEqual(['Front Desk', '+49301234']);
    expect(wrapper.get('[data-testid="incoming-c2"]').find('[data-testid="banner-number"]').exists()).toBe(false);
  });

  it('answers and rejects through the contract', async () => {
    const wrapper = await mountBanner([makeCall('c1')]);
    await wrapper.get('[data-testid="banner-answer"]').trigger('click');
    await wrapper.get('[data-testid="banner-reject"]').trigger('click');
    await flushPromises();
    expect(fake.calls.slice(2).map(({ command, args }) => [command, args])).toEqual([
      ['calls.answer', { call: 'c1' }],
      ['calls.reject', { call: 'c1' }],
    ]);
  });

  it('offers "Send to voicemail" only on a line with a voicemail code', async () => {
    const wrapper = await mountBanner([makeCall('c1'), makeCall('c2', { line: 2, startedAt: 1_700_000_001_000 })], '*97');
    expect(wrapper.get('[data-testid="incoming-c1"]').find('[data-testid="banner-voicemail"]').exists()).toBe(false);
    await wrapper.get('[data-testid="incoming-c2"]').get('[data-testid="banner-voicemail"]').trigger('click');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ command: 'calls.reject', args: { call: 'c2', voicemail: true } });
  });

  it('answers the longest ringing call with Ctrl+Shift+A, from anywhere', async () => {
    await mountBanner([makeCall('c2', { startedAt: 1_700_000_009_000 }), makeCall('c1')]);
    expect(shortcutForEvent({ key: 'A', ctrlKey: true, shiftKey: true, altKey: false, metaKey: false })).toBe('answer');
    expect(shortcutForEvent({ key: 'a', ctrlKey: false, shiftKey: true, altKey: false, metaKey: false })).toBeUndefined();
    expect(runCallShortcut('answer')).toBe(true);
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ command: 'calls.answer', args: { call: 'c1' } });
  });
});

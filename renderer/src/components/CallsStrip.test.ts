import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mergeAudioSettings } from '../../../shared/audio-validate';
import type { CallView } from '../../../shared/calls';
import { wireEvents } from '../api/wire-events';
import { useAudioStore } from '../stores/audio';
import { createFakeApi, makeCall, makeSettings, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import { createFakeAudio, headsetDevices } from '../testing/fake-audio';
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
    'calls.mute': ({ call, muted }) => ({ ok: true, value: makeCall(call, { state: 'connected', muted }) }),
    'audio.save': (patch) => ({ ok: true, value: mergeAudioSettings(settings.audio, patch as Record<string, unknown>) }),
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
    for (const keys of ['Ctrl+Shift+A', 'Ctrl+Shift+D', 'Ctrl+Shift+M', 'Ctrl+Shift+H', 'Ctrl+Shift+P', 'Ctrl+Shift+T', 'Ctrl+Shift+O']) expect(text).toContain(keys);
    expect(text).toContain('On a call in the strip: transfer it');
    expect(text).toContain('On a ringing tile: pick up its call');
    expect(text).toContain('Shift+F10');
  });

  it('mutes and unmutes a talking call, and shows it muted', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'connected' }), makeCall('c2', { state: 'held', hold: { local: true, remote: false } })]);
    expect(wrapper.get('[data-testid="call-c2"]').find('[data-testid="call-mute"]').exists()).toBe(false);
    const mute = wrapper.get('[data-testid="call-c1"] [data-testid="call-mute"]');
    expect(mute.attributes('aria-pressed')).toBe('false');
    await mute.trigger('click');
    fake.emit('calls.changed', [makeCall('c1', { state: 'connected', muted: true })]);
    await flushPromises();
    const pressed = wrapper.get('[data-testid="call-c1"] [data-testid="call-mute"]');
    expect(pressed.attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="call-muted"]').text()).toContain('muted');
    await pressed.trigger('click');
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.mute').map((call) => call.args)).toEqual([
      { call: 'c1', muted: true },
      { call: 'c1', muted: false },
    ]);
  });

  it('shows call quality as a word with its figures, the SRTP lock, and digits the caller sent', async () => {
    const quality = { rating: 'fair' as const, mos: 3.82, lossPercent: 2.5, jitterMs: 18.2, jitterBufferMs: 60, concealedPercent: 1.25, roundTripMs: 140, remoteLossPercent: 0.5, remoteJitterMs: 4 };
    const wrapper = await mountStrip([
      makeCall('c1', { state: 'connected', dtmfReceived: '12#', media: { codec: 'PCMA', packetsSent: 500, packetsReceived: 498, telephoneEvent: true, srtp: true, quality } }),
      makeCall('c2', { state: 'connected', media: { codec: 'PCMU', packetsSent: 10, packetsReceived: 9, telephoneEvent: false } }),
    ]);
    const mark = wrapper.get('[data-testid="call-c1"] [data-testid="call-quality"]');
    expect(mark.attributes('data-rating')).toBe('fair');
    expect(mark.text()).toBe('fair');
    const title = mark.attributes('title')!;
    for (const text of ['Call quality: fair', 'MOS: 3.82', 'Loss: 2.5 %', 'Jitter: 18.2 ms', 'Jitter buffer: 60 ms', 'Concealed: 1.3 %', 'Round trip: 140 ms', 'Codec: PCMA', 'SRTP'])
      expect(title).toContain(text);
    expect(wrapper.get('[data-testid="call-c1"] [data-testid="call-srtp"]').text()).toBe('SRTP');
    expect(wrapper.get('[data-testid="call-c1"] [data-testid="call-dtmf-received"]').text()).toContain('12#');
    // No figures yet, no encryption: nothing to show.
    expect(wrapper.get('[data-testid="call-c2"]').find('[data-testid="call-quality"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="call-c2"]').find('[data-testid="call-srtp"]').exists()).toBe(false);

    fake.emit('calls.changed', [makeCall('c1', { state: 'connected', media: { codec: 'PCMA', packetsSent: 900, packetsReceived: 880, telephoneEvent: true, quality: { ...quality, rating: 'poor', mos: 2.9 } } })]);
    await flushPromises();
    expect(wrapper.get('[data-testid="call-quality"]').attributes('data-rating')).toBe('poor');
    expect(wrapper.get('[data-testid="call-quality"]').text()).toBe('poor');
  });

  it('sends digits typed while a talking call has focus to that call, never from a text field', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'connected' }), makeCall('c2', { state: 'held', hold: { local: true, remote: false } })]);
    const card = wrapper.get('[data-testid="call-c1"]');
    expect(card.attributes('tabindex')).toBe('0');
    // A held call's card takes focus too (T transfers it), but digits typed on it go nowhere.
    expect(wrapper.get('[data-testid="call-c2"]').attributes('tabindex')).toBe('0');
    for (const key of ['4', '#', 'b', 'x', 'Enter']) await card.trigger('keydown', { key });
    // With focus on a button of the card too; with Ctrl it is a shortcut, not a digit.
    await card.get('[data-testid="call-hold"]').trigger('keydown', { key: '7' });
    await card.trigger('keydown', { key: '1', ctrlKey: true });
    // The held call and the dial box keep their keys.
    await wrapper.get('[data-testid="call-c2"]').trigger('keydown', { key: '5' });
    await wrapper.get('[data-testid="dial-input"]').trigger('keydown', { key: '9' });
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.sendDtmf').map((call) => call.args)).toEqual([
      { call: 'c1', digits: '4' },
      { call: 'c1', digits: '#' },
      { call: 'c1', digits: 'B' },
      { call: 'c1', digits: '7' },
    ]);
    expect(card.get('[data-testid="call-dtmf-typed"]').text()).toContain('4#B7');
  });

  it('does not send a digit twice when the keypad of the call has focus', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'connected' })]);
    await wrapper.get('[data-testid="call-keypad"]').trigger('click');
    await wrapper.get('[data-testid="dtmf-pad"]').trigger('keydown', { key: '3' });
    await flushPromises();
    expect(fake.calls.filter((call) => call.command === 'calls.sendDtmf')).toHaveLength(1);
  });

  it('shows level meters while talking and the audio notes under the strip', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'connected', muted: true })]);
    const sound = createFakeAudio();
    const audio = useAudioStore();
    audio.attach(sound.backend);
    expect(wrapper.find('[data-testid="call-levels"]').exists()).toBe(false);
    await audio.setWanted(true);
    await flushPromises();
    expect(wrapper.find('[data-testid="call-levels"]').exists()).toBe(true);
    sound.engine!.hooks.onLevels({ input: { rmsDbfs: -30, peak: 0.1 }, output: { rmsDbfs: -12, peak: 0.5 }, playout: { underruns: 0, dropped: 0, queued: 2 } });
    await flushPromises();
    const meters = wrapper.findAll('[data-testid="call-levels"] [role="meter"]');
    expect(meters.map((meter) => meter.attributes('data-fill'))).toEqual(['0.50', '0.80']);
    expect(meters[0]!.classes()).toContain('muted');
    expect(wrapper.find('[data-testid="audio-note"]').exists()).toBe(false);

    await audio.save({ headset: { id: 'out-headset', label: 'Jabra Evolve 40 Mono' } });
    sound.changeDevices(headsetDevices().filter((device) => device.deviceId !== 'out-headset'));
    await flushPromises();
    expect(wrapper.get('[data-testid="audio-note"]').text()).toBe('Headset “Jabra Evolve 40 Mono” was unplugged — using the default output.');

    sound.engine!.hooks.onReleased();
    await flushPromises();
    const notes = wrapper.findAll('[data-testid="audio-note"]');
    expect(notes.map((note) => note.attributes('data-kind'))).toEqual(['released']);
    await wrapper.get('[data-testid="audio-reclaim"]').trigger('click');
    await flushPromises();
    expect(audio.engineState).toBe('running');
  });
});

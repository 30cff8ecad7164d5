import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../../shared/audio';
import { mergeAudioSettings } from '../../../../shared/audio-validate';
import { wireEvents } from '../../api/wire-events';
import type { DeviceInfo } from '../../audio/devices';
import { useAudioStore } from '../../stores/audio';
import { createFakeApi, makeSettings, makeSnapshot, type FakeConsoleApi } from '../../testing/fake-console-api';
import { createFakeAudio, device, headsetDevices, type FakeAudio } from '../../testing/fake-audio';
import { VIEWS, viewForShortcut } from '../registry';
import AudioView from './AudioView.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;
let sound: FakeAudio;

async function mountView(audio: Partial<AudioSettings> = {}, devices: DeviceInfo[] = headsetDevices()) {
  const settings = makeSettings();
  let stored: AudioSettings = { ...settings.audio, ...audio };
  settings.audio = stored;
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ settings }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'audio.save': (patch) => {
      stored = mergeAudioSettings(stored, patch as Record<string, unknown>);
      return { ok: true, value: stored };
    },
  });
  await wireEvents(fake.api).ready;
  sound = createFakeAudio(devices);
  useAudioStore().attach(sound.backend);
  await flushPromises();
  const wrapper = mount(AudioView, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const saves = () => fake.calls.filter((call) => call.command === 'audio.save').map((call) => call.args);
const optionTexts = (select: { findAll(selector: string): { text(): string }[] }) => select.findAll('option').map((option) => option.text());

beforeEach(() => setActivePinia(createPinia()));

describe('AudioView', () => {
  it('is a screen of its own, Alt+8', () => {
    expect(VIEWS.find((entry) => entry.id === 'audio')?.shortcut).toBe('8');
    expect(viewForShortcut({ key: '8', altKey: true, ctrlKey: false, metaKey: false })).toBe('audio');
  });

  it('offers the system default and each device, and saves a choice at once', async () => {
    const wrapper = await mountView({ ringer: { id: 'out-speakers', label: 'Built-in Speakers' } });
    const microphone = wrapper.get<HTMLSelectElement>('[data-testid="audio-microphone"]');
    expect(optionTexts(microphone)).toEqual(['System default', 'Built-in Microphone', 'Jabra Evolve 40 Mono']);
    expect(microphone.element.value).toBe('');
    expect(optionTexts(wrapper.get('[data-testid="audio-headset"]'))).toEqual(['System default', 'Built-in Speakers', 'Jabra Evolve 40 Mono']);
    expect(wrapper.get<HTMLSelectElement>('[data-testid="audio-ringer"]').element.value).toBe('out-speakers');

    await microphone.setValue('mic-headset');
    await wrapper.get('[data-testid="audio-headset"]').setValue('out-headset');
    await wrapper.get('[data-testid="audio-ringer"]').setValue('');
    await flushPromises();
    expect(saves()).toEqual([{ microphone: { id: 'mic-headset', label: 'Jabra Evolve 40 Mono' } }, { headset: { id: 'out-headset', label: 'Jabra Evolve 40 Mono' } }, { ringer: null }]);
    expect(microphone.element.value).toBe('mic-headset');
  });

  it('switches processing, sets the ringer volume and tests the ringer on the ringer output', async () => {
    const wrapper = await mountView({ ringer: { id: 'out-speakers', label: 'Built-in Speakers' } });
    const echo = wrapper.get<HTMLInputElement>('[data-testid="audio-echoCancellation"]');
    expect(echo.element.checked).toBe(true);
    expect(echo.attributes('role')).toBe('switch');
    await echo.setValue(false);
    const volume = wrapper.get<HTMLInputElement>('[data-testid="audio-ringer-volume"]');
    volume.element.value = '40';
    await volume.trigger('input');
    expect(wrapper.text()).toContain('40 %');
    await volume.trigger('change');
    await flushPromises();
    expect(saves()).toEqual([{ echoCancellation: false }, { ringerVolume: 40 }]);
    await wrapper.get('[data-testid="audio-test-ringer"]').trigger('click');
    expect(sound.played.at(-1)).toEqual({ tone: 'test', output: { deviceId: 'out-speakers', volume: 0.4 } });
  });

  it('shows the live microphone level', async () => {
    const wrapper = await mountView();
    expect(sound.meters).toHaveLength(1);
    sound.meters[0]!.emit({ rmsDbfs: -15, peak: 0.4 });
    await flushPromises();
    const meter = wrapper.get('[data-testid="audio-input-meter"]');
    expect(meter.attributes('role')).toBe('meter');
    expect(meter.attributes('aria-valuenow')).toBe('-15');
    expect(meter.attributes('data-fill')).toBe('0.75');
    wrapper.unmount();
    await flushPromises();
    expect(sound.meters[0]!.stopped).toBe(true);
  });

  it('asks for the microphone only on a click when the browser does not name the devices yet', async () => {
    const hidden = [device('audioinput', '', ''), device('audiooutput', '', '')];
    const wrapper = await mountView({ headset: { id: 'out-headset', label: 'Jabra Evolve 40 Mono' } }, hidden);
    expect(sound.meters).toHaveLength(0);
    expect(wrapper.get('[data-testid="audio-mic-status"]').text()).toContain('once the microphone is allowed');
    // The saved choice stays visible even though it cannot be verified yet.
    expect(optionTexts(wrapper.get('[data-testid="audio-headset"]'))).toEqual(['System default', 'Jabra Evolve 40 Mono']);
    sound.micStatus = 'denied';
    await wrapper.get('[data-testid="audio-allow-mic"]').trigger('click');
    await flushPromises();
    expect(sound.meters).toHaveLength(1);
    expect(wrapper.get('[data-testid="audio-mic-status"]').text()).toContain('The browser blocks the microphone');
  });

  it('marks a chosen device that is not connected, and notes it', async () => {
    const wrapper = await mountView({ headset: { id: 'gone', label: 'USB Headset' } });
    const headset = wrapper.get<HTMLSelectElement>('[data-testid="audio-headset"]');
    expect(headset.element.selectedOptions[0]?.text).toBe('USB Headset (not connected — using the default)');
    expect(wrapper.get('[data-testid="audio-note"]').text()).toBe('Headset “USB Headset” is not connected — using the default output.');
  });

  it('takes a change back and says why when the save fails', async () => {
    const wrapper = await mountView();
    fake.handlers['audio.save'] = () => ({ ok: false, error: { code: 'invalid-settings', message: 'Audio: the microphone id must be a device id of 1–256 characters' } });
    const microphone = wrapper.get<HTMLSelectElement>('[data-testid="audio-microphone"]');
    await microphone.setValue('mic-headset');
    await flushPromises();
    expect(wrapper.get('[data-testid="audio-save-error"]').text()).toContain('Audio setting not saved: Audio: the microphone id must be');
    expect(microphone.element.value).toBe('');
  });
});

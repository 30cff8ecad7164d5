import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../shared/audio';
import { mergeAudioSettings } from '../../../shared/audio-validate';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeSettings, makeSnapshot, type FakeConsoleApi } from '../testing/fake-console-api';
import { createFakeAudio, headsetDevices, type FakeAudio } from '../testing/fake-audio';
import { audioNoteText } from '../util/audio-text';
import { useAudioStore } from './audio';
import { useSettingsStore } from './settings';

let fake: FakeConsoleApi;
let sound: FakeAudio;
let stored: AudioSettings;

async function start(audio: Partial<AudioSettings> = {}): Promise<ReturnType<typeof useAudioStore>> {
  const settings = makeSettings();
  stored = { ...settings.audio, ...audio };
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
  sound = createFakeAudio();
  const store = useAudioStore();
  store.attach(sound.backend);
  await flushPromises();
  return store;
}

const JABRA = 'Jabra Evolve 40 Mono';

beforeEach(() => setActivePinia(createPinia()));

describe('audio store', () => {
  it('lists the devices and saves a choice with its label through audio.save', async () => {
    const audio = await start();
    expect(audio.inputs.map((device) => device.label)).toEqual(['Built-in Microphone', JABRA]);
    expect(await audio.chooseRole('headset', 'out-headset')).toBe(true);
    expect(await audio.chooseRole('microphone', '')).toBe(true);
    expect(fake.calls.filter((call) => call.command === 'audio.save').map((call) => call.args)).toEqual([
      { headset: { id: 'out-headset', label: JABRA } },
      { microphone: null },
    ]);
    expect(useSettingsStore().saved?.audio.headset).toEqual({ id: 'out-headset', label: JABRA });
    expect(audio.current.headset?.id).toBe('out-headset');
    expect(audio.resolved.headset.deviceId).toBe('out-headset');
  });

  it('shows a change at once and takes it back, with the error, when the save fails', async () => {
    const audio = await start();
    let answer!: (value: unknown) => void;
    fake.handlers['audio.save'] = () =>
      new Promise((resolve) => {
        answer = resolve as (value: unknown) => void;
      });
    const saving = audio.setFlag('echoCancellation', false);
    await flushPromises();
    expect(audio.current.echoCancellation).toBe(false);
    expect(audio.saving).toBe(1);
    answer({ ok: false, error: { code: 'invalid-settings', message: 'Audio: echoCancellation must be true or false', field: 'audio.echoCancellation' } });
    expect(await saving).toBe(false);
    expect(audio.current.echoCancellation).toBe(true);
    expect(audio.saveError?.message).toBe('Audio: echoCancellation must be true or false');
    expect(audio.saving).toBe(0);
  });

  it('runs the engine only while a call needs audio, with the chosen devices and processing', async () => {
    const audio = await start({ microphone: { id: 'mic-headset', label: JABRA }, headset: { id: 'out-headset', label: JABRA }, noiseSuppression: false });
    expect(sound.engines).toHaveLength(0);
    await audio.setWanted(true);
    expect(audio.engineState).toBe('running');
    expect(sound.engine?.config).toEqual({
      mic: { deviceId: 'mic-headset', exact: true, echoCancellation: true, noiseSuppression: false, autoGainControl: true },
      headsetId: 'out-headset',
    });
    sound.engine!.hooks.onLevels({ input: { rmsDbfs: -20, peak: 0.3 }, output: { rmsDbfs: -30, peak: 0.1 }, playout: { underruns: 2, dropped: 0, queued: 2 } });
    expect(audio.inputLevel.rmsDbfs).toBe(-20);
    expect(audio.outputLevel.rmsDbfs).toBe(-30);
    expect(audio.playout?.underruns).toBe(2);
    await audio.setWanted(false);
    expect(sound.engine?.log).toEqual(['start', 'stop']);
    expect(audio.engineState).toBe('off');
    expect(audio.inputLevel.peak).toBe(0);
  });

  it('reopens the microphone when processing changes mid-call', async () => {
    const audio = await start();
    await audio.setWanted(true);
    await audio.setFlag('autoGainControl', false);
    await flushPromises();
    expect(sound.engine?.log).toEqual(['start', 'mic:default']);
    expect(sound.engine?.config?.mic.autoGainControl).toBe(false);
  });

  it('falls back to the default output when the headset is unplugged mid-call, says so, and returns when it is back', async () => {
    const audio = await start({ headset: { id: 'out-headset', label: JABRA }, microphone: { id: 'mic-headset', label: JABRA } });
    await audio.setWanted(true);
    expect(audio.callNotes).toEqual([]);

    sound.changeDevices(headsetDevices().filter((device) => device.label !== JABRA));
    await flushPromises();
    expect(sound.engine?.log).toEqual(['start', 'mic:default', 'headset:default']);
    expect(audio.callNotes.map(audioNoteText)).toEqual([
      `Microphone “${JABRA}” was unplugged — using the default microphone.`,
      `Headset “${JABRA}” was unplugged — using the default output.`,
    ]);
    // The choice itself stays: plugging the headset back in takes it up again.
    expect(audio.current.headset?.id).toBe('out-headset');

    sound.changeDevices(headsetDevices());
    await flushPromises();
    expect(sound.engine?.log.slice(3)).toEqual(['mic:mic-headset', 'headset:out-headset']);
    expect(audio.callNotes).toEqual([]);
  });

  it('says "not connected" for a device missing from the start, near the strip only while it would be used', async () => {
    const audio = await start({ ringer: { id: 'out-usb', label: 'USB Speakerphone' } });
    expect(audio.notes.map(audioNoteText)).toEqual(['Ringer output “USB Speakerphone” is not connected — ringing on the default output.']);
    expect(audio.callNotes).toEqual([]);
    audio.setTones(['ring']);
    await flushPromises();
    expect(audio.callNotes.map((note) => note.id)).toEqual(['missing-ringer']);
    expect(sound.tones.get('ring')).toEqual({ deviceId: undefined, volume: 0.8 });
  });

  it('keeps the call running with silence when the microphone is blocked, and says so', async () => {
    const audio = await start();
    sound.micStatus = 'denied';
    await audio.setWanted(true);
    expect(audio.engineState).toBe('running');
    expect(audio.callNotes.map((note) => note.kind)).toEqual(['micDenied']);
    expect(audioNoteText(audio.callNotes[0]!)).toMatch(/caller hears silence/);
  });

  it('stops when another window claims the audio, and takes it back on request', async () => {
    const audio = await start();
    await audio.setWanted(true);
    sound.engine!.hooks.onReleased();
    expect(audio.engineState).toBe('released');
    expect(audio.callNotes.map(audioNoteText)).toEqual(['Call audio is in another window of the console: this window is silent.']);
    await audio.reclaim();
    expect(sound.engines).toHaveLength(2);
    expect(audio.engineState).toBe('running');
    expect(audio.callNotes).toEqual([]);
  });

  it('says why the engine could not start, and tries again with the next call', async () => {
    const audio = await start();
    sound.failStart = 'no audio output device';
    await audio.setWanted(true);
    expect(audio.engineState).toBe('failed');
    expect(audio.callNotes.map(audioNoteText)).toEqual(['Call audio could not start: no audio output device']);
    await audio.setWanted(false);
    sound.failStart = undefined;
    await audio.setWanted(true);
    expect(audio.engineState).toBe('running');
  });

  it('plays tones where they belong and follows the ringer volume while it rings', async () => {
    const audio = await start({ ringer: { id: 'out-speakers', label: 'Built-in Speakers' }, headset: { id: 'out-headset', label: JABRA }, ringerVolume: 60 });
    audio.setTones(['ring']);
    await flushPromises();
    expect(sound.tones.get('ring')).toEqual({ deviceId: 'out-speakers', volume: 0.6 });
    audio.previewRingerVolume(30);
    await flushPromises();
    expect(sound.tones.get('ring')?.volume).toBe(0.3);
    audio.setTones(['waiting', 'ringback']);
    await flushPromises();
    expect([...sound.tones.keys()].sort()).toEqual(['ringback', 'waiting']);
    expect(sound.tones.get('waiting')?.deviceId).toBe('out-headset');
    audio.testRinger();
    expect(sound.played.at(-1)).toEqual({ tone: 'test', output: { deviceId: 'out-speakers', volume: 0.3 } });
  });

  it('shows the microphone level on the Audio screen while no call runs, then the call’s', async () => {
    const audio = await start();
    audio.setMeterWanted(true);
    await flushPromises();
    expect(sound.meters).toHaveLength(1);
    expect(audio.meterMic.status).toBe('open');
    sound.meters[0]!.emit({ rmsDbfs: -25, peak: 0.2 });
    expect(audio.inputLevel.rmsDbfs).toBe(-25);
    await audio.setWanted(true);
    await flushPromises();
    expect(sound.meters[0]!.stopped).toBe(true);
    audio.setMeterWanted(false);
    await audio.setWanted(false);
    await flushPromises();
    expect(sound.meters).toHaveLength(1);
  });
});

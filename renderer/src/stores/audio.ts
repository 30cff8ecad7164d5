/**
 * Audio (issue 10 §2–3): the devices, the choices and processing flags from `settings.audio`, the call audio
 * engine's state and levels, the tones, and the notes that tell the receptionist when audio is not as chosen
 * (a device unplugged, the microphone blocked, the audio taken by another window).
 *
 * The browser parts come through an {@link AudioBackend} attached once by the app (`composables/use-call-audio.ts`);
 * without one (tests of other stores, a browser without WebAudio) the store only keeps settings. Each change on the
 * Audio screen is saved at once with `audio.save`; until the engine confirms it, the change shows optimistically
 * and is taken back (with the error shown) when the save fails.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { AUDIO_DEVICE_ROLES, DEFAULT_AUDIO_SETTINGS, type AudioDeviceRole, type AudioSettings } from '../../../shared/audio';
import type { AudioSettingsPatch } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import type { AudioBackend, AudioEngine, EngineLevels, MicConfig, MicMeter, MicResult, ToneKind, ToneOutput } from '../audio/backend';
import { choiceFor, chooseDevice, choosable, listKnown, roleKind, type DeviceInfo, type DeviceResolution } from '../audio/devices';
import { SILENCE_DBFS, type Level } from '../audio/frame-assembler';
import { useConsoleApiStore } from './console-api';
import { useSettingsStore } from './settings';

/**
 * `off`: no call needs audio. `starting` / `running`: the engine opens / runs. `released`: another window took the
 * audio. `failed`: the engine could not start (no audio device, no WebAudio).
 */
export type EngineState = 'off' | 'starting' | 'running' | 'released' | 'failed';

export type AudioNoteKind = 'released' | 'failed' | 'micDenied' | 'micUnavailable' | 'suspended' | 'deviceMissing';

/** Something about audio the receptionist has to know, shown near the calls strip and on the Audio screen. */
export interface AudioNote {
  /** Stable per cause, for list keys and tests. */
  id: string;
  kind: AudioNoteKind;
  role?: AudioDeviceRole;
  /** The missing device's label. */
  label?: string;
  /** It was connected earlier in this session (so it was unplugged, rather than never there). */
  gone?: boolean;
  detail?: string;
}

/** Tones in the headset play at this volume (0–1): audible over silence, not startling. */
export const HEADSET_TONE_VOLUME = 0.35;

const SILENT: Level = { rmsDbfs: SILENCE_DBFS, peak: 0 };
const SILENT_LEVELS = { input: SILENT, output: SILENT };
/** The browser's processing of the microphone, each a switch on the Audio screen. */
export const AUDIO_FLAGS = ['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const;
export type AudioFlag = (typeof AUDIO_FLAGS)[number];

/** `saved` with `patch` laid over it; a `null` device is the system default. */
function overlay(saved: AudioSettings, patch: AudioSettingsPatch): AudioSettings {
  const next = { ...saved } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as unknown as AudioSettings;
}

export const useAudioStore = defineStore('audio', () => {
  const settings = useSettingsStore();
  let backend: AudioBackend | undefined;
  /** Whether a backend is attached (reactive, for the screen: no backend = no devices to list). */
  const available = ref(false);
  const canChooseOutput = ref(false);

  const devices = ref<DeviceInfo[]>([]);
  /** Ids and labels of every device seen this session: a missing one that is among them was unplugged. */
  const seen = ref<string[]>([]);
  const optimistic = ref<AudioSettingsPatch>({});
  const saving = ref(0);
  const saveError = shallowRef<AppError | undefined>();

  const engineState = ref<EngineState>('off');
  const engineError = ref<string | undefined>();
  const mic = ref<MicResult>({ status: 'off' });
  const headsetOk = ref(true);
  const suspended = ref(false);
  const levels = shallowRef<{ input: Level; output: Level }>(SILENT_LEVELS);
  const playout = shallowRef<EngineLevels['playout'] | undefined>();
  /** A call needs audio (set by the call audio composable). */
  const wanted = ref(false);
  /** Tones that should sound now (set by the call audio composable). */
  const tones = ref<ToneKind[]>([]);

  /** The Audio screen's microphone meter (while no call runs the engine). */
  const meterWanted = ref(false);
  const meterLevel = shallowRef<Level>(SILENT);
  const meterMic = ref<MicResult>({ status: 'off' });

  const current = computed<AudioSettings>(() => overlay(settings.saved?.audio ?? DEFAULT_AUDIO_SETTINGS, optimistic.value));
  const resolved = computed<Record<AudioDeviceRole, DeviceResolution>>(() => ({
    microphone: chooseDevice(current.value.microphone, devices.value, 'audioinput'),
    headset: chooseDevice(current.value.headset, devices.value, 'audiooutput'),
    ringer: chooseDevice(current.value.ringer, devices.value, 'audiooutput'),
  }));
  const inputs = computed(() => choosable(devices.value, 'audioinput'));
  const outputs = computed(() => choosable(devices.value, 'audiooutput'));
  /** Whether device names are known (the browser shows them only after the microphone was allowed once). */
  const labelsKnown = computed(() => listKnown(devices.value, 'audioinput'));
  const engineActive = computed(() => engineState.value === 'starting' || engineState.value === 'running');
  const micConfig = computed<MicConfig>(() => ({
    deviceId: resolved.value.microphone.deviceId,
    exact: !resolved.value.microphone.unverified,
    echoCancellation: current.value.echoCancellation,
    noiseSuppression: current.value.noiseSuppression,
    autoGainControl: current.value.autoGainControl,
  }));
  /** The microphone level: the engine's during a call, else the Audio screen's meter. */
  const inputLevel = computed(() => (engineActive.value ? levels.value.input : meterLevel.value));
  const outputLevel = computed(() => levels.value.output);

  const notes = computed<AudioNote[]>(() => {
    const list: AudioNote[] = [];
    if (engineState.value === 'released') list.push({ id: 'released', kind: 'released' });
    if (engineState.value === 'failed') list.push({ id: 'failed', kind: 'failed', detail: engineError.value });
    if (engineActive.value && mic.value.status === 'denied') list.push({ id: 'micDenied', kind: 'micDenied' });
    if (engineActive.value && mic.value.status === 'unavailable') list.push({ id: 'micUnavailable', kind: 'micUnavailable', detail: mic.value.detail });
    if (engineActive.value && suspended.value) list.push({ id: 'suspended', kind: 'suspended' });
    for (const role of AUDIO_DEVICE_ROLES) {
      const choice = current.value[role];
      if (!choice || !resolved.value[role].missing) continue;
      const gone = seen.value.includes(choice.id) || (!!choice.label && seen.value.includes(`label:${choice.label}`));
      list.push({ id: `missing-${role}`, kind: 'deviceMissing', role, label: choice.label || choice.id, gone });
    }
    return list;
  });

  /** The notes that matter near the calls strip now: device notes only while that device would be in use. */
  const callNotes = computed(() =>
    notes.value.filter((note) => {
      if (note.kind !== 'deviceMissing') return true;
      return note.role === 'ringer' ? tones.value.includes('ring') : engineActive.value;
    }),
  );

  // ---------------------------------------------------------------- devices

  async function refreshDevices(): Promise<void> {
    if (!backend) return;
    const list = await backend.devices.enumerate();
    devices.value = list;
    const known = new Set(seen.value);
    for (const device of list) {
      if (!device.deviceId || device.deviceId === 'default') continue;
      known.add(device.deviceId);
      if (device.label) known.add(`label:${device.label}`);
    }
    if (known.size !== seen.value.length) seen.value = [...known];
  }

  // ---------------------------------------------------------------- engine

  let engine: AudioEngine | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Engine operations run one after another, so a stop never overtakes the start it follows. */
  function serial(task: () => Promise<void>): Promise<void> {
    chain = chain.then(task).catch(() => undefined);
    return chain;
  }

  function engineHooks() {
    return {
      onLevels(next: EngineLevels) {
        levels.value = { input: next.input, output: next.output };
        playout.value = next.playout;
      },
      onReleased() {
        engine = undefined;
        engineState.value = 'released';
        mic.value = { status: 'off' };
        suspended.value = false;
        levels.value = SILENT_LEVELS;
      },
      onSuspended(value: boolean) {
        suspended.value = value;
      },
      onMicEnded() {
        // Unplugged or revoked: find out what is there now, then open the microphone the choice resolves to.
        void serial(async () => {
          await refreshDevices();
          if (engine) mic.value = await engine.setMicrophone(micConfig.value);
        });
      },
    };
  }

  async function startNow(): Promise<void> {
    if (!backend || engine || !wanted.value || engineState.value === 'released') return;
    const next = backend.createEngine(engineHooks());
    engine = next;
    engineState.value = 'starting';
    engineError.value = undefined;
    try {
      const started = await next.start({ mic: micConfig.value, headsetId: resolved.value.headset.deviceId });
      if (engine !== next) return;
      mic.value = started.mic;
      headsetOk.value = started.headsetOk;
      engineState.value = 'running';
    } catch (error) {
      if (engine !== next) return;
      engine = undefined;
      engineState.value = 'failed';
      engineError.value = error instanceof Error ? error.message : String(error);
      return;
    }
    // Device names appear once the microphone was allowed: list them again.
    await refreshDevices();
  }

  async function stopNow(): Promise<void> {
    const running = engine;
    engine = undefined;
    if (running) await running.stop();
    if (engineState.value !== 'released' || !wanted.value) engineState.value = 'off';
    mic.value = { status: 'off' };
    suspended.value = false;
    levels.value = SILENT_LEVELS;
    playout.value = undefined;
  }

  /** Whether some call needs audio: starts or stops the engine. A released engine waits for the next call. */
  function setWanted(value: boolean): Promise<void> {
    wanted.value = value;
    return serial(value ? startNow : stopNow);
  }

  /** Takes the audio back from another window (the note's button). */
  function reclaim(): Promise<void> {
    if (engineState.value === 'released' || engineState.value === 'failed') engineState.value = 'off';
    return serial(startNow);
  }

  // While running, follow the chosen devices and processing: a device unplugged mid-call falls back to the default.
  watch(
    // Not `exact`: the list becoming known after the first permission does not change the microphone.
    () => JSON.stringify({ ...micConfig.value, exact: undefined }),
    () => {
      if (engineState.value !== 'running') return;
      void serial(async () => {
        if (engine) mic.value = await engine.setMicrophone(micConfig.value);
      });
    },
  );
  watch(
    () => resolved.value.headset.deviceId,
    (deviceId) => {
      if (engineState.value !== 'running') return;
      void serial(async () => {
        if (engine) headsetOk.value = await engine.setHeadset(deviceId);
      });
    },
  );

  // ---------------------------------------------------------------- tones

  function toneOutput(tone: ToneKind): ToneOutput {
    if (tone === 'ring' || tone === 'test') return { deviceId: resolved.value.ringer.deviceId, volume: current.value.ringerVolume / 100 };
    return { deviceId: resolved.value.headset.deviceId, volume: HEADSET_TONE_VOLUME };
  }

  /** Sets the tones that should sound (the composable decides from the calls). */
  function setTones(next: readonly ToneKind[]): void {
    tones.value = [...next];
  }

  watch(
    () => JSON.stringify([tones.value, toneOutput('ring'), toneOutput('waiting')]),
    () => {
      if (!backend) return;
      for (const tone of ['ring', 'waiting', 'ringback'] as const) {
        if (tones.value.includes(tone)) backend.tones.play(tone, toneOutput(tone));
        else backend.tones.stop(tone);
      }
    },
  );

  /** Plays one ring on the ringer output at the ringer volume. */
  function testRinger(): void {
    backend?.tones.play('test', toneOutput('test'));
  }

  // ---------------------------------------------------------------- microphone meter (Audio screen)

  let meter: MicMeter | undefined;
  let meterToken = 0;

  async function syncMeter(): Promise<void> {
    const token = ++meterToken;
    meter?.stop();
    meter = undefined;
    meterLevel.value = SILENT;
    if (!backend || !meterWanted.value || engineActive.value) {
      if (!meterWanted.value) meterMic.value = { status: 'off' };
      return;
    }
    const opened = await backend.openMicMeter(micConfig.value, (level) => {
      if (token === meterToken) meterLevel.value = level;
    });
    if (token !== meterToken) return opened.stop();
    meter = opened;
    meterMic.value = opened.result;
    await refreshDevices();
  }

  /** The Audio screen shows the microphone level while it is open. */
  function setMeterWanted(value: boolean): void {
    meterWanted.value = value;
  }

  // A string key: listing the devices again (which the meter does) must not look like a change and loop.
  watch(
    () => JSON.stringify([meterWanted.value, engineActive.value, { ...micConfig.value, exact: undefined }]),
    () => void syncMeter(),
  );

  // ---------------------------------------------------------------- saving

  /** Saves `patch` with `audio.save`; shown at once, taken back when the save fails. Returns whether it saved. */
  async function save(patch: AudioSettingsPatch): Promise<boolean> {
    optimistic.value = { ...optimistic.value, ...patch };
    const api = useConsoleApiStore().api;
    let ok = false;
    saving.value++;
    try {
      const result = api ? await api.invoke('audio.save', patch) : { ok: false as const, error: { code: 'transport-error' as const, message: 'not connected to the console engine' } };
      if (result.ok) {
        settings.applyAudio(result.value);
        saveError.value = undefined;
        ok = true;
      } else saveError.value = result.error;
    } finally {
      saving.value--;
      // Drop what this save sent unless a later change to the same field is still on its way.
      const rest = { ...optimistic.value } as Record<string, unknown>;
      for (const [key, value] of Object.entries(patch)) if (JSON.stringify(rest[key]) === JSON.stringify(value)) delete rest[key];
      optimistic.value = rest as AudioSettingsPatch;
    }
    return ok;
  }

  /** Chooses the device of `role` ('' = system default). */
  function chooseRole(role: AudioDeviceRole, deviceId: string): Promise<boolean> {
    const choice = choiceFor(deviceId || undefined, devices.value.filter((device) => device.kind === roleKind(role)));
    return save({ [role]: choice ?? null });
  }

  function setFlag(flag: AudioFlag, value: boolean): Promise<boolean> {
    return save({ [flag]: value });
  }

  /** Shows a volume while the slider moves (and a ringing call follows it); {@link setRingerVolume} saves it. */
  function previewRingerVolume(volume: number): void {
    optimistic.value = { ...optimistic.value, ringerVolume: volume };
  }

  function setRingerVolume(volume: number): Promise<boolean> {
    return save({ ringerVolume: Math.round(Math.max(0, Math.min(100, volume))) });
  }

  function clearSaveError(): void {
    saveError.value = undefined;
  }

  // ---------------------------------------------------------------- wiring

  /** Plugs in the browser (or a fake); returns the function that unplugs it and stops all audio. */
  function attach(next: AudioBackend): () => Promise<void> {
    backend = next;
    available.value = true;
    canChooseOutput.value = next.devices.canChooseOutput;
    const offChange = next.devices.onChange(() => void refreshDevices());
    void refreshDevices();
    return async () => {
      offChange();
      next.tones.stopAll();
      wanted.value = false;
      await serial(stopNow);
      meter?.stop();
      meter = undefined;
      if (backend === next) {
        backend = undefined;
        available.value = false;
      }
    };
  }

  return {
    available,
    canChooseOutput,
    devices,
    inputs,
    outputs,
    labelsKnown,
    current,
    resolved,
    saving,
    saveError,
    engineState,
    engineError,
    engineActive,
    mic,
    headsetOk,
    suspended,
    levels,
    playout,
    inputLevel,
    outputLevel,
    tones,
    meterMic,
    meterLevel,
    notes,
    callNotes,
    attach,
    refreshDevices,
    setWanted,
    reclaim,
    setTones,
    testRinger,
    setMeterWanted,
    save,
    chooseRole,
    setFlag,
    previewRingerVolume,
    setRingerVolume,
    clearSaveError,
  };
});

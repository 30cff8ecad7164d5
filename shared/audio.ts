/**
 * Audio devices and processing (issue 10). The devices are chosen in the renderer (the only side that can list
 * them) and remembered in settings; main only stores them. Device ids are per origin in Chromium, so the label is
 * kept as well: when the id is not found (serve on another port, a re-plugged headset), the label finds it again.
 */

/** A chosen audio device: its id as `enumerateDevices()` gave it, and its label to find it again. */
export interface AudioDeviceChoice {
  id: string;
  label: string;
}

export interface AudioSettings {
  /** The microphone (headset mic); absent = the system default. */
  microphone?: AudioDeviceChoice;
  /** Where calls are heard (the headset); absent = the system default. */
  headset?: AudioDeviceChoice;
  /** Where the ringtone plays (the speakers); absent = the system default. */
  ringer?: AudioDeviceChoice;
  /** Browser echo cancellation of the microphone (needed on speakers, harmless on a headset). */
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  /** Ringtone volume, 0–100. */
  ringerVolume: number;
}

export const DEFAULT_AUDIO_SETTINGS: AudioSettings = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  ringerVolume: 80,
};

/** Which device of {@link AudioSettings} a role names. */
export type AudioDeviceRole = 'microphone' | 'headset' | 'ringer';
export const AUDIO_DEVICE_ROLES: readonly AudioDeviceRole[] = ['microphone', 'headset', 'ringer'];

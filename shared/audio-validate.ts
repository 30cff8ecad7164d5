/**
 * Validation of `settings.audio` (issue 10). Missing in files from before it: the defaults apply, and so do they for
 * each missing field. Also validates the partial update of the `audio.save` command.
 */
import { AUDIO_DEVICE_ROLES, DEFAULT_AUDIO_SETTINGS, type AudioDeviceChoice, type AudioSettings } from './audio';
import { hasControlCharacters } from './control-characters';
import type { FieldError } from './settings-validate';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

const FLAGS = ['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const;
const AUDIO_KEYS: readonly string[] = [...AUDIO_DEVICE_ROLES, ...FLAGS, 'ringerVolume'];
const ROLE_NAMES: Record<string, string> = { microphone: 'microphone', headset: 'call output (headset)', ringer: 'ringer output' };

function deviceErrors(raw: unknown, field: string, add: (field: string, message: string) => void): void {
  const name = ROLE_NAMES[field.split('.').pop()!] ?? 'device';
  if (!isRecord(raw)) return add(field, `Audio: the ${name} must be { id, label } or absent for the system default`);
  for (const key of Object.keys(raw)) if (key !== 'id' && key !== 'label') add(`${field}.${key}`, `Audio: unknown device setting "${key}"`);
  if (typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > 256 || hasControlCharacters(raw.id))
    add(`${field}.id`, `Audio: the ${name} id must be a device id of 1–256 characters`);
  if (typeof raw.label !== 'string' || raw.label.length > 256 || hasControlCharacters(raw.label))
    add(`${field}.label`, `Audio: the ${name} label must be text of at most 256 characters`);
}

/** Every problem in `settings.audio` (or an `audio.save` patch when `partial`); empty when valid or absent. */
export function audioSettingsErrors(audio: unknown, prefix = 'audio'): FieldError[] {
  if (audio === undefined) return [];
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => void errors.push({ field, message });
  if (!isRecord(audio)) {
    add(prefix, 'Audio settings must be an object');
    return errors;
  }
  for (const key of Object.keys(audio)) if (!AUDIO_KEYS.includes(key)) add(`${prefix}.${key}`, `Audio: unknown setting "${key}"`);
  // null removes a device choice in a patch (back to the system default); in a file it is simply absent.
  for (const role of AUDIO_DEVICE_ROLES) if (audio[role] !== undefined && audio[role] !== null) deviceErrors(audio[role], `${prefix}.${role}`, add);
  for (const flag of FLAGS)
    if (audio[flag] !== undefined && typeof audio[flag] !== 'boolean') add(`${prefix}.${flag}`, `Audio: ${flag} must be true or false`);
  const volume = audio.ringerVolume;
  if (volume !== undefined && (typeof volume !== 'number' || !Number.isInteger(volume) || volume < 0 || volume > 100))
    add(`${prefix}.ringerVolume`, 'Audio: ringer volume must be a whole number from 0 to 100');
  return errors;
}

/** The audio settings of a valid input, or the defaults for what it does not say. */
export function normalizeAudioSettings(audio: unknown): AudioSettings {
  const out: AudioSettings = { ...DEFAULT_AUDIO_SETTINGS };
  if (!isRecord(audio)) return out;
  for (const flag of FLAGS) if (typeof audio[flag] === 'boolean') out[flag] = audio[flag];
  if (typeof audio.ringerVolume === 'number') out.ringerVolume = audio.ringerVolume;
  for (const role of AUDIO_DEVICE_ROLES) {
    const device = audio[role];
    if (isRecord(device)) out[role] = { id: device.id, label: device.label } as AudioDeviceChoice;
  }
  return out;
}

/** Applies a validated `audio.save` patch: fields present replace, `null` devices go back to the default. */
export function mergeAudioSettings(current: AudioSettings, patch: Rec): AudioSettings {
  const next: Rec = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return normalizeAudioSettings(next);
}

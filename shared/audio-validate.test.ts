import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIO_SETTINGS } from './audio';
import { audioSettingsErrors, mergeAudioSettings, normalizeAudioSettings } from './audio-validate';
import { commandValidators } from './contract';
import { DEFAULT_SETTINGS } from './settings';
import { validateSettingsInput } from './settings-validate';

describe('audio settings', () => {
  it('defaults when absent and keeps chosen devices', () => {
    expect(normalizeAudioSettings(undefined)).toEqual(DEFAULT_AUDIO_SETTINGS);
    const audio = normalizeAudioSettings({ headset: { id: 'abc', label: 'Jabra Evolve' }, ringerVolume: 40, echoCancellation: false });
    expect(audio).toEqual({ ...DEFAULT_AUDIO_SETTINGS, headset: { id: 'abc', label: 'Jabra Evolve' }, ringerVolume: 40, echoCancellation: false });
  });

  it('names the field and why for each bad value', () => {
    const errors = audioSettingsErrors({ microphone: { id: '', label: 'x' }, ringer: 'speakers', ringerVolume: 101, noiseSuppression: 'yes', colour: 1 });
    expect(errors.map((e) => e.field).sort()).toEqual(['audio.colour', 'audio.microphone.id', 'audio.noiseSuppression', 'audio.ringer', 'audio.ringerVolume']);
    expect(errors.find((e) => e.field === 'audio.ringerVolume')?.message).toContain('0 to 100');
    expect(audioSettingsErrors({ headset: { id: 'a\nb', label: 'x' } })[0]?.field).toBe('audio.headset.id');
  });

  it('is part of settings validation (a file with a bad audio block is refused with the field)', () => {
    const result = validateSettingsInput({ ...DEFAULT_SETTINGS, audio: { ringerVolume: -1 } }, DEFAULT_SETTINGS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.field).toBe('audio.ringerVolume');
  });

  it('merges an audio.save patch: null goes back to the system default', () => {
    const current = normalizeAudioSettings({ headset: { id: 'h', label: 'Headset' }, ringer: { id: 'r', label: 'Speakers' } });
    const merged = mergeAudioSettings(current, { headset: null, ringerVolume: 10 });
    expect(merged.headset).toBeUndefined();
    expect(merged.ringer).toEqual({ id: 'r', label: 'Speakers' });
    expect(merged.ringerVolume).toBe(10);
  });

  it('validates audio.save and calls.mute arguments at the contract boundary', () => {
    expect(commandValidators['audio.save']({ ringerVolume: 50, headset: null }).ok).toBe(true);
    const bad = commandValidators['audio.save']({ ringer: { id: 5 } });
    expect(!bad.ok && bad.error.field).toBe('audio.ringer.id');
    expect(commandValidators['audio.save']('loud').ok).toBe(false);
    expect(commandValidators['calls.mute']({ call: 'c1', muted: true }).ok).toBe(true);
    const mute = commandValidators['calls.mute']({ call: 'c1', muted: 'yes' });
    expect(!mute.ok && mute.error.field).toBe('muted');
  });
});

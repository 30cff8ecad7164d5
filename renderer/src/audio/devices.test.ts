import { describe, expect, it } from 'vitest';
import { device, headsetDevices } from '../testing/fake-audio';
import { choiceFor, chooseDevice, choosable, listKnown } from './devices';

describe('device choice', () => {
  const devices = headsetDevices();

  it('lists what can be chosen, without the default pseudo-device or nameless entries', () => {
    expect(choosable(devices, 'audioinput').map((entry) => entry.deviceId)).toEqual(['mic-builtin', 'mic-headset']);
    expect(choosable(devices, 'audiooutput').map((entry) => entry.deviceId)).toEqual(['out-speakers', 'out-headset']);
  });

  it('finds a choice by id first', () => {
    const found = chooseDevice({ id: 'out-headset', label: 'an old name' }, devices, 'audiooutput');
    expect(found).toMatchObject({ deviceId: 'out-headset', missing: false, unverified: false });
  });

  it('finds it by label when the id changed (another port, another origin)', () => {
    const found = chooseDevice({ id: 'stale-id', label: 'Jabra Evolve 40 Mono' }, devices, 'audioinput');
    expect(found).toMatchObject({ deviceId: 'mic-headset', missing: false });
    // The same label among outputs is the headset's output, not its microphone.
    expect(chooseDevice({ id: 'stale-id', label: 'Jabra Evolve 40 Mono' }, devices, 'audiooutput').deviceId).toBe('out-headset');
  });

  it('falls back to the default and says the device is missing', () => {
    const found = chooseDevice({ id: 'out-usb', label: 'USB Speakerphone' }, devices, 'audiooutput');
    expect(found).toEqual({ deviceId: undefined, missing: true, unverified: false });
  });

  it('uses the system default when nothing was chosen', () => {
    expect(chooseDevice(undefined, devices, 'audioinput')).toEqual({ deviceId: undefined, missing: false, unverified: false });
  });

  it('calls nothing missing before the browser names the devices (no permission yet)', () => {
    const hidden = [device('audioinput', '', ''), device('audiooutput', '', '')];
    expect(listKnown(hidden, 'audioinput')).toBe(false);
    expect(chooseDevice({ id: 'mic-headset', label: 'Jabra Evolve 40 Mono' }, hidden, 'audioinput')).toEqual({ deviceId: 'mic-headset', missing: false, unverified: true });
  });

  it('never matches an empty label', () => {
    const unnamed = [...devices, device('audiooutput', 'out-x', '')];
    expect(chooseDevice({ id: 'gone', label: '' }, unnamed, 'audiooutput').missing).toBe(true);
  });

  it('saves a choice with its label, or none for the default', () => {
    expect(choiceFor('mic-headset', devices)).toEqual({ id: 'mic-headset', label: 'Jabra Evolve 40 Mono' });
    expect(choiceFor(undefined, devices)).toBeUndefined();
  });
});

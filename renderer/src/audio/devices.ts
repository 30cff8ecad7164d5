/**
 * Audio devices (issue 10): which device a saved choice means now. Chromium's device ids are per origin and change
 * when a headset is re-plugged into another port, so a choice is found by id, else by label, else the system
 * default is used — and the caller is told the chosen device is missing, to say so on screen. Labels (and real ids)
 * appear only after the page was once allowed to use the microphone; until then nothing can be called missing.
 */
import type { AudioDeviceChoice, AudioDeviceRole } from '../../../shared/audio';

export type DeviceKind = 'audioinput' | 'audiooutput';

/** What `enumerateDevices()` says about one device (the parts the console uses). */
export interface DeviceInfo {
  deviceId: string;
  kind: DeviceKind;
  label: string;
  groupId?: string;
}

/** The device kind a role lists. */
export function roleKind(role: AudioDeviceRole): DeviceKind {
  return role === 'microphone' ? 'audioinput' : 'audiooutput';
}

/** Chromium's pseudo-device that follows the OS default: the "System default" entry stands for it. */
export const DEFAULT_DEVICE_ID = 'default';

/** The devices of one kind a user can choose (the `default` pseudo-device is the "System default" entry). */
export function choosable(devices: readonly DeviceInfo[], kind: DeviceKind): DeviceInfo[] {
  return devices.filter((device) => device.kind === kind && device.deviceId !== '' && device.deviceId !== DEFAULT_DEVICE_ID);
}

/** Whether the list of `kind` is real: ids and labels are hidden until the microphone was allowed once. */
export function listKnown(devices: readonly DeviceInfo[], kind: DeviceKind): boolean {
  return devices.some((device) => device.kind === kind && device.deviceId !== '' && device.label !== '');
}

export interface DeviceResolution {
  /** The device to use; undefined = the system default. */
  deviceId: string | undefined;
  /** The device found for the choice. */
  device?: DeviceInfo;
  /** A device was chosen but is not connected now (the default is used instead). */
  missing: boolean;
  /** The list is not known yet (no permission): the chosen id is used as it is, unverified. */
  unverified: boolean;
}

/** Finds `choice` among `devices`: by id, else by label, else the default (and `missing`). */
export function chooseDevice(choice: AudioDeviceChoice | undefined, devices: readonly DeviceInfo[], kind: DeviceKind): DeviceResolution {
  if (!choice) return { deviceId: undefined, missing: false, unverified: false };
  if (!listKnown(devices, kind)) return { deviceId: choice.id, missing: false, unverified: true };
  const list = choosable(devices, kind);
  const device = list.find((candidate) => candidate.deviceId === choice.id) ?? (choice.label ? list.find((candidate) => candidate.label === choice.label) : undefined);
  return device ? { deviceId: device.deviceId, device, missing: false, unverified: false } : { deviceId: undefined, missing: true, unverified: false };
}

/** A choice to save for `deviceId` of `devices` (undefined = system default). */
export function choiceFor(deviceId: string | undefined, devices: readonly DeviceInfo[]): AudioDeviceChoice | undefined {
  if (!deviceId) return undefined;
  const device = devices.find((candidate) => candidate.deviceId === deviceId);
  return { id: deviceId, label: device?.label ?? '' };
}

/** Where the console reads devices from: `navigator.mediaDevices` in the app, a fake in tests. */
export interface DeviceSource {
  enumerate(): Promise<DeviceInfo[]>;
  /** Calls `listener` when devices come or go; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Whether outputs can be chosen (`AudioContext.setSinkId`); without it only the default output plays. */
  readonly canChooseOutput: boolean;
}

interface MediaDevicesLike {
  enumerateDevices(): Promise<{ deviceId: string; kind: string; label: string; groupId: string }[]>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

/** The browser's devices. Without `navigator.mediaDevices` (an insecure origin) the lists stay empty. */
export function browserDeviceSource(nav: Navigator | undefined = globalThis.navigator): DeviceSource {
  const media = nav?.mediaDevices as MediaDevicesLike | undefined;
  const canChooseOutput = typeof AudioContext === 'function' && typeof (AudioContext.prototype as { setSinkId?: unknown }).setSinkId === 'function';
  return {
    canChooseOutput,
    async enumerate() {
      if (!media) return [];
      try {
        const list = await media.enumerateDevices();
        return list
          .filter((device): device is typeof device & { kind: DeviceKind } => device.kind === 'audioinput' || device.kind === 'audiooutput')
          .map((device) => ({ deviceId: device.deviceId, kind: device.kind, label: device.label, groupId: device.groupId }));
      } catch {
        return [];
      }
    },
    onChange(listener) {
      if (!media) return () => undefined;
      media.addEventListener('devicechange', listener);
      return () => media.removeEventListener('devicechange', listener);
    },
  };
}

/**
 * The seams between the audio store and the browser (issue 10): the call audio engine, the tones, the microphone
 * meter of the Audio screen and the device list. The app plugs in the WebAudio implementations
 * (`createBrowserAudioBackend`); tests plug in fakes (`testing/fake-audio.ts`), since happy-dom has no AudioContext.
 */
import type { DeviceSource } from './devices';
import type { Level, PlayoutStats } from './frame-assembler';

/** How the microphone is opened. */
export interface MicConfig {
  /** The device; undefined = the system default. */
  deviceId: string | undefined;
  /** Insist on exactly this device (false while the list is unverified: then the browser may pick another). */
  exact: boolean;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

/**
 * The microphone's state: `open`; `denied` (permission refused: silence is sent); `unavailable` (no microphone, or
 * it failed to open); `off` (not asked for).
 */
export type MicStatus = 'off' | 'open' | 'denied' | 'unavailable';

export interface MicResult {
  status: MicStatus;
  /** The device that opened (from the track's settings), when it did. */
  deviceId?: string;
  /** Why it did not open, in the browser's words. */
  detail?: string;
}

export interface EngineConfig {
  mic: MicConfig;
  /** The call output (headset); undefined = the system default. */
  headsetId: string | undefined;
}

export interface EngineLevels {
  input: Level;
  output: Level;
  playout: PlayoutStats;
}

/** What the engine reports while it runs. */
export interface EngineHooks {
  /** About ten times a second. */
  onLevels(levels: EngineLevels): void;
  /** Another window claimed the audio (a `release` frame): the engine has stopped itself. */
  onReleased(): void;
  /** The browser holds the audio until the user clicks (autoplay rule), or lets it run again. */
  onSuspended(suspended: boolean): void;
  /** The microphone track ended by itself (unplugged, or revoked). */
  onMicEnded(): void;
}

export interface EngineStart {
  mic: MicResult;
  /** Whether the headset sink could be set (false: the default output plays). */
  headsetOk: boolean;
}

/** The call audio: an AudioContext at 8000 Hz with the console worklet between microphone, speakers and main. */
export interface AudioEngine {
  /** Opens the context and the microphone and claims the media channel. Rejects when audio cannot run at all. */
  start(config: EngineConfig): Promise<EngineStart>;
  /** Opens another microphone (or the same with other processing) while running. */
  setMicrophone(mic: MicConfig): Promise<MicResult>;
  /** Moves the call output to another device (undefined = the default). Resolves false when that failed. */
  setHeadset(deviceId: string | undefined): Promise<boolean>;
  /** Stops the microphone tracks and closes the context. */
  stop(): Promise<void>;
}

/**
 * `ring`: the ringtone on the ringer output. `waiting`: call-waiting beeps in the headset. `ringback`: the far end's
 * phone rings (180 without early media), in the headset. `test`: one ring cycle on the ringer output.
 */
export type ToneKind = 'ring' | 'waiting' | 'ringback' | 'test';

export interface ToneOutput {
  /** undefined = the system default output. */
  deviceId: string | undefined;
  /** 0–1. */
  volume: number;
}

export interface TonePlayer {
  /** Starts `tone` (or updates the running one: output device, volume). `test` plays once and ends by itself. */
  play(tone: ToneKind, output: ToneOutput): void;
  stop(tone: ToneKind): void;
  /** Stops every tone (the app goes away). */
  stopAll(): void;
}

/** A running microphone meter (the Audio screen's, while no call has the engine running). */
export interface MicMeter {
  readonly result: MicResult;
  stop(): void;
}

export interface AudioBackend {
  readonly devices: DeviceSource;
  readonly tones: TonePlayer;
  createEngine(hooks: EngineHooks): AudioEngine;
  /** Opens the microphone only to show its level, about ten times a second. */
  openMicMeter(mic: MicConfig, onLevel: (level: Level) => void): Promise<MicMeter>;
}

/** Constraints for `getUserMedia` from a {@link MicConfig}. */
export function micConstraints(mic: MicConfig): MediaStreamConstraints {
  const audio: MediaTrackConstraints = {
    echoCancellation: mic.echoCancellation,
    noiseSuppression: mic.noiseSuppression,
    autoGainControl: mic.autoGainControl,
    channelCount: 1,
  };
  if (mic.deviceId) audio.deviceId = mic.exact ? { exact: mic.deviceId } : { ideal: mic.deviceId };
  return { audio, video: false };
}

/** The browser's refusal sorted into a {@link MicStatus}. */
export function micErrorStatus(error: unknown): MicStatus {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError' ? 'denied' : 'unavailable';
}

/** Whether a failed `getUserMedia` is worth retrying with the default device (the chosen one is gone). */
export function deviceGone(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'OverconstrainedError' || name === 'NotFoundError' || name === 'NotReadableError';
}

/**
 * A fake {@link AudioBackend} for renderer tests (happy-dom has no AudioContext): a scripted device list that can
 * change, an engine that records what it was asked and lets the test play the worklet's and main's part, a tone
 * player that records which tones sound where, and a microphone meter. Nothing in the app imports this.
 */
import type {
  AudioBackend,
  AudioEngine,
  EngineConfig,
  EngineHooks,
  MicConfig,
  MicMeter,
  MicResult,
  MicStatus,
  ToneKind,
  ToneOutput,
} from '../audio/backend';
import type { DeviceInfo } from '../audio/devices';
import type { Level } from '../audio/frame-assembler';

export interface FakeEngine extends AudioEngine {
  hooks: EngineHooks;
  running: boolean;
  config?: EngineConfig;
  /** Every call, in order: `start`, `stop`, `mic:<deviceId|default>`, `headset:<deviceId|default>`. */
  log: string[];
}

export interface FakeAudio {
  backend: AudioBackend;
  /** The devices the fake lists; change them and call {@link changeDevices} to fire `devicechange`. */
  devices: DeviceInfo[];
  changeDevices(next: DeviceInfo[]): void;
  /** Every engine created, latest last. */
  engines: FakeEngine[];
  readonly engine: FakeEngine | undefined;
  /** What `getUserMedia` answers (for the engine and the meter). */
  micStatus: MicStatus;
  /** Make the next `start` fail with this message. */
  failStart?: string;
  /** Tones sounding now, with their output. */
  tones: Map<ToneKind, ToneOutput>;
  /** Every `play` of a tone, in order. */
  played: { tone: ToneKind; output: ToneOutput }[];
  meters: { mic: MicConfig; stopped: boolean; emit(level: Level): void }[];
}

export function device(kind: DeviceInfo['kind'], deviceId: string, label: string): DeviceInfo {
  return { kind, deviceId, label, groupId: `g-${deviceId}` };
}

/** A laptop with a USB headset: built-in mic and speakers, the headset's mic and output, plus Chromium's defaults. */
export function headsetDevices(): DeviceInfo[] {
  return [
    device('audioinput', 'default', 'Default - Built-in Microphone'),
    device('audioinput', 'mic-builtin', 'Built-in Microphone'),
    device('audioinput', 'mic-headset', 'Jabra Evolve 40 Mono'),
    device('audiooutput', 'default', 'Default - Built-in Speakers'),
    device('audiooutput', 'out-speakers', 'Built-in Speakers'),
    device('audiooutput', 'out-headset', 'Jabra Evolve 40 Mono'),
  ];
}

export function createFakeAudio(initial: DeviceInfo[] = headsetDevices()): FakeAudio {
  const listeners = new Set<() => void>();
  const fake: FakeAudio = {
    backend: undefined as unknown as AudioBackend,
    devices: initial,
    changeDevices(next) {
      fake.devices = next;
      for (const listener of [...listeners]) listener();
    },
    engines: [],
    get engine() {
      return fake.engines[fake.engines.length - 1];
    },
    micStatus: 'open',
    tones: new Map(),
    played: [],
    meters: [],
  };

  const micResult = (mic: MicConfig): MicResult =>
    fake.micStatus === 'open' ? { status: 'open', deviceId: mic.deviceId ?? 'default' } : { status: fake.micStatus };

  function createEngine(hooks: EngineHooks): FakeEngine {
    const engine: FakeEngine = {
      hooks,
      running: false,
      log: [],
      async start(config) {
        engine.log.push('start');
        if (fake.failStart) throw new Error(fake.failStart);
        engine.running = true;
        engine.config = config;
        return { mic: micResult(config.mic), headsetOk: true };
      },
      async stop() {
        engine.log.push('stop');
        engine.running = false;
      },
      async setMicrophone(mic) {
        engine.log.push(`mic:${mic.deviceId ?? 'default'}`);
        if (engine.config) engine.config = { ...engine.config, mic };
        return micResult(mic);
      },
      async setHeadset(deviceId) {
        engine.log.push(`headset:${deviceId ?? 'default'}`);
        if (engine.config) engine.config = { ...engine.config, headsetId: deviceId };
        return true;
      },
    };
    fake.engines.push(engine);
    return engine;
  }

  fake.backend = {
    devices: {
      canChooseOutput: true,
      async enumerate() {
        return fake.devices.map((entry) => ({ ...entry }));
      },
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    tones: {
      play(tone, output) {
        fake.played.push({ tone, output });
        if (tone !== 'test') fake.tones.set(tone, output);
      },
      stop(tone) {
        fake.tones.delete(tone);
      },
      stopAll() {
        fake.tones.clear();
      },
    },
    createEngine,
    async openMicMeter(mic, onLevel): Promise<MicMeter> {
      const entry = { mic, stopped: false, emit: (level: Level) => !entry.stopped && onLevel(level) };
      fake.meters.push(entry);
      return {
        result: micResult(mic),
        stop() {
          entry.stopped = true;
        },
      };
    },
  };
  return fake;
}

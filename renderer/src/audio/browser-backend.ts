/**
 * The WebAudio implementation of {@link AudioBackend}: the engine on the media channel, the tone player, the
 * device list from `navigator.mediaDevices`, and a microphone meter for the Audio screen.
 */
import type { MediaChannel } from '../../../shared/media-channel';
import type { AudioBackend, MicConfig, MicMeter } from './backend';
import { createAudioEngine, openMicrophone } from './audio-engine';
import { browserDeviceSource } from './devices';
import { LevelMeter, type Level } from './frame-assembler';
import { createTonePlayer } from './tones';

/** Opens the microphone into an analyser and reports its level every 100 ms until stopped. */
async function openMicMeter(mic: MicConfig, onLevel: (level: Level) => void): Promise<MicMeter> {
  const opened = await openMicrophone(mic);
  const stream = opened.stream;
  if (!stream) return { result: opened.result, stop: () => undefined };
  let ctx: AudioContext | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    ctx = new AudioContext({ latencyHint: 'interactive' });
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(stream).connect(analyser);
    void ctx.resume().catch(() => undefined);
    const samples = new Float32Array(analyser.fftSize);
    const meter = new LevelMeter();
    timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      meter.addFloat(samples);
      onLevel(meter.read());
    }, 100);
  } catch {
    // No AudioContext: the microphone opened (labels appear), there is just no level to show.
  }
  return {
    result: opened.result,
    stop() {
      if (timer) clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      void ctx?.close().catch(() => undefined);
    },
  };
}

export function createBrowserAudioBackend(channel: MediaChannel): AudioBackend {
  return {
    devices: browserDeviceSource(),
    tones: createTonePlayer(),
    createEngine: (hooks) => createAudioEngine(channel, hooks),
    openMicMeter,
  };
}

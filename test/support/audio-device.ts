// A stand-in for the renderer's audio device in engine tests (issue 10): it connects to the engine's media channel
// (ConsoleService.media, the audio hub) exactly as the Electron MessagePort and the serve WebSocket do, sends one
// 20 ms capture frame every 20 ms and keeps every playout frame the engine answers with.
import type { MediaChannelHost } from '../../electron/core/contract-dispatch';
import { decodeMediaFrame, encodeMediaFrame, MEDIA_FRAME_SAMPLES } from '../../shared/media-channel';

export interface FakeAudioDevice {
  /** Playout frames received, with their arrival time. */
  readonly playout: { at: number; samples: Int16Array }[];
  /** The played audio from `since` (ms epoch) on, joined. */
  heard(since?: number): Int16Array;
  /** Replaces what the "microphone" captures. */
  setMicrophone(frames: () => Int16Array): void;
  stop(): void;
}

export function startAudioDevice(host: MediaChannelHost, microphone: () => Int16Array = () => new Int16Array(MEDIA_FRAME_SAMPLES)): FakeAudioDevice {
  const playout: { at: number; samples: Int16Array }[] = [];
  let mic = microphone;
  const connection = host.connect({
    send(bytes) {
      const frame = decodeMediaFrame(bytes);
      if (frame.ok && frame.value.kind === 'playout') playout.push({ at: Date.now(), samples: frame.value.samples });
    },
  });
  connection.receive(encodeMediaFrame({ kind: 'claim', sequence: 0 }));
  let sequence = 0;
  const timer = setInterval(() => connection.receive(encodeMediaFrame({ kind: 'capture', sequence: sequence++, samples: mic() })), 20);
  return {
    playout,
    heard(since = 0) {
      const frames = playout.filter((f) => f.at >= since);
      const out = new Int16Array(frames.length * MEDIA_FRAME_SAMPLES);
      frames.forEach((f, i) => out.set(f.samples, i * MEDIA_FRAME_SAMPLES));
      return out;
    },
    setMicrophone(frames) {
      mic = frames;
    },
    stop() {
      clearInterval(timer);
      connection.close();
    },
  };
}

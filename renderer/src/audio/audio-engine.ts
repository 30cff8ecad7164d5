/**
 * The call audio engine in the browser (issue 10 §2): an AudioContext at 8000 Hz (Chromium resamples microphone
 * and speakers), the console worklet between them, and the media channel to main. The worklet's 20 ms capture
 * frames go to main as `capture`; main's `playout` frames go to the worklet; the device clock paces both. Started
 * only while a call needs audio, so the microphone is not open all day; `claim` on start makes this window the audio
 * device, and a `release` from main (another window claimed it) stops it.
 */
import { MEDIA_SAMPLE_RATE, type MediaChannel, type MediaFrame } from '../../../shared/media-channel';
import {
  deviceGone,
  micConstraints,
  micErrorStatus,
  type AudioEngine,
  type EngineConfig,
  type EngineHooks,
  type EngineStart,
  type MicConfig,
  type MicResult,
} from './backend';
import { WORKLET_PROCESSOR, type EngineToWorklet, type WorkletToEngine } from './worklet-protocol';
import workletUrl from './console-audio.worklet.ts?worker&url';

/** `AudioContext.setSinkId` (Chromium 110+), not in TypeScript's DOM lib yet. */
export type SinkContext = AudioContext & { setSinkId?: (sinkId: string) => Promise<void> };

/** Opens the microphone; a chosen device that is gone falls back to the default. Never throws. */
export async function openMicrophone(mic: MicConfig, mediaDevices: MediaDevices | undefined = globalThis.navigator?.mediaDevices): Promise<{ stream?: MediaStream; result: MicResult }> {
  if (!mediaDevices?.getUserMedia) return { result: { status: 'unavailable', detail: 'this page cannot use a microphone (not a secure origin?)' } };
  try {
    const stream = await mediaDevices.getUserMedia(micConstraints(mic));
    return { stream, result: { status: 'open', deviceId: stream.getAudioTracks()[0]?.getSettings().deviceId } };
  } catch (error) {
    if (mic.deviceId && deviceGone(error)) return openMicrophone({ ...mic, deviceId: undefined, exact: false }, mediaDevices);
    return { result: { status: micErrorStatus(error), detail: (error as Error)?.message } };
  }
}

/** Sets the output device of `ctx` ('' = the default). Resolves whether it worked. */
export async function setContextSink(ctx: SinkContext, deviceId: string | undefined): Promise<boolean> {
  if (typeof ctx.setSinkId !== 'function') return !deviceId;
  try {
    await ctx.setSinkId(deviceId ?? '');
    return true;
  } catch {
    return false;
  }
}

export function createAudioEngine(channel: MediaChannel, hooks: EngineHooks): AudioEngine {
  let ctx: SinkContext | undefined;
  let node: AudioWorkletNode | undefined;
  let stream: MediaStream | undefined;
  let source: MediaStreamAudioSourceNode | undefined;
  let unsubscribe: (() => void) | undefined;
  let sequence = 0;
  let resumeOnGesture: (() => void) | undefined;

  function post(message: EngineToWorklet, transfer: Transferable[] = []): void {
    node?.port.postMessage(message, transfer);
  }

  function onFrame(frame: MediaFrame): void {
    if (frame.kind === 'playout') post({ type: 'playout', samples: frame.samples }, [frame.samples.buffer]);
    else if (frame.kind === 'release') {
      void stop();
      hooks.onReleased();
    }
  }

  function dropMicrophone(): void {
    source?.disconnect();
    source = undefined;
    for (const track of stream?.getTracks() ?? []) {
      track.onended = null;
      track.stop();
    }
    stream = undefined;
  }

  async function connectMicrophone(mic: MicConfig): Promise<MicResult> {
    dropMicrophone();
    const opened = await openMicrophone(mic);
    if (!opened.stream) return opened.result;
    if (!ctx || !node) {
      for (const track of opened.stream.getTracks()) track.stop();
      return { status: 'off' };
    }
    stream = opened.stream;
    source = ctx.createMediaStreamSource(stream);
    source.connect(node);
    const track = stream.getAudioTracks()[0];
    if (track) track.onended = () => hooks.onMicEnded();
    return opened.result;
  }

  function watchSuspension(context: AudioContext): void {
    const report = (): void => {
      if (ctx !== context) return; // stopped (or restarted) meanwhile
      const suspended = context.state === 'suspended';
      hooks.onSuspended(suspended);
      if (suspended && !resumeOnGesture) {
        // Autoplay rule: a context started without a click waits for one. The next click or key lets it run.
        resumeOnGesture = () => void context.resume();
        window.addEventListener('pointerdown', resumeOnGesture, true);
        window.addEventListener('keydown', resumeOnGesture, true);
      } else if (!suspended) clearGesture();
    };
    context.onstatechange = report;
    void context.resume().catch(() => undefined);
    // `resume()` without a gesture stays pending rather than failing: look again shortly.
    setTimeout(report, 300);
  }

  function clearGesture(): void {
    if (!resumeOnGesture) return;
    window.removeEventListener('pointerdown', resumeOnGesture, true);
    window.removeEventListener('keydown', resumeOnGesture, true);
    resumeOnGesture = undefined;
  }

  async function start(config: EngineConfig): Promise<EngineStart> {
    await stop();
    const context: SinkContext = new AudioContext({ sampleRate: MEDIA_SAMPLE_RATE, latencyHint: 'interactive' });
    ctx = context;
    try {
      await context.audioWorklet.addModule(workletUrl);
      if (ctx !== context) throw new Error('stopped while starting');
      node = new AudioWorkletNode(context, WORKLET_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        channelCount: 1,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
      });
      node.port.onmessage = (event: MessageEvent<WorkletToEngine>) => {
        const message = event.data;
        if (message.type === 'capture') channel.send({ kind: 'capture', sequence: sequence++ >>> 0, samples: message.samples });
        else if (message.type === 'levels') hooks.onLevels({ input: message.input, output: message.output, playout: message.playout });
      };
      node.connect(context.destination);
      unsubscribe = channel.onFrame(onFrame);
      channel.send({ kind: 'claim', sequence: 0 });
      const headsetOk = config.headsetId ? await setContextSink(context, config.headsetId) : true;
      watchSuspension(context);
      const mic = await connectMicrophone(config.mic);
      return { mic, headsetOk };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  async function stop(): Promise<void> {
    clearGesture();
    unsubscribe?.();
    unsubscribe = undefined;
    dropMicrophone();
    if (node) {
      node.port.onmessage = null;
      node.disconnect();
      node = undefined;
    }
    const context = ctx;
    ctx = undefined;
    if (context) {
      context.onstatechange = null;
      await context.close().catch(() => undefined);
    }
  }

  return {
    start,
    stop,
    async setMicrophone(mic) {
      if (!ctx) return { status: 'off' };
      return connectMicrophone(mic);
    },
    async setHeadset(deviceId) {
      if (!ctx) return false;
      return setContextSink(ctx, deviceId);
    },
  };
}

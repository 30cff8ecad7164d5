/**
 * The audio thread of the console (issue 10): an AudioWorkletProcessor in an AudioContext running at 8000 Hz.
 * Input = the microphone (or nothing: then silence frames are still sent every 20 ms, because the device's clock
 * paces the media channel); output = the call's audio from main. It posts each 20 ms capture frame to its port
 * (the buffer transferred), plays the playout frames it is sent, and reports levels about ten times a second.
 *
 * Built by Vite as a separate script (`?worker&url` in audio-engine.ts), so `audioWorklet.addModule` loads it from
 * the app's own origin under the strict CSP (`script-src 'self'`).
 */
import { CaptureFramer, LevelMeter, PlayoutQueue, RENDER_QUANTUM } from './frame-assembler';
import { LEVEL_EVERY_QUANTA, WORKLET_PROCESSOR, type EngineToWorklet, type WorkletToEngine } from './worklet-protocol';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib: what this file uses of it.
declare const AudioWorkletProcessor: { prototype: object; new (): { readonly port: MessagePort } };
declare function registerProcessor(name: string, processor: new () => { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean }): void;

class ConsoleAudioProcessor extends AudioWorkletProcessor {
  private readonly capture = new CaptureFramer();
  private readonly playout = new PlayoutQueue();
  private readonly inputMeter = new LevelMeter();
  private readonly outputMeter = new LevelMeter();
  private quanta = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<EngineToWorklet>) => {
      const message = event.data;
      if (message.type === 'playout') this.playout.push(message.samples);
      else if (message.type === 'clear') this.playout.clear();
    };
  }

  private post(message: WorkletToEngine, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    // No microphone connected (or permission denied): the input has no channels; silence keeps the clock going.
    const mic = inputs[0]?.[0];
    const length = mic?.length ?? outputs[0]?.[0]?.length ?? RENDER_QUANTUM;
    if (mic) this.inputMeter.addFloat(mic);
    else this.inputMeter.addSilence(length);
    this.capture.push(mic, (samples) => this.post({ type: 'capture', samples }, [samples.buffer]), length);

    const out = outputs[0];
    const first = out?.[0];
    if (out && first) {
      this.playout.pull(first);
      this.outputMeter.addFloat(first);
      for (let channel = 1; channel < out.length; channel++) out[channel]!.set(first);
    }

    if (++this.quanta >= LEVEL_EVERY_QUANTA) {
      this.quanta = 0;
      this.post({ type: 'levels', input: this.inputMeter.read(), output: this.outputMeter.read(), playout: this.playout.stats() });
    }
    return true;
  }
}

registerProcessor(WORKLET_PROCESSOR, ConsoleAudioProcessor);

/**
 * Messages between the audio engine (main thread) and `console-audio.worklet.ts` over the AudioWorkletNode's port.
 * Types only, so the worklet bundle stays free of anything the audio thread does not need.
 */
import type { Level, PlayoutStats } from './frame-assembler';

/** The name the worklet registers its processor under. */
export const WORKLET_PROCESSOR = 'console-audio';

/** How often the worklet reports levels: every this many render quanta (≈10 per second at 8000 Hz). */
export const LEVEL_EVERY_QUANTA = 6;

export type WorkletToEngine =
  /** One 20 ms microphone frame (silence without a microphone); its buffer is transferred. */
  | { type: 'capture'; samples: Int16Array }
  /** Levels since the last report, and the playout queue's counters. */
  | { type: 'levels'; input: Level; output: Level; playout: PlayoutStats };

export type EngineToWorklet =
  /** One 20 ms frame to play on the call output; its buffer is transferred. */
  | { type: 'playout'; samples: Int16Array }
  /** Forget queued playout (the engine restarts or the call ended). */
  | { type: 'clear' };

/**
 * Tones the console makes itself (issue 10 §3), synthesized with WebAudio: each pattern is one cadence cycle built
 * from OscillatorNodes, rendered once in an OfflineAudioContext and then looped, so no timer has to keep a ringtone
 * going in a background tab. Each tone plays on its own AudioContext whose sink is the device it belongs on: the
 * ringtone on the ringer output (speakers) at the ringer volume, call waiting and ringback in the headset.
 *
 * | Tone     | Sound                                                                        | Where    |
 * |----------|------------------------------------------------------------------------------|----------|
 * | ring     | two-tone trill (660 / 880 Hz, soft edges) 1 s on, 3 s off                     | ringer   |
 * | waiting  | 425 Hz: 200 ms on, 200 ms off, 200 ms on, 5 s off (call waiting, ETSI/DE)     | headset  |
 * | ringback | 425 Hz: 1 s on, 4 s off (ringing tone, ETSI/DE)                               | headset  |
 * | test     | one ring burst, once                                                         | ringer   |
 */
import type { ToneKind, ToneOutput, TonePlayer } from './backend';
import { setContextSink, type SinkContext } from './audio-engine';

const RENDER_RATE = 24000;

/** One note of a pattern: a fundamental and quieter overtones, from `at` for `length` seconds, peaking at `level`. */
interface Note {
  at: number;
  length: number;
  frequencies: readonly number[];
  level: number;
}

/** Amplitude of each partial relative to the note's level: the fundamental, then overtones (they sum to 1). */
const PARTIALS = [0.8, 0.2];

interface Pattern {
  /** Length of one cycle, s. */
  period: number;
  notes: readonly Note[];
  loop: boolean;
}

function ringNotes(): Note[] {
  // Eight alternating notes of 125 ms: a friendly trill, not a shrill single tone.
  return Array.from({ length: 8 }, (_, i) => ({ at: i * 0.125, length: 0.12, frequencies: i % 2 ? [880, 1760] : [660, 1320], level: 0.9 }));
}

export const TONE_PATTERNS: Record<ToneKind, Pattern> = {
  ring: { period: 4, notes: ringNotes(), loop: true },
  test: { period: 1.2, notes: ringNotes(), loop: false },
  waiting: {
    period: 5.4,
    notes: [
      { at: 0, length: 0.2, frequencies: [425], level: 0.9 },
      { at: 0.4, length: 0.2, frequencies: [425], level: 0.9 },
    ],
    loop: true,
  },
  ringback: { period: 5, notes: [{ at: 0, length: 1, frequencies: [425], level: 0.9 }], loop: true },
};

/** The gain for a 0–1 volume: squared, so the slider feels even to the ear. */
export function volumeGain(volume: number): number {
  const v = Math.max(0, Math.min(1, volume));
  return v * v;
}

const buffers = new Map<ToneKind, Promise<AudioBuffer>>();

/** Renders one cycle of `tone` with oscillators (cached). */
function patternBuffer(tone: ToneKind): Promise<AudioBuffer> {
  let buffer = buffers.get(tone);
  if (!buffer) {
    const pattern = TONE_PATTERNS[tone];
    const offline = new OfflineAudioContext(1, Math.round(pattern.period * RENDER_RATE), RENDER_RATE);
    for (const note of pattern.notes) {
      const envelope = offline.createGain();
      envelope.connect(offline.destination);
      // Soft edges (10 ms): no clicks at the start and end of each note.
      const edge = Math.min(0.01, note.length / 4);
      const peak = note.level;
      envelope.gain.setValueAtTime(0, note.at);
      envelope.gain.linearRampToValueAtTime(peak, note.at + edge);
      envelope.gain.setValueAtTime(peak, note.at + note.length - edge);
      envelope.gain.linearRampToValueAtTime(0, note.at + note.length);
      note.frequencies.forEach((frequency, index) => {
        const oscillator = offline.createOscillator();
        oscillator.frequency.value = frequency;
        const partial = offline.createGain();
        partial.gain.value = note.frequencies.length === 1 ? 1 : (PARTIALS[index] ?? 0);
        oscillator.connect(partial).connect(envelope);
        oscillator.start(note.at);
        oscillator.stop(note.at + note.length);
      });
    }
    buffer = offline.startRendering();
    buffers.set(tone, buffer);
    buffer.catch(() => buffers.delete(tone));
  }
  return buffer;
}

interface Playing {
  ctx: SinkContext;
  gain: GainNode;
  deviceId: string | undefined;
  source?: AudioBufferSourceNode;
}

/** The WebAudio tone player. Silent (never throwing) where there is no AudioContext. */
export function createTonePlayer(): TonePlayer {
  const playing = new Map<ToneKind, Playing>();

  function stop(tone: ToneKind): void {
    const entry = playing.get(tone);
    if (!entry) return;
    playing.delete(tone);
    try {
      entry.source?.stop();
    } catch {
      // Not started yet.
    }
    void entry.ctx.close().catch(() => undefined);
  }

  function play(tone: ToneKind, output: ToneOutput): void {
    if (typeof AudioContext !== 'function') return;
    const current = playing.get(tone);
    if (current && current.deviceId === output.deviceId && tone !== 'test') {
      current.gain.gain.setTargetAtTime(volumeGain(output.volume), current.ctx.currentTime, 0.05);
      return;
    }
    stop(tone);
    let entry: Playing;
    try {
      const ctx: SinkContext = new AudioContext({ latencyHint: 'playback' });
      const gain = ctx.createGain();
      gain.gain.value = volumeGain(output.volume);
      gain.connect(ctx.destination);
      entry = { ctx, gain, deviceId: output.deviceId };
    } catch {
      return; // No audio device at all: the banner and the title still show the call.
    }
    playing.set(tone, entry);
    void (async () => {
      if (output.deviceId) await setContextSink(entry.ctx, output.deviceId);
      const buffer = await patternBuffer(tone);
      if (playing.get(tone) !== entry) return;
      const source = entry.ctx.createBufferSource();
      source.buffer = buffer;
      source.loop = TONE_PATTERNS[tone].loop;
      source.connect(entry.gain);
      if (!source.loop) source.onended = () => playing.get(tone) === entry && stop(tone);
      source.start();
      entry.source = source;
      void entry.ctx.resume().catch(() => undefined);
    })().catch(() => stop(tone));
  }

  return {
    play,
    stop,
    stopAll() {
      for (const tone of [...playing.keys()]) stop(tone);
    },
  };
}

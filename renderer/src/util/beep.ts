/**
 * A short reminder tone through WebAudio (the hold reminder). Silent where there is no AudioContext (tests, locked
 * down browsers). Exported as an object so tests can replace `sound.beep`.
 */
type AudioContextCtor = new () => AudioContext;

function audioContextCtor(): AudioContextCtor | undefined {
  const scope = globalThis as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return scope.AudioContext ?? scope.webkitAudioContext;
}

export const sound = {
  /** Two short 880 Hz pips, about half a second in all. */
  beep(): void {
    const Ctor = audioContextCtor();
    if (typeof Ctor !== 'function') return;
    try {
      const ctx = new Ctor();
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.value = 0.15;
      const start = ctx.currentTime;
      for (const offset of [0, 0.25]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = 880;
        osc.connect(gain);
        osc.start(start + offset);
        osc.stop(start + offset + 0.15);
        if (offset > 0) osc.onended = () => void ctx.close();
      }
    } catch {
      // Audio may be blocked (no user gesture yet, no device): the visual highlight still shows.
    }
  },
};

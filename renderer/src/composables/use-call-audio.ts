/**
 * Call audio follows the calls (issue 10 §2–3): the engine runs while some call needs audio — dialling, ringing
 * at the far end, early media, talking or held (RTP flows on hold too) — and stops when none does, so the
 * microphone is not open all day. Tones: the ringtone while a call rings here and nobody talks; the call-waiting
 * beeps in the headset when a call rings during a conversation; local ringback while the far end's phone rings (180
 * without early media — in `early` the PBX's own media plays).
 *
 * Started once by the app (main.ts) with the WebAudio backend; tests start it with a fake backend.
 */
import { effectScope, watch } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { AudioBackend, ToneKind } from '../audio/backend';
import { useAudioStore } from '../stores/audio';
import { useCallsStore } from '../stores/calls';

/** Whether `call` needs the audio engine (microphone and call output). */
export function needsAudio(call: Pick<CallView, 'state' | 'direction'>): boolean {
  switch (call.state) {
    case 'dialling':
    case 'early':
    case 'connected':
    case 'held':
      return true;
    case 'ringing':
      return call.direction === 'outgoing';
    default:
      return false;
  }
}

/** The tones `calls` ask for, in a fixed order. */
export function wantedTones(calls: readonly Pick<CallView, 'state' | 'direction'>[]): ToneKind[] {
  const talking = calls.some((call) => call.state === 'connected');
  const ringingHere = calls.some((call) => call.direction === 'incoming' && call.state === 'ringing');
  const ringingThere = calls.some((call) => call.direction === 'outgoing' && call.state === 'ringing');
  const tones: ToneKind[] = [];
  if (ringingHere) tones.push(talking ? 'waiting' : 'ring');
  if (ringingThere && !talking) tones.push('ringback');
  return tones;
}

/** Connects the calls to the audio store and `backend`. Returns the function that stops it all. */
export function startCallAudio(backend: AudioBackend): () => Promise<void> {
  const audio = useAudioStore();
  const calls = useCallsStore();
  const detach = audio.attach(backend);
  const scope = effectScope(true);
  scope.run(() => {
    watch(
      () => calls.calls.some(needsAudio),
      (need) => void audio.setWanted(need),
      { immediate: true },
    );
    watch(
      () => wantedTones(calls.calls).join(','),
      (list) => audio.setTones(list ? (list.split(',') as ToneKind[]) : []),
      { immediate: true },
    );
  });
  return async () => {
    scope.stop();
    audio.setTones([]);
    await detach();
  };
}

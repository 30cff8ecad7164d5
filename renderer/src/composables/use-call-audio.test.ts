import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallView } from '../../../shared/calls';
import { wireEvents } from '../api/wire-events';
import { useAudioStore } from '../stores/audio';
import { createFakeApi, makeCall, makeSnapshot, type FakeConsoleApi } from '../testing/fake-console-api';
import { createFakeAudio, type FakeAudio } from '../testing/fake-audio';
import { needsAudio, startCallAudio, wantedTones } from './use-call-audio';

let fake: FakeConsoleApi;
let sound: FakeAudio;
let stop: (() => Promise<void>) | undefined;

async function start(calls: CallView[] = []): Promise<void> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  sound = createFakeAudio();
  stop = startCallAudio(sound.backend);
  await flushPromises();
}

async function change(calls: CallView[]): Promise<void> {
  fake.emit('calls.changed', calls);
  await flushPromises();
}

const tones = (): string[] => [...sound.tones.keys()].sort();

beforeEach(() => setActivePinia(createPinia()));
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('which calls need audio', () => {
  it('is every call on its way or in progress, but not one ringing here or over', () => {
    expect(needsAudio({ state: 'dialling', direction: 'outgoing' })).toBe(true);
    expect(needsAudio({ state: 'ringing', direction: 'outgoing' })).toBe(true);
    expect(needsAudio({ state: 'early', direction: 'outgoing' })).toBe(true);
    expect(needsAudio({ state: 'connected', direction: 'incoming' })).toBe(true);
    expect(needsAudio({ state: 'held', direction: 'incoming' })).toBe(true);
    expect(needsAudio({ state: 'ringing', direction: 'incoming' })).toBe(false);
    expect(needsAudio({ state: 'ended', direction: 'incoming' })).toBe(false);
  });

  it('rings, beeps call waiting or plays ringback as the calls ask', () => {
    const ringing = { state: 'ringing', direction: 'incoming' } as const;
    const talking = { state: 'connected', direction: 'incoming' } as const;
    const out = { state: 'ringing', direction: 'outgoing' } as const;
    expect(wantedTones([ringing])).toEqual(['ring']);
    expect(wantedTones([talking, ringing])).toEqual(['waiting']);
    expect(wantedTones([{ state: 'held', direction: 'incoming' }, ringing])).toEqual(['ring']);
    expect(wantedTones([out])).toEqual(['ringback']);
    expect(wantedTones([{ state: 'early', direction: 'outgoing' }])).toEqual([]);
    expect(wantedTones([talking])).toEqual([]);
  });
});

describe('call audio', () => {
  it('rings without opening the microphone, runs the engine from the answer, and stops it after the last call', async () => {
    await start([makeCall('c1')]);
    const audio = useAudioStore();
    expect(tones()).toEqual(['ring']);
    expect(sound.engines).toHaveLength(0);

    await change([makeCall('c1', { state: 'connected' })]);
    expect(tones()).toEqual([]);
    expect(sound.engine?.running).toBe(true);
    expect(audio.engineState).toBe('running');

    // A second caller while talking: call-waiting beeps in the headset, not the ringtone on the speakers.
    await change([makeCall('c1', { state: 'connected' }), makeCall('c2')]);
    expect(tones()).toEqual(['waiting']);
    expect(sound.engines).toHaveLength(1);

    await change([makeCall('c1', { state: 'held', hold: { local: true, remote: false } }), makeCall('c2', { state: 'ended', end: { cause: 'missed' } })]);
    expect(tones()).toEqual([]);
    expect(sound.engine?.running).toBe(true);

    await change([makeCall('c1', { state: 'ended', end: { cause: 'local-hangup' } })]);
    expect(sound.engine?.running).toBe(false);
    expect(sound.engine?.log).toEqual(['start', 'stop']);
    expect(audio.engineState).toBe('off');
  });

  it('plays local ringback while the far end rings, and leaves early media to the PBX', async () => {
    await start();
    const dialled = { direction: 'outgoing' as const, far: { number: '205', uri: 'sip:205@pbx.example.com' } };
    await change([makeCall('d1', { ...dialled, state: 'dialling' })]);
    expect(sound.engine?.running).toBe(true);
    expect(tones()).toEqual([]);
    await change([makeCall('d1', { ...dialled, state: 'ringing' })]);
    expect(tones()).toEqual(['ringback']);
    await change([makeCall('d1', { ...dialled, state: 'early' })]);
    expect(tones()).toEqual([]);
    await change([makeCall('d1', { ...dialled, state: 'connected' })]);
    expect(sound.engines).toHaveLength(1);
    expect(sound.engine?.running).toBe(true);
  });

  it('takes the calls in progress at start (a reload during a call)', async () => {
    await start([makeCall('c1', { state: 'connected' })]);
    expect(sound.engine?.running).toBe(true);
  });

  it('stops everything when stopped', async () => {
    await start([makeCall('c1', { state: 'connected' }), makeCall('c2')]);
    expect(tones()).toEqual(['waiting']);
    await stop!();
    stop = undefined;
    expect(tones()).toEqual([]);
    expect(sound.engine?.running).toBe(false);
  });
});

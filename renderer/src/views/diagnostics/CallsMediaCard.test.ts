import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useAudioStore } from '../../stores/audio';
import { useCallsStore } from '../../stores/calls';
import { makeCall } from '../../testing/fake-console-api';
import { createFakeAudio } from '../../testing/fake-audio';
import CallsMediaCard from './CallsMediaCard.vue';

enableAutoUnmount(afterEach);
beforeEach(() => setActivePinia(createPinia()));

describe('CallsMediaCard', () => {
  it('says when there are no calls', () => {
    const wrapper = mount(CallsMediaCard);
    expect(wrapper.get('[data-testid="diag-calls"]').text()).toContain('No calls right now.');
    expect(wrapper.get('[data-testid="diag-audio-engine"]').text()).toBe('Audio in this window: Idle — opens with the next call');
  });

  it('shows every figure of each call, and dashes for what is not known yet', async () => {
    useCallsStore().apply([
      makeCall('c1', {
        state: 'connected',
        far: { number: '205', uri: 'sip:205@pbx.example.com', name: 'Paul Zimmermann' },
        media: {
          codec: 'PCMA',
          packetsSent: 1500,
          packetsReceived: 1497,
          telephoneEvent: true,
          srtp: true,
          quality: { rating: 'good', mos: 4.31, lossPercent: 0.2, jitterMs: 3.4, jitterBufferMs: 40, concealedPercent: 0.1, roundTripMs: 32, remoteLossPercent: 0, remoteJitterMs: 2.1 },
        },
      }),
      makeCall('c2', { state: 'connected', media: { codec: 'PCMU', packetsSent: 12, packetsReceived: 0, telephoneEvent: false } }),
    ]);
    const sound = createFakeAudio();
    const audio = useAudioStore();
    audio.attach(sound.backend);
    await audio.setWanted(true);
    sound.engine!.hooks.onLevels({ input: { rmsDbfs: -40, peak: 0 }, output: { rmsDbfs: -40, peak: 0 }, playout: { underruns: 3, dropped: 1, queued: 2 } });
    const wrapper = mount(CallsMediaCard);
    const cells = (id: string) => wrapper.findAll(`[data-testid="diag-call-${id}"] th, [data-testid="diag-call-${id}"] td`).map((cell) => cell.text());
    expect(cells('c1')).toEqual(['Paul ZimmermannLine 1 · talking', 'PCMA', 'yes', '1,500 / 1,497', '0.2 %', '3.4 ms', '40 ms', '0.1 %', '32 ms', '0 % · 2.1 ms', '4.31 · good']);
    expect(cells('c2')).toEqual(['102Line 1 · talking', 'PCMU', 'no', '12 / 0', '–', '–', '–', '–', '–', '– · –', '–']);
    expect(wrapper.get('[data-testid="diag-audio-engine"]').text()).toBe(
      'Audio in this window: On: a call is using the audio · playout queue 2, underruns 3, dropped 1',
    );
  });
});

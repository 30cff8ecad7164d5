import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { usePresenceStore } from '../../stores/presence';
import { useSettingsStore } from '../../stores/settings';
import { makePresence, makeSettings } from '../../testing/fake-console-api';
import PresenceLines from './PresenceLines.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  usePresenceStore().apply(makePresence({ watchers: [] }));
});

describe('PresenceLines watcher list', () => {
  it('says the list is switched off rather than that nobody watches, while no line opted in', async () => {
    const settings = useSettingsStore();
    const optedOut = makeSettings();
    optedOut.lines = optedOut.lines.map(({ watcherInfo: _, ...line }) => line);
    settings.applySaved(optedOut);
    const wrapper = mount(PresenceLines);
    expect(wrapper.get('[data-testid="presence-watchers"]').text()).toContain('The watcher list is off');
    settings.applySaved(makeSettings());
    await wrapper.vm.$nextTick();
    expect(wrapper.get('[data-testid="presence-watchers"]').text()).toBe('Nobody is watching your presence — or the server does not say.');
  });
});

import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../App.vue';
import { useView } from '../composables/use-view';
import { useSettingsStore } from '../stores/settings';
import { makeSettings } from '../testing/fake-console-api';
import SettingsProblems from './SettingsProblems.vue';

const PROBLEM =
  '/data/settings.json was refused: SIP timers: T1 must be a whole number of milliseconds from 50 to 10000 (field sip.t1Ms); ' +
  'Line 1: domain must be a host name (field lines.0.domain); and 2 more problems. The file was left untouched; the last good settings are in use.';

beforeEach(() => {
  setActivePinia(createPinia());
  useView().go('panel');
});
enableAutoUnmount(afterEach);

describe('SettingsProblems', () => {
  it('shows nothing while the settings file loaded fine', () => {
    useSettingsStore().applySaved(makeSettings());
    expect(mount(SettingsProblems).find('[data-testid="settings-problems"]').exists()).toBe(false);
  });

  it('lists every problem with its field, counts the rest, and leads to Settings', async () => {
    useSettingsStore().applySaved(makeSettings(), PROBLEM);
    const wrapper = mount(SettingsProblems);
    const items = wrapper.findAll('li').map((li) => li.text());
    expect(items[0]).toContain('SIP timers: T1 must be');
    expect(items[0]).toContain('sip.t1Ms');
    expect(items[1]).toContain('lines.0.domain');
    expect(items[2]).toBe('2 more not shown');
    expect(wrapper.text()).toContain('/data/settings.json was refused');
    await wrapper.get('[data-testid="fix-in-settings"]').trigger('click');
    expect(useView().current.value).toBe('settings');
  });

  it('on the Settings screen turns each problem into a link to its field', async () => {
    useSettingsStore().applySaved(makeSettings(), PROBLEM);
    const wrapper = mount(SettingsProblems, { props: { inSettings: true } });
    expect(wrapper.find('[data-testid="fix-in-settings"]').exists()).toBe(false);
    await wrapper.get('li .linkish').trigger('click');
    expect(wrapper.emitted('focus')?.[0]).toEqual(['sip.t1Ms']);
  });

  it('appears above the Panel, Lines, Presence and Keys screens, not others', async () => {
    useSettingsStore().applySaved(makeSettings(), PROBLEM);
    const app = mount(App, { attachTo: document.body });
    for (const view of ['panel', 'lines', 'presence', 'keys'] as const) {
      useView().go(view);
      await app.vm.$nextTick();
      expect(app.findAll('[data-testid="settings-problems"]'), view).toHaveLength(1);
    }
    useView().go('history');
    await app.vm.$nextTick();
    expect(app.find('[data-testid="settings-problems"]').exists()).toBe(false);
  });
});

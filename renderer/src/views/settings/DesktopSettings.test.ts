import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useConnectionStore } from '../../stores/connection';
import { useSettingsStore } from '../../stores/settings';
import { makeSettings } from '../../testing/fake-console-api';
import { toInput } from '../../util/settings-draft';
import DesktopSettings from './DesktopSettings.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  useSettingsStore().applySaved(makeSettings());
});

describe('DesktopSettings', () => {
  it('edits start at login and the answer shortcut into settings.desktop', async () => {
    useConnectionStore().app = { version: '1', mode: 'electron' };
    const wrapper = mount(DesktopSettings);
    expect(wrapper.find('[data-testid="desktop-browser-note"]').exists()).toBe(false);
    const shortcut = wrapper.get<HTMLInputElement>('[data-testid="desktop-field-answerShortcut"]');
    expect(shortcut.element.value).toBe('CommandOrControl+Shift+F9');
    await wrapper.get('[data-testid="desktop-field-startAtLogin"]').setValue(true);
    await wrapper.get('[data-testid="desktop-shortcut-off"]').trigger('click');
    expect(toInput(useSettingsStore().draft).desktop).toEqual({ startAtLogin: true, answerShortcut: '' });
    expect(useSettingsStore().dirty).toBe(true);
  });

  it('names the problem of a shortcut that would take a typing key', async () => {
    const wrapper = mount(DesktopSettings);
    const shortcut = wrapper.get<HTMLInputElement>('[data-testid="desktop-field-answerShortcut"]');
    await shortcut.setValue('Shift+A');
    expect(shortcut.attributes('aria-invalid')).toBe('true');
    expect(shortcut.element.closest('.field')?.textContent).toContain('needs a modifier besides Shift');
    await wrapper.get('[data-testid="desktop-shortcut-default"]').trigger('click');
    expect(shortcut.element.value).toBe('CommandOrControl+Shift+F9');
    expect(shortcut.attributes('aria-invalid')).toBe('false');
  });

  it('says in the browser that the settings apply in the desktop app', () => {
    useConnectionStore().app = { version: '1', mode: 'serve' };
    const wrapper = mount(DesktopSettings);
    expect(wrapper.get('[data-testid="desktop-browser-note"]').text()).toContain('apply in the desktop app');
  });
});

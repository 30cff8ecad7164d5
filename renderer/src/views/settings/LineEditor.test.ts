import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../../shared/settings';
import { useConsoleApiStore } from '../../stores/console-api';
import { useSettingsStore } from '../../stores/settings';
import { createFakeApi, makeSettings } from '../../testing/fake-console-api';
import LineEditor from './LineEditor.vue';

let saved: SettingsInput[];

beforeEach(() => {
  setActivePinia(createPinia());
  saved = [];
  const fake = createFakeApi({
    'settings.save': (input) => {
      saved.push(input);
      return { ok: true, value: { ...input, lines: input.lines.map(({ password: _, ...line }) => ({ ...line, hasPassword: true })) } };
    },
  });
  useConsoleApiStore().api = fake.api;
  const settings = makeSettings();
  settings.lines[0] = { ...settings.lines[0]!, featureCodes: { dnd: '*78' } };
  useSettingsStore().applySaved(settings);
});

describe('LineEditor watcher list', () => {
  it('is off by default, warns about memory-only Kamailio, and saves the opt-in for that line only', async () => {
    const settings = useSettingsStore();
    settings.select('l2');
    const wrapper = mount(LineEditor);
    const box = wrapper.get<HTMLInputElement>('[data-testid="line-field-watcherInfo"]');
    expect(box.element.checked).toBe(false);
    expect(wrapper.get(`#${box.attributes('aria-describedby')}`).text()).toContain('Kamailio 5.6 with memory-only subscriptions');
    expect(settings.dirty).toBe(false);

    await box.setValue(true);
    expect(settings.dirty).toBe(true);
    expect(await settings.save()).toBe(true);
    await flushPromises();
    expect(saved[0]?.lines.map((line) => line.watcherInfo)).toEqual([true, true]);
    // What this screen does not edit survives the save.
    expect(saved[0]?.lines[0]?.featureCodes).toEqual({ dnd: '*78' });
    expect(box.element.checked).toBe(true);
    await box.setValue(false);
    expect(settings.dirty).toBe(true);
    expect(await settings.save()).toBe(true);
    expect(saved[1]?.lines[1]).not.toHaveProperty('watcherInfo');
  });
});

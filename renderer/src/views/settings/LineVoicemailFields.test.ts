/** Issue 12 §6: the line's mailbox settings — watched by default, a voicemail number for "Call voicemail". */
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
  useSettingsStore().applySaved(makeSettings());
});

describe('LineEditor voicemail', () => {
  it('watches the mailbox by default and stores only a switch-off, with the voicemail number', async () => {
    const settings = useSettingsStore();
    settings.select('l1');
    const wrapper = mount(LineEditor);
    const box = wrapper.get<HTMLInputElement>('[data-testid="line-field-mwi"]');
    expect(box.element.checked).toBe(true);
    expect(settings.dirty).toBe(false);
    await box.setValue(false);
    await wrapper.get('[data-testid="line-field-mailboxCode"]').setValue('*97');
    expect(await settings.save()).toBe(true);
    await flushPromises();
    expect(saved[0]?.lines[0]).toMatchObject({ mwi: false, mailboxCode: '*97' });
    expect(saved[0]?.lines[1]).not.toHaveProperty('mwi');
    expect(saved[0]?.lines[1]).not.toHaveProperty('mailboxCode');
  });

  it('names the field when the voicemail number is not dialable', async () => {
    const settings = useSettingsStore();
    settings.select('l1');
    const wrapper = mount(LineEditor);
    await wrapper.get('[data-testid="line-field-mailboxCode"]').setValue('*97 x');
    await flushPromises();
    expect(settings.fieldError('lines.0.mailboxCode')).toBe('Line 1: voicemail number must be 1–32 digits, letters, *, # or +');
  });
});

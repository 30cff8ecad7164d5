import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { toPublicSettings, type Settings, type SettingsInput } from '../../../../shared/settings';
import { validateSettingsInput } from '../../../../shared/settings-validate';
import { wireEvents } from '../../api/wire-events';
import { useSettingsStore } from '../../stores/settings';
import { createFakeApi, makeSettings, makeSnapshot } from '../../testing/fake-console-api';
import SettingsView from './SettingsView.vue';

let saved: SettingsInput[];

beforeEach(async () => {
  setActivePinia(createPinia());
  saved = [];
  const fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ app: { version: '1', mode: 'serve' }, settings: makeSettings(), lines: [] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'settings.save': (input) => {
      saved.push(input);
      const stored = { ...makeSettings(), lines: [] } as unknown as Settings;
      const result = validateSettingsInput(input, stored);
      return result.ok ? { ok: true, value: toPublicSettings(result.value) } : result;
    },
  });
  await wireEvents(fake.api).ready;
});

function fieldText(wrapper: ReturnType<typeof mount>, testid: string): string {
  return wrapper.get(`[data-testid="${testid}"]`).element.closest('.field')?.textContent ?? '';
}

describe('Settings: presence, calls, appearance and line presence', () => {
  it('validates auto-away as typed, naming the field, and a failed save keeps the text', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    const minutes = wrapper.get<HTMLInputElement>('[data-testid="presence-field-autoAwayMinutes"]');
    await minutes.setValue('900');
    expect(fieldText(wrapper, 'presence-field-autoAwayMinutes')).toContain('Automatic away must be a whole number of minutes from 0 (off) to 480');
    await wrapper.get('[data-testid="save-settings"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(0);
    expect(minutes.element.value).toBe('900');
    expect(document.activeElement).toBe(minutes.element);
    wrapper.unmount();
  });

  it('adds a custom state whose id follows its label, removes one, and saves the rest with the other new settings', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await wrapper.get('[data-testid="add-custom-state"]').trigger('click');
    await wrapper.get('[data-testid="custom-state-label-3"]').setValue('School run');
    expect(wrapper.get<HTMLInputElement>('[data-testid="custom-state-id-3"]').element.value).toBe('school-run');
    await wrapper.get('[data-testid="custom-state-base-3"]').setValue('xa');
    await wrapper.get('[data-testid="custom-state-remove-1"]').trigger('click');
    await wrapper.get('[data-testid="presence-field-autoAwayMinutes"]').setValue('15');
    await wrapper.get('[data-testid="calls-field-holdReminderSeconds"]').setValue('90');
    await wrapper.get('[data-testid="ui-field-theme"]').setValue('dark');
    await wrapper.get('[data-testid="ui-field-language"]').setValue('de');
    await wrapper.get('[data-testid="settings-line-1"] .pick').trigger('click');
    await wrapper.get('[data-testid="line-field-featureCode-dnd"]').setValue('*78');
    await wrapper.get('[data-testid="line-field-busyWhenOnCall"]').setValue(true);

    await wrapper.get('[data-testid="save-settings"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.presence).toEqual({
      autoAwayMinutes: 15,
      onThePhone: true,
      customStates: [
        { id: 'meeting', label: 'In a meeting', base: 'dnd' },
        { id: 'school-run', label: 'School run', base: 'xa' },
      ],
    });
    expect(saved[0]!.calls.holdReminderSeconds).toBe(90);
    expect(saved[0]!.ui).toEqual({ language: 'de', theme: 'dark' });
    expect(saved[0]!.lines[0]).toMatchObject({ featureCodes: { dnd: '*78' }, busyWhenOnCall: true });
    expect(useSettingsStore().dirty).toBe(false);
    wrapper.unmount();
  });

  it('names a bad feature code at its field and shows SRTP only where it applies', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await wrapper.get('[data-testid="settings-line-1"] .pick').trigger('click');
    await wrapper.get('[data-testid="line-field-featureCode-away"]').setValue('*8 0');
    expect(fieldText(wrapper, 'line-field-featureCode-away')).toContain('Feature code for away must be');
    expect(wrapper.find('[data-testid="line-field-srtp"]').exists()).toBe(false);
    await wrapper.get('[data-testid="line-field-transport"]').setValue('tls');
    await wrapper.get('[data-testid="line-field-srtp"]').setValue('require');
    await wrapper.get('[data-testid="line-field-transport"]').setValue('udp');
    // A refused SRTP choice stays visible with its error instead of hiding with the TLS fields.
    expect(fieldText(wrapper, 'line-field-srtp')).toContain('SRTP can only be required on a TLS line');
    wrapper.unmount();
  });

  it('opens the NOTIFY limits for a custom profile and links to the keys for resource lists', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    expect(wrapper.find('[data-testid="notify-field-ratePerSecond"]').exists()).toBe(false);
    await wrapper.get('[data-testid="notify-field-profile"]').setValue('custom');
    await wrapper.get('[data-testid="notify-field-ratePerSecond"]').setValue('0');
    await wrapper.get('[data-testid="save-settings"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(0);
    expect(wrapper.get('details.advanced').attributes('open')).toBeDefined();
    expect(wrapper.find('[data-testid="open-keys"]').exists()).toBe(true);
    wrapper.unmount();
  });
});

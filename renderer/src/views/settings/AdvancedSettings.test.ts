import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { NOTIFY_PROFILES } from '../../../../shared/tiles';
import { useSettingsStore } from '../../stores/settings';
import { makeSettings } from '../../testing/fake-console-api';
import { toInput } from '../../util/settings-draft';
import AdvancedSettings from './AdvancedSettings.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  useSettingsStore().applySaved(makeSettings());
});

describe('AdvancedSettings subscription expiry', () => {
  it('shows the saved expiry and names the field when the value is out of range', async () => {
    const wrapper = mount(AdvancedSettings);
    const field = wrapper.get<HTMLInputElement>('[data-testid="sip-field-subscriptionExpiresSeconds"]');
    expect(field.element.value).toBe('600');
    expect(field.element.closest('.field')?.textContent).toContain('Subscription expiry (s)');
    await field.setValue('30');
    expect(field.attributes('aria-invalid')).toBe('true');
    expect(field.element.closest('.field')?.textContent).toContain('Subscription expiry must be a whole number of seconds from 60 to 3600');
    await field.setValue('900');
    expect(toInput(useSettingsStore().draft).sip.subscriptionExpiresSeconds).toBe(900);
    expect(field.element.closest('.field')?.textContent).not.toContain('must be');
  });
});

describe('AdvancedSettings NOTIFY profile', () => {
  it('names the limits each preset applies, read from the presets themselves', () => {
    const wrapper = mount(AdvancedSettings);
    const options = wrapper.get('[data-testid="notify-field-profile"]').findAll('option').map((o) => o.text());
    const { console: consoleProfile, phone } = NOTIFY_PROFILES;
    const en = (n: number): string => n.toLocaleString('en-US');
    expect(options).toEqual([
      `Console, large panels (${en(consoleProfile.ratePerSecond)}/s, queue ${en(consoleProfile.queueBound)})`,
      `Phone (${en(phone.ratePerSecond)}/s, queue ${en(phone.queueBound)})`,
      'Custom',
    ]);
  });
});

import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../../shared/settings';
import { wireEvents } from '../../api/wire-events';
import { useSettingsStore } from '../../stores/settings';
import { createFakeApi, makeSettings, makeSnapshot, type FakeConsoleApi } from '../../testing/fake-console-api';
import SettingsView from './SettingsView.vue';

let fake: FakeConsoleApi;
let saved: SettingsInput[];

beforeEach(async () => {
  setActivePinia(createPinia());
  saved = [];
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ app: { version: '1', mode: 'serve' }, settings: makeSettings(), lines: [] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'settings.save': (input) => {
      saved.push(input);
      return { ok: false, error: { code: 'invalid-settings', message: 'Line 2: registrar must be host[:port]', field: 'lines.1.registrar' } };
    },
  });
  await wireEvents(fake.api).ready;
});

async function openLine(wrapper: ReturnType<typeof mount>, n: number): Promise<void> {
  await wrapper.get(`[data-testid="settings-line-${n}"] .pick`).trigger('click');
}

describe('SettingsView', () => {
  it('shows the validator message next to the field as the user types', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await openLine(wrapper, 1);
    const domain = wrapper.get('[data-testid="line-field-domain"]');
    await domain.setValue('pbx..example.com');
    const field = domain.element.closest('.field');
    expect(field?.textContent).toContain('Domain must be a host name');
    expect(domain.attributes('aria-invalid')).toBe('true');
    await domain.setValue('pbx.example.org');
    expect(domain.element.closest('.field')?.textContent).not.toContain('must be');
    wrapper.unmount();
  });

  it('keeps what was typed and shows the server error at its field when the save fails', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await openLine(wrapper, 2);
    await wrapper.get('[data-testid="line-field-registrar"]').setValue('reg.example.org:5070');
    await wrapper.get('[data-testid="line-field-password"]').setValue('n3w-secret');
    expect(wrapper.get('[data-testid="settings-state"]').text()).toBe('Unsaved changes');

    await wrapper.get('[data-testid="save-settings"]').trigger('click');
    await flushPromises();

    expect(saved).toHaveLength(1);
    expect(saved[0]?.lines[1]).toMatchObject({ registrar: 'reg.example.org:5070', password: 'n3w-secret' });
    expect(wrapper.get('[data-testid="settings-error"]').text()).toContain('Line 2: registrar must be host[:port]');
    const registrar = wrapper.get<HTMLInputElement>('[data-testid="line-field-registrar"]');
    expect(registrar.element.value).toBe('reg.example.org:5070');
    expect(registrar.element.closest('.field')?.textContent).toContain('Registrar must be host[:port]');
    expect(wrapper.get<HTMLInputElement>('[data-testid="line-field-password"]').element.value).toBe('n3w-secret');
    expect(wrapper.get('[data-testid="settings-state"]').text()).toBe('Unsaved changes');
    expect(document.activeElement).toBe(registrar.element);
    wrapper.unmount();
  });

  it('does not send invalid settings and lists what needs attention', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await wrapper.get('[data-testid="add-line"]').trigger('click');
    await wrapper.get('[data-testid="save-settings"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(0);
    const error = wrapper.get('[data-testid="settings-error"]').text();
    expect(error).toContain('Line 3: user must be');
    expect(error).toContain('Line 3: domain must be');
    wrapper.unmount();
  });

  it('shows the stored password as write-only and can clear it explicitly', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await openLine(wrapper, 1);
    const password = wrapper.get<HTMLInputElement>('[data-testid="line-field-password"]');
    expect(password.element.value).toBe('');
    expect(password.attributes('placeholder')).toBe('•••• stored');
    await wrapper.get('[data-testid="line-password-clear"]').trigger('click');
    expect(wrapper.text()).toContain('The stored password will be removed on save.');
    expect(useSettingsStore().draft.lines[0]?.clearPassword).toBe(true);
    wrapper.unmount();
  });

  it('shows TLS trust fields only for TLS, and Esc puts the line back', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    await openLine(wrapper, 1);
    expect(wrapper.find('[data-testid="line-field-fingerprint256"]').exists()).toBe(false);
    await wrapper.get('[data-testid="line-field-transport"]').setValue('tls');
    expect(wrapper.find('[data-testid="line-field-fingerprint256"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="line-field-caFile"]').exists()).toBe(true);
    await wrapper.get('[data-testid="line-field-user"]').setValue('555');
    await wrapper.get('[data-testid="line-field-user"]').trigger('keydown', { key: 'Escape' });
    expect(useSettingsStore().draft.lines[0]).toMatchObject({ user: '101', transport: 'udp' });
    expect(wrapper.find('[data-testid="line-field-user"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('reorders with Alt+Arrow keys on a line and keeps focus on it', async () => {
    const wrapper = mount(SettingsView, { attachTo: document.body });
    const pick = wrapper.get('[data-testid="settings-line-2"] .pick');
    await pick.trigger('keydown', { key: 'ArrowUp', altKey: true });
    await flushPromises();
    expect(useSettingsStore().draft.lines.map((line) => line.id)).toEqual(['l2', 'l1']);
    expect((document.activeElement as HTMLElement | null)?.dataset.lineId).toBe('l2');
    wrapper.unmount();
  });
});

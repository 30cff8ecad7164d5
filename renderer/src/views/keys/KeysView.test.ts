import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../../shared/settings';
import type { TileConfig } from '../../../../shared/tiles';
import { wireEvents } from '../../api/wire-events';
import { createFakeApi, makeSettings, makeSnapshot, type FakeConsoleApi } from '../../testing/fake-console-api';
import KeysView from './KeysView.vue';

enableAutoUnmount(afterEach);

let fake: FakeConsoleApi;
let saved: SettingsInput[];
let imported: string[];

const key = (n: number, group?: string): TileConfig => ({
  id: `k${n}`,
  name: `Ext ${n}`,
  uri: String(n),
  watch: ['dialog', 'presence'],
  action: { kind: 'call', uri: String(n) },
  ...(group ? { group } : {}),
});

beforeEach(async () => {
  setActivePinia(createPinia());
  saved = [];
  imported = [];
  const settings = { ...makeSettings(), tiles: [key(101, 'Front'), key(102, 'Front'), key(103)] };
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ settings }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'settings.save': (input) => {
      saved.push(structuredClone(input));
      return { ok: true, value: { ...input, lines: settings.lines } };
    },
    'tiles.importXml': ({ xml }) => {
      imported.push(xml);
      if (!xml.includes('<key>')) return { ok: false, error: { code: 'invalid-argument', message: 'not a key configuration' } };
      return { ok: true, value: [key(77), { ...key(101), name: 'Duplicate id' }] };
    },
  });
  await wireEvents(fake.api).ready;
});

async function openKey(wrapper: ReturnType<typeof mount>, n: number): Promise<void> {
  await wrapper.get(`[data-testid="key-${n}"] .pick`).trigger('click');
}

describe('KeysView', () => {
  it('names a bad URI at its field as it is typed, and keeps it from being saved', async () => {
    const wrapper = mount(KeysView, { attachTo: document.body });
    await openKey(wrapper, 2);
    const uri = wrapper.get('[data-testid="tile-field-uri"]');
    await uri.setValue('sip:@pbx');
    const field = uri.element.closest('.field');
    expect(field?.textContent).toContain('Address must be an extension');
    expect(uri.attributes('aria-invalid')).toBe('true');
    // The call address follows the key's own address: its error is not repeated.
    expect(wrapper.get('[data-testid="tile-field-actionUri"]').attributes('aria-invalid')).toBe('false');

    await wrapper.get('[data-testid="save-keys"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(0);
    expect(wrapper.get('[data-testid="keys-error"]').text()).toContain('Key 2: address must be');

    await uri.setValue('sip:102@pbx.example.com');
    expect(uri.element.closest('.field')?.textContent).not.toContain('must be');
  });

  it('adds, edits and reorders keys, and saves them with the whole settings', async () => {
    const wrapper = mount(KeysView, { attachTo: document.body });
    await openKey(wrapper, 1);
    await wrapper.get('[data-testid="tile-editor-add"]').trigger('click');
    await wrapper.get('[data-testid="tile-field-name"]').setValue('Night porter');
    await wrapper.get('[data-testid="tile-field-uri"]').setValue('150');
    await wrapper.get('[data-testid="tile-field-watchPresence"]').setValue(false);
    await wrapper.get('[data-testid="tile-field-line"]').setValue('2');
    const pick = wrapper.get('[data-testid="key-2"] .pick');
    expect(pick.text()).toContain('Night porter');
    await pick.trigger('keydown', { key: 'ArrowDown', altKey: true });
    expect(wrapper.get('[data-testid="key-3"] .pick').text()).toContain('Night porter');

    await wrapper.get('[data-testid="save-keys"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveLength(1);
    const tiles = saved[0]?.tiles ?? [];
    expect(tiles.map((tile) => tile.name)).toEqual(['Ext 101', 'Ext 102', 'Night porter', 'Ext 103']);
    // Added after the selected key, in its group, calling its own address on line 2.
    expect(tiles[2]).toMatchObject({ uri: '150', line: 2, group: 'Front', watch: ['dialog'], action: { kind: 'call', uri: '150' } });
    expect(saved[0]?.lines).toHaveLength(2);
  });

  it('imports keys from XML through main, previews them and appends them with fresh ids', async () => {
    const wrapper = mount(KeysView, { attachTo: document.body });
    await wrapper.get('[data-testid="tile-import"]').trigger('click');
    const xml = wrapper.get('[data-testid="tile-import-xml"]');

    await xml.setValue('<nonsense/>');
    await wrapper.get('[data-testid="tile-import-read"]').trigger('click');
    await flushPromises();
    expect(wrapper.text()).toContain('Could not read the XML: not a key configuration');

    await xml.setValue('<key><keyConfiguration/></key>');
    await wrapper.get('[data-testid="tile-import-read"]').trigger('click');
    await flushPromises();
    expect(imported).toEqual(['<nonsense/>', '<key><keyConfiguration/></key>']);
    const rows = wrapper.findAll('[data-testid="tile-import-preview"] tbody tr');
    expect(rows.map((row) => row.text())).toEqual([expect.stringContaining('Ext 77'), expect.stringContaining('Duplicate id')]);

    await wrapper.get('[data-testid="tile-import-append"]').trigger('click');
    expect(wrapper.find('[data-testid="tile-import-panel"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid^="key-"]').map((el) => el.find('.name').text())).toEqual([
      'Ext 101',
      'Ext 102',
      'Ext 103',
      'Ext 77',
      'Duplicate id',
    ]);
    await wrapper.get('[data-testid="save-keys"]').trigger('click');
    await flushPromises();
    const ids = saved[0]?.tiles.map((tile) => tile.id) ?? [];
    expect(ids.slice(0, 4)).toEqual(['k101', 'k102', 'k103', 'k77']);
    expect(new Set(ids).size).toBe(5);
  });
});

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
    'tiles.importKeys': ({ text }) => {
      imported.push(text);
      if (!text.includes('fkey')) return { ok: false, error: { code: 'invalid-argument', message: 'not a key file' } };
      return {
        ok: true,
        value: {
          format: 'snom',
          tiles: [key(77), { ...key(101), id: 'k9', name: 'Anna again' }, { ...key(78), id: 'k101', name: 'Same id' }],
          warnings: ['fkey 4: a speed dial to 0800 has no lamp: skipped'],
        },
      };
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

  it('imports a key file through main, previews format, keys, duplicates and warnings, and appends the new keys', async () => {
    const wrapper = mount(KeysView, { attachTo: document.body });
    await wrapper.get('[data-testid="tile-import"]').trigger('click');
    expect(wrapper.get('[data-testid="tile-import-file"]').attributes('accept')).toMatch(/\.xml,\.cfg,\.txt,\.csv/);
    const text = wrapper.get('[data-testid="tile-import-xml"]');

    await text.setValue('<nonsense/>');
    await wrapper.get('[data-testid="tile-import-read"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="tile-import-failed"]').text()).toContain('not a key file');

    await text.setValue('<fkey idx="0">blf 77</fkey>');
    await wrapper.get('[data-testid="tile-import-read"]').trigger('click');
    await flushPromises();
    expect(imported).toEqual(['<nonsense/>', '<fkey idx="0">blf 77</fkey>']);
    expect(wrapper.get('[data-testid="tile-import-summary"]').text()).toBe(
      'Read as snom function keys — 2 new · 1 already on the panel · 1 skipped',
    );
    const rows = wrapper.findAll('[data-testid="tile-import-preview"] tbody tr');
    expect(rows.map((row) => row.text())).toEqual([
      expect.stringMatching(/Ext 77.*77.*dialog, presence.*new$/),
      expect.stringMatching(/Anna again\s+already on the panel as “Ext 101”.*101.*skipped$/s),
      expect.stringMatching(/Same id.*78.*new$/),
    ]);
    expect(wrapper.get('[data-testid="tile-import-warnings"]').text()).toContain('fkey 4: a speed dial to 0800 has no lamp: skipped');

    const append = wrapper.get('[data-testid="tile-import-append"]');
    expect(append.text()).toBe('Append 2 keys');
    await append.trigger('click');
    expect(wrapper.find('[data-testid="tile-import-panel"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid^="key-"]').map((el) => el.find('.name').text())).toEqual([
      'Ext 101',
      'Ext 102',
      'Ext 103',
      'Ext 77',
      'Same id',
    ]);
    await wrapper.get('[data-testid="save-keys"]').trigger('click');
    await flushPromises();
    const ids = saved[0]?.tiles.map((tile) => tile.id) ?? [];
    expect(ids.slice(0, 4)).toEqual(['k101', 'k102', 'k103', 'k77']);
    expect(new Set(ids).size).toBe(5);
  });

  it('names a second key for the same extension at its address field', async () => {
    const wrapper = mount(KeysView, { attachTo: document.body });
    await openKey(wrapper, 3);
    const uri = wrapper.get('[data-testid="tile-field-uri"]');
    await uri.setValue('sip:101@pbx.example.com');
    expect(uri.element.closest('.field')?.textContent).toContain("Address sip:101@pbx.example.com is already on the panel as 'Ext 101' (key 1)");
    expect(uri.attributes('aria-invalid')).toBe('true');
  });

  it('exports the saved keys as key XML through a download link', async () => {
    const blobs: Blob[] = [];
    const clicked: string[] = [];
    const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      blobs.push(blob as Blob);
      return 'blob:keys';
    };
    URL.revokeObjectURL = () => undefined;
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    };
    try {
      const wrapper = mount(KeysView, { attachTo: document.body });
      await wrapper.get('[data-testid="tile-export"]').trigger('click');
      expect(clicked).toEqual([expect.stringMatching(/^keys-\d{4}-\d{2}-\d{2}\.xml$/)]);
      const xml = await blobs[0]!.text();
      expect(xml).toContain('<label>Ext 101</label>');
      expect(xml).toContain('<group>Front</group>');
      expect(xml.match(/<key>/g)).toHaveLength(3);
    } finally {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
      HTMLAnchorElement.prototype.click = click;
    }
  });
});

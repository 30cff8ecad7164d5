import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { PublicSettings } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import { wireEvents } from '../api/wire-events';
import { useCallShortcuts } from '../composables/use-call-shortcuts';
import { createFakeApi, makeCall, makeSettings, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import CallsStrip from './CallsStrip.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;

/** The strip with the app's global call shortcuts installed, as App.vue has them. */
const Shell = defineComponent({
  setup() {
    useCallShortcuts();
    return () => h(CallsStrip);
  },
});

const TILES = (): TileView[] => [
  makeTile(101, { name: 'Anna Schmidt' }),
  makeTile(102, { name: 'Jonas Becker', state: 'busy', party: { number: '0301234' } }),
  makeTile(205, { name: 'Annika Roth', state: 'offline' }),
];

async function mountShell(options: { calls?: CallView[]; tiles?: TileView[]; settings?: (s: PublicSettings) => void } = {}) {
  const settings = makeSettings();
  options.settings?.(settings);
  const calls = options.calls ?? [makeCall('c1', { state: 'connected', far: { number: '0309876', uri: 'sip:0309876@pbx.example.com', name: 'Bob Meyer' } })];
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls, settings, tiles: options.tiles ?? TILES() }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'calls.transfer': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
    'calls.consult': ({ target }) => ({ ok: true, value: makeCall('k1', { direction: 'outgoing', state: 'dialling', far: { number: target, uri: target }, consultFor: 'c1' }) }),
    'calls.park': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(Shell, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function sent(command: string): unknown[] {
  return fake.calls.filter((call) => call.command === command).map((call) => call.args);
}

async function key(target: Element, key: string, init: KeyboardEventInit = {}): Promise<void> {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  await flushPromises();
}

const dialog = () => document.querySelector<HTMLElement>('[data-testid="transfer-dialog"]');
const search = () => document.querySelector<HTMLInputElement>('[data-testid="transfer-search"]')!;
const options = () => Array.from(document.querySelectorAll<HTMLElement>('[data-testid="transfer-option"]'));

async function type(text: string): Promise<void> {
  const input = search();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await flushPromises();
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('transfer dialog', () => {
  it('opens from the Transfer button, finds colleagues by name with their state, and Enter transfers blind', async () => {
    const wrapper = await mountShell();
    expect(dialog()).toBeNull();
    await wrapper.get('[data-testid="call-c1"] [data-testid="call-transfer-open"]').trigger('click');
    await flushPromises();
    expect(dialog()?.getAttribute('role')).toBe('dialog');
    expect(dialog()?.getAttribute('aria-modal')).toBe('true');
    expect(dialog()?.textContent).toContain('Transfer Bob Meyer');
    expect(document.activeElement).toBe(search());

    await type('ann');
    expect(options().map((option) => [option.textContent?.includes('Anna') ? 'Anna' : 'Annika', option.dataset.state])).toEqual([
      ['Anna', 'idle'],
      ['Annika', 'offline'],
    ]);
    // The first match is chosen as soon as something is typed.
    expect(options()[0]?.getAttribute('aria-selected')).toBe('true');
    expect(search().getAttribute('aria-activedescendant')).toBe(options()[0]?.id);
    await key(search(), 'Enter');
    expect(sent('calls.transfer')).toEqual([{ call: 'c1', target: 'sip:101@pbx.example.com', mode: 'blind' }]);
    expect(sent('calls.consult')).toEqual([]);
    expect(dialog()).toBeNull();
  });

  it('consults first with Shift+Enter, on the option chosen with the arrow keys', async () => {
    await mountShell();
    await key(document.querySelector('[data-testid="call-c1"]')!, 't');
    expect(dialog()).not.toBeNull();
    await type('ann');
    await key(search(), 'ArrowDown');
    expect(options()[1]?.getAttribute('aria-selected')).toBe('true');
    await key(search(), 'Enter', { shiftKey: true });
    expect(sent('calls.consult')).toEqual([{ call: 'c1', target: 'sip:205@pbx.example.com' }]);
    expect(sent('calls.transfer')).toEqual([]);
  });

  it('transfers to any typed number, and an exact extension number picks that colleague', async () => {
    const wrapper = await mountShell();
    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    await type('030 555-12');
    expect(options()[0]?.dataset.state).toBe('number');
    expect(options()[0]?.textContent).toContain('Number 03055512');
    await wrapper.get('[data-testid="transfer-blind"]').trigger('click');
    await flushPromises();
    expect(sent('calls.transfer')).toEqual([{ call: 'c1', target: '03055512', mode: 'blind' }]);

    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    await type('102');
    expect(options()).toHaveLength(1);
    expect(options()[0]?.dataset.state).toBe('busy');
    await key(search(), 'Enter');
    expect(sent('calls.transfer').at(-1)).toEqual({ call: 'c1', target: 'sip:102@pbx.example.com', mode: 'blind' });
  });

  it('asks for a target when nothing is chosen, and keeps the dialog open with the reason when the transfer fails', async () => {
    const wrapper = await mountShell();
    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    await key(search(), 'Enter');
    expect(document.querySelector('[data-testid="transfer-error"]')?.textContent).toBe('Choose a colleague or type a number first.');
    expect(sent('calls.transfer')).toEqual([]);
    fake.handlers['calls.transfer'] = () => ({ ok: false, error: { code: 'sip-error', message: 'the call is not answered' } });
    await type('anna');
    await key(search(), 'Enter');
    expect(dialog()).not.toBeNull();
    expect(document.querySelector('[data-testid="transfer-error"]')?.textContent).toBe('Could not transfer: the call is not answered');
    // Shown in the dialog, where the receptionist acted; the strip does not repeat it.
    expect(wrapper.find('[data-testid="call-error"]').exists()).toBe(false);
  });

  it('offers To voicemail only when the line has a voicemail transfer prefix, with the extension as target', async () => {
    const plain = await mountShell();
    await plain.get('[data-testid="call-transfer-open"]').trigger('click');
    expect(document.querySelector('[data-testid="transfer-voicemail"]')).toBeNull();
    expect(document.querySelector('[data-testid="transfer-park"]')).toBeNull();
    plain.unmount();

    setActivePinia(createPinia());
    const wrapper = await mountShell({ settings: (s) => void (s.lines[0] = { ...s.lines[0]!, voicemailTransferPrefix: '*' }) });
    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    await type('anna');
    document.querySelector<HTMLButtonElement>('[data-testid="transfer-voicemail"]')!.click();
    await flushPromises();
    expect(sent('calls.transfer')).toEqual([{ call: 'c1', target: '101', mode: 'blind', voicemail: true }]);
  });

  it('parks with the line’s park code, or on a free park slot, and a chosen park slot parks there', async () => {
    const withCode = await mountShell({ settings: (s) => void (s.lines[0] = { ...s.lines[0]!, parkCode: '700' }) });
    await withCode.get('[data-testid="call-transfer-open"]').trigger('click');
    document.querySelector<HTMLButtonElement>('[data-testid="transfer-park"]')!.click();
    await flushPromises();
    expect(sent('calls.park')).toEqual([{ call: 'c1' }]);
    withCode.unmount();

    setActivePinia(createPinia());
    const slots = [
      makeTile(701, { name: 'Park 701', park: true, state: 'busy', party: { number: '0301111' } }),
      makeTile(702, { name: 'Park 702', park: true }),
    ];
    const wrapper = await mountShell({ tiles: [...TILES(), ...slots] });
    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    document.querySelector<HTMLButtonElement>('[data-testid="transfer-park"]')!.click();
    await flushPromises();
    expect(sent('calls.park')).toEqual([{ call: 'c1', slot: 'sip:702@pbx.example.com' }]);

    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    await type('park');
    expect(options().map((option) => option.dataset.state)).toEqual(['park-parked', 'park-free']);
    expect(options()[0]?.textContent).toContain('parked: 0301111');
    await key(search(), 'Enter');
    expect(sent('calls.park').at(-1)).toEqual({ call: 'c1', slot: 'sip:701@pbx.example.com' });
  });

  it('closes with Esc and gives focus back to the call; Ctrl+Shift+T opens it for the active call', async () => {
    const wrapper = await mountShell({
      calls: [makeCall('c1', { state: 'held', hold: { local: true, remote: false } }), makeCall('c2', { state: 'connected', far: { number: '0301', uri: 'sip:0301@pbx.example.com' } })],
    });
    const card = wrapper.get<HTMLElement>('[data-testid="call-c2"]').element;
    card.focus();
    await key(card, 't');
    expect(dialog()?.dataset.call).toBe('c2');
    await key(search(), 'Escape');
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(card);

    const shortcut = new KeyboardEvent('keydown', { key: 'T', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true });
    window.dispatchEvent(shortcut);
    await flushPromises();
    expect(shortcut.defaultPrevented).toBe(true);
    expect(dialog()?.dataset.call).toBe('c2');
    // Tab stays inside the dialog.
    const buttons = Array.from(dialog()!.querySelectorAll<HTMLButtonElement>('button'));
    buttons.at(-1)!.focus();
    await key(buttons.at(-1)!, 'Tab');
    expect(document.activeElement).toBe(search());
    dialog()!.querySelector<HTMLButtonElement>('[data-testid="transfer-cancel"]')!.click();
    await flushPromises();

    // With nobody on the line the longest-held call is the one; a ringing call has nothing to transfer.
    fake.emit('calls.changed', [makeCall('c1', { state: 'held', hold: { local: true, remote: false } }), makeCall('c3')]);
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 't', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true }));
    await flushPromises();
    expect(dialog()?.dataset.call).toBe('c1');
    await key(wrapper.get('[data-testid="call-c3"]').element, 't');
    expect(dialog()?.dataset.call).toBe('c1');
  });

  it('closes by itself when its call ends', async () => {
    const wrapper = await mountShell();
    await wrapper.get('[data-testid="call-transfer-open"]').trigger('click');
    expect(dialog()).not.toBeNull();
    fake.emit('calls.changed', [makeCall('c1', { state: 'ended', end: { cause: 'remote-hangup' } })]);
    await flushPromises();
    expect(dialog()).toBeNull();
  });
});

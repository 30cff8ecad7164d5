import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import type { CallView } from '../../../../shared/calls';
import type { PublicSettings } from '../../../../shared/settings';
import type { TileView } from '../../../../shared/tiles';
import { wireEvents } from '../../api/wire-events';
import CallsStrip from '../../components/CallsStrip.vue';
import { CALL_MIME } from '../../composables/use-call-drag';
import { useTransferStore } from '../../stores/transfer';
import { createFakeApi, makeCall, makeSettings, makeSnapshot, makeTile, type FakeConsoleApi } from '../../testing/fake-console-api';
import PanelView from './PanelView.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;

/** The strip (where calls are dragged from, and the confirmation shows) above the panel, as in the app. */
const Screen = defineComponent({ setup: () => () => h('div', [h(CallsStrip), h(PanelView)]) });

const bob = { number: '0309876', uri: 'sip:0309876@pbx.example.com', name: 'Bob Meyer' };

function tiles(): TileView[] {
  return [
    makeTile(101, { name: 'Anna Schmidt' }),
    makeTile(102, { name: 'Jonas Becker', state: 'busy', party: { number: '0301234' } }),
    makeTile(103, { name: 'Mia Wolf', state: 'ringing', caller: { number: '0405555', name: 'Eva' } }),
    makeTile(104, { name: 'Tom Weber', state: 'offline' }),
    makeTile(701, { name: 'Park 701', park: true }),
    makeTile(702, { name: 'Park 702', park: true, state: 'busy', since: Date.now() - 133_000, party: { number: '0301111', name: 'Carla' } }),
  ];
}

async function mountScreen(calls: CallView[] = [makeCall('c1', { state: 'connected', far: bob })], edit?: (s: PublicSettings) => void) {
  const settings = makeSettings();
  edit?.(settings);
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls, settings, tiles: tiles() }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'calls.transfer': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
    'calls.consult': ({ target }) => ({ ok: true, value: makeCall('k1', { direction: 'outgoing', state: 'dialling', far: { number: target, uri: target }, consultFor: 'c1' }) }),
    'calls.park': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
    'calls.pickup': () => ({ ok: true, value: makeCall('p1', { direction: 'outgoing', state: 'dialling', far: { number: '0405555', uri: 'sip:0405555@pbx.example.com' } }) }),
    'calls.dial': ({ target, line }) => ({ ok: true, value: makeCall('d1', { direction: 'outgoing', state: 'dialling', line: line ?? 1, far: { number: target, uri: target } }) }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(Screen, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function moves(): [string, unknown][] {
  return fake.calls.filter((call) => /^calls\.(transfer|consult|park|pickup|dial)$/.test(call.command)).map((call) => [call.command, call.args]);
}

/** A DataTransfer stand-in: what the strip puts in, the types a dragover may read. */
class FakeDataTransfer {
  readonly data = new Map<string, string>();
  dropEffect = 'none';
  effectAllowed = 'all';
  get types(): string[] {
    return [...this.data.keys()];
  }
  setData(type: string, value: string): void {
    this.data.set(type, value);
  }
  getData(type: string): string {
    return this.data.get(type) ?? '';
  }
}

function dragEvent(type: string, dataTransfer: FakeDataTransfer, init: { shiftKey?: boolean; clientX?: number } = {}): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperties(event, {
    dataTransfer: { value: dataTransfer },
    shiftKey: { value: !!init.shiftKey },
    clientX: { value: init.clientX ?? 0 },
  });
  return event;
}

const tile = (id: string) => document.querySelector<HTMLElement>(`[data-testid="tile-${id}"]`)!;

/** Drags call `call` from the strip over tile `id` and drops it there; returns the dragover and drop events. */
async function dragCallTo(call: string, id: string, init: { shiftKey?: boolean; clientX?: number } = {}) {
  const data = new FakeDataTransfer();
  document.querySelector(`[data-testid="call-${call}"]`)!.dispatchEvent(dragEvent('dragstart', data));
  await flushPromises();
  const over = dragEvent('dragover', data, init);
  tile(id).querySelector('.name')!.dispatchEvent(over);
  await flushPromises();
  const zone = tile(id).dataset.zone;
  const drop = dragEvent('drop', data, init);
  tile(id).dispatchEvent(drop);
  document.querySelector(`[data-testid="call-${call}"]`)?.dispatchEvent(dragEvent('dragend', data));
  await flushPromises();
  return { over, drop, zone };
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('dragging a call onto a tile', () => {
  it('shows every tile’s drop zones while a call is dragged, and the zone under the pointer', async () => {
    await mountScreen();
    expect(document.querySelectorAll('[data-testid="tile-drop"]')).toHaveLength(0);
    const data = new FakeDataTransfer();
    document.querySelector('[data-testid="call-c1"]')!.dispatchEvent(dragEvent('dragstart', data));
    await flushPromises();
    expect(data.types).toEqual([CALL_MIME]);
    expect(document.querySelectorAll('[data-testid="tile-drop"]')).toHaveLength(6);
    expect(tile('t101').textContent).toContain('Consult');
    expect(tile('t701').textContent).toContain('Park here');
    // The state stays readable under the zones, and a busy colleague says a drop asks first.
    expect(tile('t102').textContent).toContain('busy');
    expect(tile('t102').textContent).toContain('asks first');
    expect(tile('t101').textContent).not.toContain('asks first');

    // Both dragenter and dragover accept the call (Chromium decides from the dragenter when the pointer just arrived).
    const enter = dragEvent('dragenter', data);
    tile('t101').dispatchEvent(enter);
    const over = dragEvent('dragover', data);
    tile('t101').dispatchEvent(over);
    await flushPromises();
    expect(enter.defaultPrevented).toBe(true);
    expect(over.defaultPrevented).toBe(true);
    expect(data.dropEffect).toBe('move');
    expect(tile('t101').dataset.zone).toBe('blind');
    tile('t102').dispatchEvent(dragEvent('dragover', data, { shiftKey: true }));
    await flushPromises();
    expect(tile('t101').dataset.zone).toBeUndefined();
    expect(tile('t102').dataset.zone).toBe('consult');

    document.querySelector('[data-testid="call-c1"]')!.dispatchEvent(dragEvent('dragend', data));
    await flushPromises();
    expect(document.querySelectorAll('[data-testid="tile-drop"]')).toHaveLength(0);
    expect(tile('t102').dataset.zone).toBeUndefined();
  });

  it('refuses drags that carry no call', async () => {
    await mountScreen();
    const data = new FakeDataTransfer();
    data.setData('text/plain', 'hello');
    const over = dragEvent('dragover', data);
    tile('t101').dispatchEvent(over);
    tile('t101').dispatchEvent(dragEvent('drop', data));
    await flushPromises();
    expect(over.defaultPrevented).toBe(false);
    expect(moves()).toEqual([]);
  });

  it('transfers blind to an idle colleague at once', async () => {
    await mountScreen();
    const { over, drop, zone } = await dragCallTo('c1', 't101');
    expect(over.defaultPrevented).toBe(true);
    expect(drop.defaultPrevented).toBe(true);
    expect(zone).toBe('blind');
    expect(moves()).toEqual([['calls.transfer', { call: 'c1', target: 'sip:101@pbx.example.com', mode: 'blind' }]]);
    expect(document.querySelector('[data-testid="transfer-confirm"]')).toBeNull();
    expect(useTransferStore().dragging).toBeUndefined();
  });

  it('consults first with Shift held, or on the tile’s right part', async () => {
    await mountScreen();
    await dragCallTo('c1', 't101', { shiftKey: true });
    const rect = { left: 100, top: 0, width: 200, height: 60, right: 300, bottom: 60, x: 100, y: 0, toJSON: () => ({}) };
    tile('t101').getBoundingClientRect = () => rect as DOMRect;
    const left = await dragCallTo('c1', 't101', { clientX: 200 });
    const right = await dragCallTo('c1', 't101', { clientX: 280 });
    expect([left.zone, right.zone]).toEqual(['blind', 'consult']);
    expect(moves()).toEqual([
      ['calls.consult', { call: 'c1', target: 'sip:101@pbx.example.com' }],
      ['calls.transfer', { call: 'c1', target: 'sip:101@pbx.example.com', mode: 'blind' }],
      ['calls.consult', { call: 'c1', target: 'sip:101@pbx.example.com' }],
    ]);
  });

  it('asks first before a busy, ringing or offline colleague gets the call', async () => {
    const wrapper = await mountScreen();
    await dragCallTo('c1', 't102');
    expect(moves()).toEqual([]);
    const confirm = () => document.querySelector<HTMLElement>('[data-testid="transfer-confirm"]');
    expect(confirm()?.getAttribute('role')).toBe('alertdialog');
    expect(confirm()?.dataset.state).toBe('busy');
    expect(confirm()?.textContent).toContain('Jonas Becker is busy.');
    expect(confirm()?.textContent).toContain('Transfer Bob Meyer anyway?');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('transfer-confirm-ok');
    confirm()!.querySelector<HTMLButtonElement>('[data-testid="transfer-confirm-ok"]')!.click();
    await flushPromises();
    expect(moves()).toEqual([['calls.transfer', { call: 'c1', target: 'sip:102@pbx.example.com', mode: 'blind' }]]);
    expect(confirm()).toBeNull();

    await dragCallTo('c1', 't104', { shiftKey: true });
    expect(confirm()?.textContent).toContain('Tom Weber is offline.');
    expect(confirm()?.textContent).toContain('Call Tom Weber to consult anyway?');
    confirm()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await flushPromises();
    expect(confirm()).toBeNull();

    await dragCallTo('c1', 't103');
    expect(confirm()?.dataset.state).toBe('ringing');
    await wrapper.get('[data-testid="transfer-confirm-cancel"]').trigger('click');
    expect(moves()).toHaveLength(1);
  });

  it('parks the call on a park slot tile, whatever the zone', async () => {
    await mountScreen();
    const { zone } = await dragCallTo('c1', 't701', { shiftKey: true });
    expect(zone).toBe('park');
    expect(moves()).toEqual([['calls.park', { call: 'c1', slot: 'sip:701@pbx.example.com' }]]);
  });
});

describe('pickup, park slots and the tile menu', () => {
  it('offers Pick up on a ringing colleague: the button, a click and Enter pick up instead of dialling', async () => {
    await mountScreen([]);
    expect(tile('t103').querySelector('[data-testid="tile-pickup"]')?.textContent?.trim()).toBe('Pick up');
    expect(tile('t101').querySelector('[data-testid="tile-pickup"]')).toBeNull();
    tile('t103').querySelector<HTMLElement>('[data-testid="tile-pickup"]')!.click();
    await flushPromises();
    tile('t103').focus();
    tile('t103').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await flushPromises();
    tile('t101').focus();
    tile('t101').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await flushPromises();
    expect(moves()).toEqual([
      ['calls.pickup', { tile: 't103' }],
      ['calls.pickup', { tile: 't103' }],
      ['calls.dial', { line: 1, target: 'sip:101@pbx.example.com' }],
    ]);
    expect(document.querySelector('[data-testid="tile-toast"]')?.textContent).toBe('Calling Anna Schmidt (101)…');
  });

  it('does not offer to pick up our own call ringing at a colleague', async () => {
    await mountScreen([makeCall('o1', { direction: 'outgoing', state: 'ringing', far: { number: '103', uri: 'sip:103@pbx.example.com' } })]);
    expect(tile('t103').querySelector('[data-testid="tile-pickup"]')).toBeNull();
  });

  it('says why a pickup failed on the panel', async () => {
    await mountScreen([]);
    fake.handlers['calls.pickup'] = () => ({ ok: false, error: { code: 'sip-error', message: 'the call was answered' } });
    tile('t103').click();
    await flushPromises();
    expect(document.querySelector('[data-testid="tile-toast"]')?.textContent).toBe('Could not pick up at Mia Wolf: the call was answered');
  });

  it('shows park slots as free or parked, retrieves on click and parks the current call on a free one', async () => {
    await mountScreen([]);
    expect(tile('t701').dataset.park).toBe('free');
    expect(tile('t701').querySelector('[data-testid="park-word"]')?.textContent).toBe('free');
    expect(tile('t702').dataset.park).toBe('parked');
    expect(tile('t702').querySelector('[data-testid="park-word"]')?.textContent).toBe('parked');
    expect(tile('t702').querySelector('[data-testid="park-who"]')?.textContent).toContain('Carla · 0301111');
    expect(tile('t702').getAttribute('aria-label')).toBe('Park 702, 702, parked: Carla · 0301111, 2 min');
    tile('t702').click();
    await flushPromises();
    tile('t701').click();
    await flushPromises();
    expect(moves()).toEqual([['calls.dial', { line: 1, target: 'sip:702@pbx.example.com' }]]);
    expect(document.querySelector('[data-testid="tile-toast"]')?.textContent).toBe('Park 701 is free: nothing is parked there.');

    fake.emit('calls.changed', [makeCall('c1', { state: 'connected', far: bob })]);
    await flushPromises();
    tile('t701').click();
    await flushPromises();
    expect(moves().at(-1)).toEqual(['calls.park', { call: 'c1', slot: 'sip:701@pbx.example.com' }]);
    expect(document.querySelector('[data-testid="tile-toast"]')?.textContent).toBe('Parking Bob Meyer at Park 701…');
  });

  it('opens a tile menu on right-click or the Menu key, acts from it, and Esc gives focus back to the tile', async () => {
    await mountScreen([makeCall('c1', { state: 'connected', far: bob })], (s) => void (s.lines[0] = { ...s.lines[0]!, voicemailTransferPrefix: '*' }));
    const menu = () => document.querySelector<HTMLElement>('[data-testid="tile-menu"]');
    const items = () => Array.from(menu()?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []).map((item) => item.dataset.testid);

    const right = new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 40, clientY: 50 });
    tile('t103').dispatchEvent(right);
    await flushPromises();
    expect(right.defaultPrevented).toBe(true);
    expect(menu()?.getAttribute('role')).toBe('menu');
    expect(items()).toEqual(['tile-menu-pickup', 'tile-menu-call', 'tile-menu-transfer', 'tile-menu-consult', 'tile-menu-voicemail']);
    expect(menu()?.textContent).toContain('Transfer Bob Meyer here');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('tile-menu-pickup');
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    expect(document.activeElement?.getAttribute('data-testid')).toBe('tile-menu-call');
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await flushPromises();
    await flushPromises();
    expect(menu()).toBeNull();
    expect(document.activeElement).toBe(tile('t103'));

    tile('t101').focus();
    tile('t101').dispatchEvent(new KeyboardEvent('keydown', { key: 'ContextMenu', bubbles: true, cancelable: true }));
    await flushPromises();
    menu()!.querySelector<HTMLElement>('[data-testid="tile-menu-transfer"]')!.click();
    await flushPromises();
    tile('t102').dispatchEvent(new KeyboardEvent('keydown', { key: 'F10', shiftKey: true, bubbles: true, cancelable: true }));
    await flushPromises();
    menu()!.querySelector<HTMLElement>('[data-testid="tile-menu-voicemail"]')!.click();
    await flushPromises();
    tile('t701').dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
    await flushPromises();
    expect(items()).toEqual(['tile-menu-park']);
    menu()!.querySelector<HTMLElement>('[data-testid="tile-menu-park"]')!.click();
    await flushPromises();
    tile('t702').dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
    await flushPromises();
    expect(items()).toEqual(['tile-menu-retrieve']);
    // The menu asks nothing more: what it names is what it does (busy colleagues included).
    expect(moves()).toEqual([
      ['calls.transfer', { call: 'c1', target: 'sip:101@pbx.example.com', mode: 'blind' }],
      ['calls.transfer', { call: 'c1', target: '102', mode: 'blind', voicemail: true }],
      ['calls.park', { call: 'c1', slot: 'sip:701@pbx.example.com' }],
    ]);
  });
});

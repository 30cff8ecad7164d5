import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallView } from '../../../shared/calls';
import { wireEvents } from '../api/wire-events';
import { CALL_MIME } from '../composables/use-call-drag';
import { useTransferStore } from '../stores/transfer';
import { createFakeApi, makeCall, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import CallsStrip from './CallsStrip.vue';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;
const T0 = 1_700_000_000_000;

const bob = { number: '0309876', uri: 'sip:0309876@pbx.example.com', name: 'Bob Meyer' };
const anna = { number: '101', uri: 'sip:101@pbx.example.com' };

async function mountStrip(calls: CallView[]) {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ calls, tiles: [makeTile(101, { name: 'Anna Schmidt' })] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'calls.completeTransfer': () => ({ ok: true, value: makeCall('c1', { state: 'held' }) }),
    'calls.hold': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'held' }) }),
    'calls.resume': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) }),
    'calls.hangup': ({ call }) => ({ ok: true, value: makeCall(call, { state: 'ended', end: { cause: 'local-hangup' } }) }),
  });
  await wireEvents(fake.api).ready;
  const wrapper = mount(CallsStrip, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function commands(): [string, unknown][] {
  return fake.calls.filter((call) => call.command.startsWith('calls.')).map((call) => [call.command, call.args]);
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

function dragEvent(type: string, dataTransfer: FakeDataTransfer): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: dataTransfer });
  return event;
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

describe('CallsStrip transfers', () => {
  it('shows a transfer in progress on its call, by the colleague’s name', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'held', far: bob, hold: { local: true, remote: false }, transfer: { mode: 'blind', target: 'sip:101@pbx.example.com', state: 'trying' } })]);
    const notice = () => wrapper.get('[data-testid="call-c1"] [data-testid="call-transfer"]');
    expect(notice().attributes('data-state')).toBe('trying');
    expect(notice().text()).toBe('Transferring to Anna Schmidt…');
    expect(notice().attributes('role')).toBe('status');
    // One transfer at a time: no second one (dialog or drag) while this one runs.
    expect(wrapper.find('[data-testid="call-transfer-open"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="call-c1"]').attributes('draggable')).toBe('false');

    fake.emit('calls.changed', [makeCall('c1', { state: 'held', far: bob, transfer: { mode: 'blind', target: 'sip:101@pbx.example.com', state: 'ringing', sipStatus: 180 } })]);
    await flushPromises();
    expect(notice().attributes('data-state')).toBe('ringing');
    expect(notice().text()).toBe('Transferring to Anna Schmidt… ringing');

    fake.emit('calls.changed', [makeCall('c1', { state: 'ended', far: bob, end: { cause: 'local-hangup' }, transfer: { mode: 'blind', target: '0301234', state: 'succeeded', sipStatus: 200 } })]);
    await flushPromises();
    expect(notice().text()).toBe('Transferred to 0301234');
  });

  it('says why a transfer failed and that the caller is back, for 20 seconds or until dismissed', async () => {
    vi.useFakeTimers({ now: T0 });
    const failed = (reason: string, sipStatus?: number) =>
      makeCall('c1', { state: 'connected', far: bob, transfer: { mode: 'blind', target: 'sip:101@pbx.example.com', state: 'failed', reason, ...(sipStatus ? { sipStatus } : {}) } });
    const wrapper = await mountStrip([failed('486 Busy Here', 486)]);
    const notice = () => wrapper.find('[data-testid="call-c1"] [data-testid="call-transfer"]');
    expect(notice().attributes('data-state')).toBe('failed');
    expect(notice().attributes('role')).toBe('alert');
    expect(notice().text()).toContain('Anna Schmidt is busy (486) — caller is back with you');
    expect(notice().attributes('title')).toBe('486 Busy Here');
    // The caller is talking to us again: the call's own actions are back.
    expect(wrapper.find('[data-testid="call-c1"] [data-testid="call-hold"]').exists()).toBe(true);
    vi.advanceTimersByTime(19_000);
    await flushPromises();
    expect(notice().exists()).toBe(true);
    vi.advanceTimersByTime(2000);
    await flushPromises();
    expect(notice().exists()).toBe(false);

    // A new failure (no final answer in time) shows again, and × takes it away.
    fake.emit('calls.changed', [failed('no final NOTIFY within 32 s')]);
    await flushPromises();
    expect(notice().text()).toContain('Anna Schmidt did not answer — caller is back with you');
    await notice().get('[data-testid="call-transfer-dismiss"]').trigger('click');
    expect(notice().exists()).toBe(false);
  });

  it('shows a consultation under the call it consults for, with Complete transfer, Swap and Cancel', async () => {
    const held = makeCall('c1', { state: 'held', far: bob, hold: { local: true, remote: false } });
    const consult = makeCall('k1', { direction: 'outgoing', state: 'connected', far: anna, consultFor: 'c1' });
    const other = makeCall('c9', { state: 'ringing', far: { number: '0401', uri: 'sip:0401@pbx.example.com' } });
    const wrapper = await mountStrip([consult, other, held]);
    expect(wrapper.findAll('.call').map((li) => li.attributes('data-testid'))).toEqual(['call-c9', 'call-c1', 'call-k1']);
    const row = () => wrapper.get('[data-testid="call-k1"]');
    expect(row().attributes('data-consult-for')).toBe('c1');
    expect(row().get('[data-testid="call-consult"]').text()).toBe('↳ Consulting Anna Schmidt for Bob Meyer');
    expect(wrapper.get('[data-testid="call-c1"] [data-testid="call-consulting"]').text()).toBe('waits while you consult Anna Schmidt');
    // Neither leg offers a new transfer while the consultation runs, nor may be dragged.
    expect(wrapper.find('[data-testid="call-transfer-open"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="call-c1"]').attributes('draggable')).toBe('false');
    expect(row().find('[data-testid="call-hangup"]').exists()).toBe(false);

    await row().get('[data-testid="call-swap"]').trigger('click');
    await flushPromises();
    await row().get('[data-testid="call-complete-transfer"]').trigger('click');
    await flushPromises();
    await row().get('[data-testid="call-cancel-consult"]').trigger('click');
    await flushPromises();
    expect(commands()).toEqual([
      ['calls.hold', { call: 'k1' }],
      ['calls.resume', { call: 'c1' }],
      ['calls.completeTransfer', { consult: 'k1' }],
      ['calls.hangup', { call: 'k1' }],
    ]);

    // Back the other way: the caller talks, the consultation is held.
    fake.calls.length = 0;
    fake.emit('calls.changed', [
      makeCall('c1', { state: 'connected', far: bob }),
      makeCall('k1', { direction: 'outgoing', state: 'held', far: anna, consultFor: 'c1', hold: { local: true, remote: false } }),
    ]);
    await flushPromises();
    await row().get('[data-testid="call-swap"]').trigger('click');
    await flushPromises();
    expect(commands()).toEqual([
      ['calls.hold', { call: 'c1' }],
      ['calls.resume', { call: 'k1' }],
    ]);
  });

  it('completes while the consulted colleague still rings, but cannot swap to a ringing call', async () => {
    const wrapper = await mountStrip([
      makeCall('c1', { state: 'held', far: bob, hold: { local: true, remote: false } }),
      makeCall('k1', { direction: 'outgoing', state: 'ringing', far: anna, consultFor: 'c1' }),
    ]);
    expect(wrapper.get('[data-testid="call-swap"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="call-complete-transfer"]').trigger('click');
    await flushPromises();
    expect(commands()).toEqual([['calls.completeTransfer', { consult: 'k1' }]]);
  });

  it('lets an answered call be dragged with its id under the call type, and nothing else', async () => {
    const wrapper = await mountStrip([makeCall('c1', { state: 'connected', far: bob }), makeCall('c2'), makeCall('c3', { state: 'held', hold: { local: true, remote: false } })]);
    expect(wrapper.get('[data-testid="call-c1"]').attributes('draggable')).toBe('true');
    expect(wrapper.get('[data-testid="call-c3"]').attributes('draggable')).toBe('true');
    expect(wrapper.get('[data-testid="call-c2"]').attributes('draggable')).toBe('false');

    const data = new FakeDataTransfer();
    wrapper.get('[data-testid="call-c1"]').element.dispatchEvent(dragEvent('dragstart', data));
    await flushPromises();
    expect(data.types).toEqual([CALL_MIME]);
    expect(data.getData(CALL_MIME)).toBe('c1');
    expect(data.effectAllowed).toBe('move');
    expect(useTransferStore().dragging).toBe('c1');
    expect(wrapper.get('[data-testid="call-c1"]').classes()).toContain('dragged');
    wrapper.get('[data-testid="call-c1"]').element.dispatchEvent(dragEvent('dragend', data));
    await flushPromises();
    expect(useTransferStore().dragging).toBeUndefined();

    const ringing = dragEvent('dragstart', new FakeDataTransfer());
    wrapper.get('[data-testid="call-c2"]').element.dispatchEvent(ringing);
    expect(ringing.defaultPrevented).toBe(true);
    expect(useTransferStore().dragging).toBeUndefined();
  });
});

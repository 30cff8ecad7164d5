import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeCall, makeSnapshot, type FakeConsoleApi } from '../testing/fake-console-api';
import { useCallsStore } from './calls';

let fake: FakeConsoleApi;

async function start(snapshot = makeSnapshot()): Promise<ReturnType<typeof useCallsStore>> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: snapshot }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  return useCallsStore();
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

describe('calls store', () => {
  it('takes the calls from the snapshot, then from calls.changed', async () => {
    const calls = await start(makeSnapshot({ calls: [makeCall('c1')] }));
    expect(calls.ringing.map((call) => call.id)).toEqual(['c1']);
    expect(calls.active).toBeUndefined();

    fake.emit('calls.changed', [
      makeCall('c1', { state: 'connected', answeredAt: 1_700_000_003_000 }),
      makeCall('c2', { startedAt: 1_700_000_004_000 }),
      makeCall('c0', { startedAt: 1_700_000_001_000 }),
    ]);
    expect(calls.active?.id).toBe('c1');
    // Longest ringing first: the one Answer (and Ctrl+Shift+A) takes.
    expect(calls.ringing.map((call) => call.id)).toEqual(['c0', 'c2']);
    fake.emit('calls.changed', []);
    expect(calls.live).toEqual([]);
  });

  it('answers, rejects to voicemail, holds and sends DTMF through the contract', async () => {
    const calls = await start(makeSnapshot({ calls: [makeCall('c1')] }));
    fake.handlers['calls.answer'] = ({ call }) => ({ ok: true, value: makeCall(call, { state: 'connected' }) });
    fake.handlers['calls.reject'] = ({ call }) => ({ ok: true, value: makeCall(call, { state: 'ended' }) });
    fake.handlers['calls.hold'] = ({ call }) => ({ ok: true, value: makeCall(call, { state: 'held' }) });
    fake.handlers['calls.sendDtmf'] = () => ({ ok: true, value: undefined });
    expect((await calls.answer('c1')).ok).toBe(true);
    await calls.reject('c2', true);
    await calls.reject('c3');
    await calls.hold('c1');
    await calls.sendDtmf('c1', '5');
    expect(fake.calls.slice(2).map(({ command, args }) => [command, args])).toEqual([
      ['calls.answer', { call: 'c1' }],
      ['calls.reject', { call: 'c2', voicemail: true }],
      ['calls.reject', { call: 'c3' }],
      ['calls.hold', { call: 'c1' }],
      ['calls.sendDtmf', { call: 'c1', digits: '5' }],
    ]);
    expect(calls.lastError).toBeUndefined();
  });

  it('returns a failed action as a result and keeps it for the strip', async () => {
    const calls = await start();
    fake.handlers['calls.hangup'] = () => ({ ok: false, error: { code: 'not-found', message: 'no such call' } });
    const result = await calls.hangup('gone');
    expect(result).toEqual({ ok: false, error: { code: 'not-found', message: 'no such call' } });
    expect(calls.lastError?.error.message).toBe('no such call');
  });

  it('dials on the given line, remembers dialled numbers, and returns dial errors', async () => {
    const calls = await start();
    fake.handlers['calls.dial'] = ({ target }) =>
      target === '999'
        ? { ok: false, error: { code: 'sip-error', message: 'line 2 is not registered' } }
        : { ok: true, value: makeCall('c9', { direction: 'outgoing', state: 'dialling', far: { number: target, uri: target } }) };
    await calls.dial(' 0301234 ', 2);
    await calls.dial('sip:205@pbx.example.com');
    const failed = await calls.dial('999', 2);
    expect(failed.ok).toBe(false);
    expect(fake.calls.filter((call) => call.command === 'calls.dial').map((call) => call.args)).toEqual([
      { line: 2, target: '0301234' },
      { target: 'sip:205@pbx.example.com' },
      { line: 2, target: '999' },
    ]);
    // Newest first, failures not remembered, and kept across a restart (localStorage).
    expect(calls.recent).toEqual(['sip:205@pbx.example.com', '0301234']);
    setActivePinia(createPinia());
    expect(useCallsStore().recent).toEqual(['sip:205@pbx.example.com', '0301234']);
  });

  it('measures how long a held caller has waited', async () => {
    vi.useFakeTimers({ now: 1_700_000_100_000 });
    const calls = await start();
    fake.emit('calls.changed', [makeCall('c1', { state: 'connected' })]);
    expect(calls.held).toEqual([]);
    fake.emit('calls.changed', [makeCall('c1', { state: 'held', hold: { local: true, remote: false } })]);
    vi.setSystemTime(1_700_000_130_000);
    // A later event (media counters) does not restart the hold clock.
    fake.emit('calls.changed', [makeCall('c1', { state: 'held', hold: { local: true, remote: false } })]);
    const call = calls.held[0];
    expect(call?.id).toBe('c1');
    expect(calls.waited(call!, Date.now())).toBe(30_000);
    // Held only by the far end: nobody waits on us.
    fake.emit('calls.changed', [makeCall('c1', { state: 'held', hold: { local: false, remote: true } })]);
    expect(calls.held).toEqual([]);
  });
});

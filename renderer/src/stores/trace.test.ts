import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TraceFilter } from '../../../shared/trace';
import { createFakeApi, makeTrace } from '../testing/fake-console-api';
import { useConsoleApiStore } from './console-api';
import { KEEP_CAP, OLDER_STEP, RENDER_CAP, useTraceStore } from './trace';

beforeEach(() => setActivePinia(createPinia()));

describe('useTraceStore', () => {
  it('filters by text (case-insensitive), method and direction', () => {
    const trace = useTraceStore();
    trace.append([
      makeTrace(1, { method: 'REGISTER', direction: 'out' }),
      makeTrace(2, { method: 'REGISTER', direction: 'in', status: 401, text: 'SIP/2.0 401 Unauthorized\r\nCall-ID: ABC' }),
      makeTrace(3, { method: 'OPTIONS', direction: 'in' }),
    ]);
    trace.filter.text = 'abc';
    expect(trace.filtered.map((entry) => entry.seq)).toEqual([2]);
    trace.filter.text = '';
    trace.filter.method = 'options';
    expect(trace.filtered.map((entry) => entry.seq)).toEqual([3]);
    trace.filter.method = '';
    trace.filter.direction = 'out';
    expect(trace.filtered.map((entry) => entry.seq)).toEqual([1]);
    expect(trace.methods).toEqual(['OPTIONS', 'REGISTER']);
  });

  it('renders only the newest matches and bounds what it keeps', () => {
    const trace = useTraceStore();
    trace.append(Array.from({ length: KEEP_CAP + 10 }, (_, i) => makeTrace(i + 1)));
    expect(trace.entries).toHaveLength(KEEP_CAP);
    expect(trace.entries[0]?.seq).toBe(11);
    expect(trace.visible).toHaveLength(RENDER_CAP);
    expect(trace.visible.at(-1)?.seq).toBe(KEEP_CAP + 10);
  });

  it('merges a loaded list with entries that arrived meanwhile and ignores duplicates', async () => {
    const fake = createFakeApi({ 'trace.list': () => ({ ok: true, value: { entries: [makeTrace(1), makeTrace(2)] } }) });
    useConsoleApiStore().api = fake.api;
    const trace = useTraceStore();
    trace.append([makeTrace(2), makeTrace(3)]);
    await trace.load();
    trace.append([makeTrace(3), makeTrace(4)]);
    expect(trace.entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
  });

  it('pages older entries from the engine with the oldest seq held as cursor, until there are none', async () => {
    const engine = Array.from({ length: 25 }, (_, i) => makeTrace(i + 1));
    const page = ({ before }: TraceFilter) => {
      const below = engine.filter((entry) => before === undefined || entry.seq < before);
      const entries = below.slice(-10);
      return { ok: true as const, value: below.length > 10 ? { entries, nextCursor: entries[0]!.seq } : { entries } };
    };
    const fake = createFakeApi({ 'trace.list': page });
    useConsoleApiStore().api = fake.api;
    const trace = useTraceStore();
    await trace.load();
    expect(trace.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 16));
    expect(trace.canLoadOlder).toBe(true);
    await trace.loadOlder();
    await trace.loadOlder();
    expect(fake.calls.map((call) => call.args)).toEqual([{}, { before: 16 }, { before: 6 }]);
    expect(trace.entries.map((entry) => entry.seq)).toEqual(engine.map((entry) => entry.seq));
    expect(trace.visible).toHaveLength(25);
    expect(trace.canLoadOlder).toBe(false);
  });

  it('shows older matches already in memory before asking the engine', async () => {
    const fake = createFakeApi({ 'trace.list': () => ({ ok: true, value: { entries: [] } }) });
    useConsoleApiStore().api = fake.api;
    const trace = useTraceStore();
    trace.append(Array.from({ length: RENDER_CAP + 10 }, (_, i) => makeTrace(i + 1)));
    expect(trace.canLoadOlder).toBe(true);
    await trace.loadOlder();
    expect(fake.calls).toEqual([]);
    expect(trace.visible).toHaveLength(Math.min(RENDER_CAP + OLDER_STEP, RENDER_CAP + 10));
    expect(trace.canLoadOlder).toBe(false);
  });

  it('clears through the engine and forgets the selection', async () => {
    const fake = createFakeApi({ 'trace.clear': () => ({ ok: true, value: undefined }) });
    useConsoleApiStore().api = fake.api;
    const trace = useTraceStore();
    trace.append([makeTrace(1)]);
    trace.selectedSeq = 1;
    await trace.clear();
    expect(fake.calls.map((call) => call.command)).toEqual(['trace.clear']);
    expect(trace.entries).toEqual([]);
    expect(trace.selected).toBeUndefined();
  });
});

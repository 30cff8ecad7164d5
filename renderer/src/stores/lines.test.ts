import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeApi, makeLine } from '../testing/fake-console-api';
import { useConsoleApiStore } from './console-api';
import { useLinesStore } from './lines';

beforeEach(() => setActivePinia(createPinia()));

describe('useLinesStore', () => {
  it('counts failed lines among enabled lines only', () => {
    const lines = useLinesStore();
    lines.apply([
      makeLine(3, { status: 'failed', enabled: false }),
      makeLine(1),
      makeLine(2, { status: 'failed' }),
    ]);
    expect(lines.lines.map((line) => line.number)).toEqual([1, 2, 3]);
    expect(lines.failed.map((line) => line.number)).toEqual([2]);
    expect(lines.registeredCount).toBe(1);
  });

  it('re-registers a line, shows it busy meanwhile, and takes the returned state', async () => {
    let release: () => void = () => undefined;
    const fake = createFakeApi({
      'lines.reregister': ({ line }) =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, value: makeLine(line, { status: 'registering' }) });
        }),
    });
    useConsoleApiStore().api = fake.api;
    const lines = useLinesStore();
    lines.apply([makeLine(1, { status: 'failed' })]);
    const done = lines.reregister(1);
    expect(lines.busy.has(1)).toBe(true);
    expect(await lines.reregister(1)).toBe(false);
    release();
    expect(await done).toBe(true);
    expect(lines.busy.has(1)).toBe(false);
    expect(lines.lines[0]?.status).toBe('registering');
    expect(fake.calls).toHaveLength(1);
  });

  it('keeps the error of a failed re-register per line', async () => {
    const fake = createFakeApi({
      'lines.reregister': () => ({ ok: false, error: { code: 'transport-error', message: 'Not connected' } }),
    });
    useConsoleApiStore().api = fake.api;
    const lines = useLinesStore();
    lines.apply([makeLine(1), makeLine(2)]);
    expect(await lines.reregister(2)).toBe(false);
    expect(lines.actionErrors.get(2)).toBe('Not connected');
    expect(lines.actionErrors.has(1)).toBe(false);
  });
});

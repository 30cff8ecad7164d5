import { describe, expect, it, vi } from 'vitest';
import type { ConsoleApi } from '../../../shared/contract';
import { ACTIVITY_INTERVAL_MS, useActivityReport } from './use-activity-report';

describe('useActivityReport', () => {
  it('reports activity at once and then at most once per interval', () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: undefined }));
    const api = { invoke, on: () => () => undefined } as unknown as ConsoleApi;
    const target = new EventTarget();
    let t = 1_000_000;
    const stop = useActivityReport(api, target, () => t);
    expect(invoke).toHaveBeenCalledTimes(1);
    target.dispatchEvent(new Event('keydown'));
    t += ACTIVITY_INTERVAL_MS - 1;
    target.dispatchEvent(new Event('pointermove'));
    expect(invoke).toHaveBeenCalledTimes(1);
    t += 1;
    target.dispatchEvent(new Event('keydown'));
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(invoke).toHaveBeenLastCalledWith('presence.activity', undefined);
    stop();
    t += ACTIVITY_INTERVAL_MS;
    target.dispatchEvent(new Event('keydown'));
    expect(invoke).toHaveBeenCalledTimes(2);
  });
});

/**
 * Tells main that someone is at the screen (keyboard or pointer), at most once per interval. In serve mode there is
 * no OS idle time, so automatic away (issue 4 §3) is measured from these reports.
 */
import type { ConsoleApi } from '../../../shared/contract';

export const ACTIVITY_INTERVAL_MS = 30_000;

export function useActivityReport(api: ConsoleApi, target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> = window, now: () => number = Date.now): () => void {
  let last = -Infinity;
  const report = (): void => {
    const t = now();
    if (t - last < ACTIVITY_INTERVAL_MS) return;
    last = t;
    void api.invoke('presence.activity', undefined);
  };
  const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'];
  for (const event of events) target.addEventListener(event, report, { passive: true });
  report();
  return () => {
    for (const event of events) target.removeEventListener(event, report);
  };
}

import { describe, expect, it, vi } from 'vitest';
import type { CallView } from '../../shared/calls';
import type { HistorySummary } from '../../shared/history';
import { DEFAULT_SETTINGS, toPublicSettings } from '../../shared/settings';
import { incomingNotices, missedNotice } from './call-notification-model';

const fake = vi.hoisted(() => {
  const shown: Array<{ title: string; body: string; clicks: Array<() => void> }> = [];
  class Notification {
    static isSupported(): boolean {
      return true;
    }
    record: { title: string; body: string; clicks: Array<() => void> };
    constructor(options: { title: string; body: string }) {
      this.record = { title: options.title, body: options.body, clicks: [] };
    }
    on(event: string, listener: () => void): this {
      if (event === 'click') this.record.clicks.push(listener);
      return this;
    }
    show(): void {
      shown.push(this.record);
    }
    close(): void {}
  }
  return { shown, Notification };
});
vi.mock('electron', () => ({ Notification: fake.Notification }));

const { CallNotifier } = await import('./call-notifications');

const ringing = (id: string, number: string, name?: string): CallView => ({
  id,
  line: 1,
  direction: 'incoming',
  state: 'ringing',
  far: { number, uri: `sip:${number}@pbx`, ...(name ? { name } : {}) },
  startedAt: 1,
});
const summary = (unseenMissed: number, revision: number): HistorySummary => ({ unseenMissed, unseenMissedNumbers: unseenMissed ? ['102'] : [], revision });

describe('call notification model', () => {
  it('announces a call once, when it starts ringing', () => {
    const a = ringing('a', '102', 'Anna Alt');
    expect(incomingNotices([], [a])).toEqual([{ tag: 'call-a', title: 'Incoming call', body: 'Anna Alt (102) — line 1' }]);
    expect(incomingNotices([a], [a])).toEqual([]);
    expect(incomingNotices([a], [{ ...a, state: 'connected' }])).toEqual([]);
    expect(incomingNotices([], [{ ...a, direction: 'outgoing' }])).toEqual([]);
    expect(incomingNotices([], [ringing('b', '103')], 'de')[0]).toMatchObject({ title: 'Eingehender Anruf', body: '103 — Leitung 1' });
  });

  it('announces missed calls only when the unseen count grows', () => {
    const missed: CallView = { ...ringing('a', '102', 'Anna Alt'), state: 'ended', end: { cause: 'missed' } };
    expect(missedNotice(summary(0, 1), summary(1, 2), [missed])).toEqual({ tag: 'missed-calls', title: 'Missed call', body: 'from Anna Alt (102)' });
    expect(missedNotice(summary(1, 2), summary(2, 3), [], 'de')).toMatchObject({ title: '2 verpasste Anrufe', body: '102' });
    expect(missedNotice(summary(2, 2), summary(0, 3), [])).toBeUndefined();
    expect(missedNotice(undefined, summary(3, 1), [])).toBeUndefined();
  });
});

describe('CallNotifier', () => {
  it('shows OS notifications for ringing and missed calls when enabled, and clicking shows the window', () => {
    const listeners = new Map<string, (payload: never) => void>();
    let settings = toPublicSettings(DEFAULT_SETTINGS);
    const service = {
      snapshot: () => ({ calls: [], history: summary(0, 0), settings }) as never,
      on: ((event: string, listener: (payload: never) => void) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      }) as never,
    };
    const showWindow = vi.fn();
    const notifier = new CallNotifier({ service, showWindow });
    listeners.get('calls.changed')!([ringing('a', '102')] as never);
    expect(fake.shown.at(-1)).toMatchObject({ title: 'Incoming call', body: '102 — line 1' });
    fake.shown.at(-1)!.clicks[0]!();
    expect(showWindow).toHaveBeenCalled();
    listeners.get('history.changed')!(summary(1, 1) as never);
    expect(fake.shown.at(-1)).toMatchObject({ title: 'Missed call' });

    settings = { ...settings, calls: { ...settings.calls, notifications: false } };
    const count = fake.shown.length;
    listeners.get('calls.changed')!([ringing('b', '103')] as never);
    expect(fake.shown).toHaveLength(count);
    notifier.dispose();
    expect(listeners.size).toBe(0);
  });
});

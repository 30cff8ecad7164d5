import { describe, expect, it } from 'vitest';
import { MissedCallBadge, missedDescription } from './badge';
import { FakeApp, FakeWindow } from './testing/fake-electron';

function rig(platform: NodeJS.Platform) {
  const app = new FakeApp();
  const win = new FakeWindow();
  let unseenMissed = 0;
  let listener: (() => void) | undefined;
  const service = {
    snapshot: () => ({ history: { unseenMissed, unseenMissedNumbers: [], revision: 1 } }) as never,
    on: ((event: string, l: () => void) => {
      if (event === 'history.changed') listener = l;
      return () => (listener = undefined);
    }) as never,
  };
  const dot = { image: 'red dot' };
  const badge = new MissedCallBadge({ service, app: app as never, platform, window: () => win, overlayImage: () => dot as never, locale: 'en' });
  const missed = (count: number): void => {
    unseenMissed = count;
    listener?.();
  };
  return { app, win, dot, badge, missed, subscribed: () => listener !== undefined };
}

describe('MissedCallBadge', () => {
  it('shows the unseen missed count on the dock or launcher, and clears it', () => {
    const { app, badge, missed, subscribed } = rig('darwin');
    missed(2);
    missed(2);
    missed(3);
    missed(0);
    expect(app.badgeCounts).toEqual([0, 2, 3, 0]);
    missed(1);
    badge.dispose();
    expect(app.badgeCounts.at(-1)).toBe(0);
    expect(subscribed()).toBe(false);
  });

  it('puts a described overlay dot on the Windows taskbar button instead', () => {
    const { app, win, dot, badge, missed } = rig('win32');
    missed(1);
    missed(4);
    missed(0);
    expect(app.badgeCounts).toEqual([]);
    expect(win.overlays).toEqual([
      { image: null, description: '' },
      { image: dot, description: '1 missed call' },
      { image: dot, description: '4 missed calls' },
      { image: null, description: '' },
    ]);
    // A new window gets the overlay again when asked.
    badge.refresh(true);
    expect(win.overlays).toHaveLength(5);
  });

  it('describes the count in German too', () => {
    expect(missedDescription(1, 'de')).toBe('1 verpasster Anruf');
    expect(missedDescription(5, 'de')).toBe('5 verpasste Anrufe');
  });
});

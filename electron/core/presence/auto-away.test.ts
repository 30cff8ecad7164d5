import { describe, it, expect } from 'vitest';
import { FakeClock } from '../../sip/clock';
import { AutoAway, type AutoAwayOptions, type AutoPresence } from './auto-away';

/** A machine whose idle time grows with the fake clock until someone touches it. */
function harness(options: Partial<AutoAwayOptions> = {}) {
  const clock = new FakeClock();
  let lastInput = 0;
  const changes: AutoPresence[] = [];
  const auto = new AutoAway({
    clock,
    idleSeconds: () => (clock.now() - lastInput) / 1000,
    thresholdMinutes: 5,
    onChange: (a) => changes.push(a),
    ...options,
  });
  return {
    clock,
    auto,
    changes,
    touch: () => (lastInput = clock.now()),
    advanceSeconds: (s: number) => clock.advance(s * 1000),
  };
}

describe('AutoAway: idle', () => {
  it('goes away once the idle threshold is reached, at the next 15 s poll', () => {
    const h = harness();
    h.advanceSeconds(285);
    expect(h.changes).toEqual([]);
    h.advanceSeconds(14);
    expect(h.changes).toEqual([]);
    h.advanceSeconds(1); // 300 s idle, poll at 300 s
    expect(h.changes).toEqual(['away']);
    expect(h.auto.current).toBe('away');
    h.advanceSeconds(600);
    expect(h.changes).toEqual(['away']);
  });

  it('comes back within the short away poll after activity', () => {
    const h = harness();
    h.advanceSeconds(300);
    h.touch();
    h.advanceSeconds(1);
    expect(h.changes).toEqual(['away']);
    h.advanceSeconds(1);
    expect(h.changes).toEqual(['away', null]);
    expect(h.auto.current).toBeNull();
  });

  it('check() notices activity at once', () => {
    const h = harness();
    h.advanceSeconds(300);
    h.touch();
    h.auto.check();
    expect(h.changes).toEqual(['away', null]);
  });

  it('activity before the threshold keeps the user present', () => {
    const h = harness();
    for (let i = 0; i < 10; i++) {
      h.advanceSeconds(240);
      h.touch();
    }
    expect(h.changes).toEqual([]);
  });

  it('honours pollSeconds', () => {
    const h = harness({ pollSeconds: 60, thresholdMinutes: 1 });
    h.advanceSeconds(59);
    expect(h.changes).toEqual([]);
    h.advanceSeconds(1);
    expect(h.changes).toEqual(['away']);
  });

  it('threshold 0 turns it off; changing the threshold applies at once', () => {
    const h = harness({ thresholdMinutes: 0 });
    h.advanceSeconds(3600);
    expect(h.changes).toEqual([]);
    h.auto.setThresholdMinutes(10);
    expect(h.changes).toEqual(['away']);
    h.auto.setThresholdMinutes(0);
    expect(h.changes).toEqual(['away', null]);
    h.auto.setThresholdMinutes(120);
    expect(h.changes).toEqual(['away', null]);
  });

  it('an idle source that throws or returns NaN changes nothing', () => {
    let mode: 'throw' | 'nan' | 'ok' = 'throw';
    const h = harness({
      idleSeconds: () => {
        if (mode === 'throw') throw new Error('no idle time on this platform');
        return mode === 'nan' ? Number.NaN : 9999;
      },
    });
    h.advanceSeconds(600);
    mode = 'nan';
    h.advanceSeconds(600);
    expect(h.changes).toEqual([]);
    mode = 'ok';
    h.advanceSeconds(15);
    expect(h.changes).toEqual(['away']);
    mode = 'throw';
    h.advanceSeconds(60);
    expect(h.changes).toEqual(['away']);
  });
});

describe('AutoAway: only over a reachable chosen state', () => {
  it('never overrides do not disturb, a manual away or unavailable', () => {
    for (const chosen of ['dnd', 'away', 'xa', 'unavailable'] as const) {
      const h = harness({ chosen });
      h.advanceSeconds(3600);
      expect(h.changes, chosen).toEqual([]);
    }
  });

  it('works over chat as over available', () => {
    const h = harness({ chosen: 'chat' });
    h.advanceSeconds(300);
    expect(h.changes).toEqual(['away']);
  });

  it('choosing dnd while automatically away drops the overlay; choosing available again brings it back', () => {
    const h = harness();
    h.advanceSeconds(300);
    h.auto.setChosen('dnd');
    expect(h.changes).toEqual(['away', null]);
    h.advanceSeconds(60);
    expect(h.changes).toEqual(['away', null]);
    h.auto.setChosen('available');
    expect(h.changes).toEqual(['away', null, 'away']);
  });
});

describe('AutoAway: on the phone', () => {
  it('reports on-the-phone during a call when enabled, and nothing when not', () => {
    const off = harness();
    off.auto.setInCall(true);
    expect(off.changes).toEqual([]);
    const on = harness({ onThePhone: true });
    on.auto.setInCall(true);
    on.touch();
    on.auto.setInCall(false);
    expect(on.changes).toEqual(['on-the-phone', null]);
  });

  it('a long call without input is on the phone, not away; away follows the call if still idle', () => {
    const h = harness({ onThePhone: true });
    h.auto.setInCall(true);
    h.advanceSeconds(1200);
    expect(h.changes).toEqual(['on-the-phone']);
    h.auto.setInCall(false);
    expect(h.changes).toEqual(['on-the-phone', 'away']);
  });

  it('the setting can be switched during a call, and dnd is not overridden', () => {
    const h = harness();
    h.auto.setInCall(true);
    h.auto.setOnThePhone(true);
    expect(h.changes).toEqual(['on-the-phone']);
    h.auto.setChosen('dnd');
    expect(h.changes).toEqual(['on-the-phone', null]);
  });
});

describe('AutoAway: stop', () => {
  it('stops polling and reporting', () => {
    const h = harness();
    expect(h.clock.pending).toBe(1);
    h.auto.stop();
    expect(h.clock.pending).toBe(0);
    h.advanceSeconds(3600);
    h.auto.setInCall(true);
    h.auto.check();
    expect(h.changes).toEqual([]);
  });
});

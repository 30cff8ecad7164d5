import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import { FakeClock } from '../../sip/clock';
import { LineManager } from '../lines/line-manager';
import { TraceLog } from '../trace-log';
import { PresenceService } from './presence-service';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** No lines: the automation logic alone (the Kamailio tests cover publishing). */
function rig(options: { idleSeconds?: () => number } = {}) {
  const clock = new FakeClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'presence-'));
  dirs.push(dataDir);
  const lines = new LineManager({ clock, dataDir, trace: new TraceLog({ clock }) });
  const service = new PresenceService({ clock, lines, ...options });
  const settings: Settings = { ...DEFAULT_SETTINGS, presence: { ...DEFAULT_SETTINGS.presence, autoAwayMinutes: 5 } };
  lines.apply(settings);
  service.apply(settings);
  return { clock, service };
}

describe('PresenceService automation', () => {
  it('shows away after the idle time and the chosen state again on activity (serve mode: UI activity reports)', async () => {
    const { clock, service } = rig();
    service.set({ state: 'available', note: 'Front desk' });
    clock.advance(4 * 60_000);
    expect(service.snapshot().published).toEqual({ state: 'available', note: 'Front desk' });
    clock.advance(2 * 60_000);
    expect(service.snapshot().published).toEqual({ state: 'away', note: 'Front desk', auto: 'away' });
    expect(service.snapshot().own.state).toBe('available');
    service.activity();
    expect(service.snapshot().published).toEqual({ state: 'available', note: 'Front desk' });
  });

  it('never overrides a state the user chose on purpose (dnd), and uses an OS idle source when given', () => {
    let idle = 0;
    const { clock, service } = rig({ idleSeconds: () => idle });
    service.set({ state: 'dnd' });
    idle = 3600;
    clock.advance(10 * 60_000);
    expect(service.snapshot().published).toEqual({ state: 'dnd' });
    service.set({ state: 'chat' });
    clock.advance(60_000);
    expect(service.snapshot().published.auto).toBe('away');
    idle = 0;
    clock.advance(5_000);
    expect(service.snapshot().published.auto).toBeUndefined();
  });

  it('publishes "on the phone" while in a call, through the hook calls will use', () => {
    const { service } = rig();
    service.set({ state: 'available' });
    service.setInCall(true);
    expect(service.snapshot().published.auto).toBe('on-the-phone');
    service.setInCall(false);
    expect(service.snapshot().published.auto).toBeUndefined();
  });
});

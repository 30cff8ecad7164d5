/**
 * Issue 7 (defect 3): the console subscribed to its own `presence.winfo` on its first line, and Kamailio 5.6.3 with
 * memory-only subscriptions dies on that SUBSCRIBE. Watcher info is now opt-in per line (`watcherInfo`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../../shared/settings';
import { FakeClock } from '../../sip/clock';
import { FakeNetwork } from '../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../sip/transport/types';
import { FakePbx } from '../../sip/usage/testing/fake-pbx';
import { LineManager } from '../lines/line-manager';
import { TraceLog } from '../trace-log';
import { PresenceService } from './presence-service';

const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const CONSOLE: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const LINE: LineConfig = {
  id: 'line-1',
  enabled: true,
  displayName: 'Reception',
  user: '200',
  password: 'secret',
  domain: 'test.local',
  registrar: PBX.host,
  transport: 'udp',
  expires: 600,
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Starts a console (lines + own presence) with `line` against a fake PBX and lets it run for 3 s. */
async function run(line: LineConfig): Promise<FakePbx> {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const pbx = new FakePbx(net, clock, { endpoint: PBX, users: { '200': 'secret' } });
  pbx.listen();
  const lines = new LineManager({
    clock,
    dataDir: '',
    trace: new TraceLog({ clock }),
    stack: { transportFactory: () => net.transport(CONSOLE) },
    resolve: async () => [{ protocol: 'udp', host: PBX.host, port: PBX.port, serverName: PBX.host }],
  });
  const presence = new PresenceService({ clock, lines });
  const settings: Settings = { ...DEFAULT_SETTINGS, lines: [line] };
  lines.apply(settings);
  presence.apply(settings);
  const settle = async (ms: number): Promise<void> => {
    for (let t = 0; t <= ms; t += 100) {
      for (let i = 0; i < 20; i++) await net.flush();
      clock.advance(100);
    }
  };
  closers.push(async () => {
    const done = presence.shutdown().then(() => lines.shutdown());
    let finished = false;
    void done.then(() => (finished = true));
    for (let i = 0; i < 20 && !finished; i++) await settle(500);
    await done;
    await pbx.stack.close();
  });
  await settle(3000);
  return pbx;
}

const winfo = (pbx: FakePbx) => pbx.received.filter((r) => r.method === 'SUBSCRIBE' && r.get('Event') === 'presence.winfo');

describe('watcher info (RFC 3857) is opt-in per line', () => {
  it('sends no presence.winfo SUBSCRIBE with default settings', async () => {
    const pbx = await run(LINE);
    expect(pbx.received.some((r) => r.method === 'REGISTER')).toBe(true);
    expect(pbx.received.some((r) => r.method === 'PUBLISH')).toBe(true);
    expect(winfo(pbx)).toEqual([]);
  });

  it('subscribes to the own presence.winfo, for 600 s, on a line that opts in', async () => {
    const pbx = await run({ ...LINE, watcherInfo: true });
    expect(winfo(pbx).length).toBeGreaterThan(0);
    expect(winfo(pbx)[0]!.get('Expires')).toBe('600');
    expect(winfo(pbx)[0]!.uri).toBe('sip:200@test.local');
  });
});

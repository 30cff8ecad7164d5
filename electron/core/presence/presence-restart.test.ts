/**
 * Issue 7 (defect 4), own presence: a PBX restart detected by the lamp healer also lost the published presence.
 * `pbxRestarted` re-publishes at once with an initial PUBLISH (RFC 3903 §4.1, no SIP-If-Match) instead of waiting
 * for the next refresh's 412, and renews the watcher-info subscription where the line has one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../../shared/settings';
import { FakeClock } from '../../sip/clock';
import { FakeNetwork } from '../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../sip/transport/types';
import { FakePbx } from '../../sip/usage/testing/fake-pbx';
import { FakePresenceServer } from '../../sip/usage/testing/fake-presence-server';
import { LineManager } from '../lines/line-manager';
import { TraceLog } from '../trace-log';
import { PresenceService } from './presence-service';

const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const CONSOLE: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const AOR = 'sip:200@test.local';
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

interface Rig {
  pbx: FakePbx;
  server: FakePresenceServer;
  presence: PresenceService;
  settle(ms: number): Promise<void>;
}

/** A console (lines + own presence) against a fake PBX whose PUBLISHes go to a presence compositor; runs 3 s. */
async function run(line: LineConfig): Promise<Rig> {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const pbx = new FakePbx(net, clock, { endpoint: PBX, users: { '200': 'secret' } });
  // Never listens: only its compositor is used, behind the PBX's registrar.
  const server = new FakePresenceServer(net, clock, { endpoint: PBX });
  pbx.publisher = (request) => server.answer(request);
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
    await Promise.all([pbx.stack.close(), server.stack.close()]);
  });
  await settle(3000);
  return { pbx, server, presence, settle };
}

const winfo = (pbx: FakePbx) => pbx.requests('SUBSCRIBE').filter((r) => r.get('Event') === 'presence.winfo');

describe('PresenceService.pbxRestarted', () => {
  it('publishes the own state afresh at once, without SIP-If-Match, when the PBX forgot it', async () => {
    const r = await run(LINE);
    r.presence.set({ state: 'away', note: 'Lunch' });
    await r.settle(500);
    expect(r.server.entitiesOf(AOR)).toHaveLength(1);
    const held = r.server.entitiesOf(AOR)[0]!.body;
    r.server.forget();
    const mark = r.server.requests.length;

    r.presence.pbxRestarted(1);
    await r.settle(500);
    const sent = r.server.requests.slice(mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.has('SIP-If-Match')).toBe(false);
    expect(sent[0]!.bodyText).toBe(held);
    // Healed without drawing a 412 first.
    expect(r.server.responses.slice(mark).map((res) => res.status)).toEqual([200]);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([held]);
    expect(r.presence.snapshot().lines[0]).toMatchObject({ method: 'publish', state: 'published' });
  });

  it('renews the presence.winfo subscription at once on a line that opts in, and only there', async () => {
    const r = await run({ ...LINE, watcherInfo: true });
    // The fake PBX does not take SUBSCRIBE: the subscription waits for its back-off (30 s ± 20 %).
    const before = winfo(r.pbx).length;
    expect(before).toBeGreaterThan(0);
    r.presence.pbxRestarted(1);
    await r.settle(500);
    expect(winfo(r.pbx).length).toBe(before + 1);

    const plain = await run(LINE);
    plain.presence.pbxRestarted(1);
    await plain.settle(500);
    expect(winfo(plain.pbx)).toEqual([]);
  });

  it('ignores a line it does not publish on', async () => {
    const r = await run(LINE);
    const mark = r.server.requests.length;
    r.presence.pbxRestarted(2);
    await r.settle(500);
    expect(r.server.requests.length).toBe(mark);
  });
});

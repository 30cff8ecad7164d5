/**
 * Issue 4's test "A fake server answering 501 to PUBLISH: the line switches to its feature codes and dials the right
 * one": a real LineManager, PresenceService and LineFeatureCodes against one fake PBX on a FakeNetwork.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../../shared/settings';
import { FakeClock } from '../../sip/clock';
import { FakeNetwork } from '../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../sip/transport/types';
import { FakePbx } from '../../sip/usage/testing/fake-pbx';
import { LineManager } from '../lines/line-manager';
import { TraceLog } from '../trace-log';
import { LineFeatureCodes } from './feature-codes';
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
  featureCodes: { dnd: '*78', available: '*79' },
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function rig() {
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
  const featureCodes = new LineFeatureCodes({ clock, lines, codes: (n) => lines.lineConfig(n)?.featureCodes });
  const presence = new PresenceService({ clock, lines, featureCodes });
  const settings: Settings = { ...DEFAULT_SETTINGS, lines: [LINE] };
  lines.apply(settings);
  presence.apply(settings);
  /** Lets the network run and moves fake time in 100 ms steps, `ms` in all. */
  const settle = async (ms: number): Promise<void> => {
    for (let t = 0; t <= ms; t += 100) {
      for (let i = 0; i < 20; i++) await net.flush();
      clock.advance(100);
    }
    for (let i = 0; i < 20; i++) await net.flush();
  };
  closers.push(async () => {
    const done = presence.shutdown().then(() => lines.shutdown());
    let finished = false;
    void done.then(() => (finished = true));
    for (let i = 0; i < 20 && !finished; i++) await settle(500);
    await done;
    await pbx.stack.close();
  });
  return { pbx, presence, settle };
}

const featureInvites = (pbx: FakePbx) => pbx.requests('INVITE').filter((r) => r.has('Proxy-Authorization'));

describe('own presence on a PBX that answers 501 to PUBLISH', () => {
  it('switches the line to its feature codes and dials the code for the chosen state', async () => {
    const { pbx, presence, settle } = rig();
    await settle(3000);
    expect(pbx.requests('PUBLISH').length).toBeGreaterThan(0);
    // The state at start (available) already went out by its code.
    expect(featureInvites(pbx).map((r) => r.uri)).toEqual(['sip:*79@test.local']);

    expect(presence.set({ state: 'dnd' }).ok).toBe(true);
    await settle(3000);
    const invites = featureInvites(pbx);
    expect(invites.map((r) => r.uri)).toEqual(['sip:*79@test.local', 'sip:*78@test.local']);
    expect(invites[1]!.from.uri).toBe('sip:200@test.local');
    expect(invites[1]!.get('Proxy-Authorization')).toMatch(/username="200"/);
    expect(pbx.requests('BYE')).toHaveLength(2);
    // Once refused, PUBLISH is not tried again for the change.
    expect(pbx.requests('PUBLISH')).toHaveLength(1);

    const line = presence.snapshot().lines[0]!;
    expect(line).toMatchObject({ line: 1, method: 'feature-codes', state: 'published' });
    expect(line.reason).toContain('501');
    expect(line.reason).toContain('*78');
  });

  it('says so when no code is configured for the state, and dials nothing', async () => {
    const { pbx, presence, settle } = rig();
    await settle(3000);
    const before = featureInvites(pbx).length;
    presence.set({ state: 'away' });
    await settle(3000);
    expect(featureInvites(pbx)).toHaveLength(before);
    const line = presence.snapshot().lines[0]!;
    expect(line.method).toBe('feature-codes');
    expect(line.state).toBe('failed');
    expect(line.reason).toMatch(/no feature code is configured/);
  });
});

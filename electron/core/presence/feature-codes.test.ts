import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceState } from '../../../shared/tiles';
import { FakeClock } from '../../sip/clock';
import { SipStack } from '../../sip/stack';
import { FakeNetwork } from '../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../sip/transport/types';
import { fakeLineContext } from '../../sip/usage/testing/fake-line-context';
import { FakePbx } from '../../sip/usage/testing/fake-pbx';
import { LineFeatureCodes, type CarryOutcome } from './feature-codes';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function rig(codes: Record<number, Partial<Record<PresenceState, string>>>) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const pbx = new FakePbx(net, clock, { endpoint: PBX, users: { '200': 'secret' } });
  pbx.listen();
  const stack = new SipStack({ clock, transportFactory: () => net.transport(CLIENT) });
  closers.push(() => Promise.all([stack.close(), pbx.stack.close()]).then(() => undefined));
  const carrier = new LineFeatureCodes({
    clock,
    lines: { lineContext: (n) => (n === 1 ? fakeLineContext(stack, { server: PBX, user: '200', number: 1 }) : undefined) },
    codes: (n) => codes[n],
    call: { holdMs: 1000, timeoutMs: 8000 },
  });
  /** Runs the network and the clock until every promise given has settled. */
  const run = async <T>(...promises: Array<Promise<T>>): Promise<T[]> => {
    const results: Array<T | undefined> = promises.map(() => undefined);
    let left = promises.length;
    promises.forEach((p, i) => void p.then((v) => ((results[i] = v), left--)));
    for (let i = 0; i < 200 && left > 0; i++) {
      for (let j = 0; j < 10; j++) await net.flush();
      clock.advance(100);
    }
    if (left > 0) throw new Error('carry never finished');
    return results as T[];
  };
  return { pbx, carrier, run };
}

const dialled = (pbx: FakePbx): string[] => pbx.requests('INVITE').filter((r) => r.has('Proxy-Authorization')).map((r) => r.uri);

describe('LineFeatureCodes', () => {
  it('dials the code configured for the state and reports it', async () => {
    const { pbx, carrier, run } = rig({ 1: { dnd: '*78', available: '*79' } });
    expect(await run(carrier.carry(1, { state: 'dnd' }))).toEqual([{ outcome: 'dialled', code: '*78' }]);
    expect(dialled(pbx)).toEqual(['sip:*78@test.local']);
  });

  it('reports no-code for a state without a code and dials nothing', async () => {
    const { pbx, carrier, run } = rig({ 1: { dnd: '*78' } });
    expect(await run(carrier.carry(1, { state: 'away' }))).toEqual([{ outcome: 'no-code' }]);
    expect(await run(carrier.carry(2, { state: 'dnd' }))).toEqual([{ outcome: 'no-code' }]);
    expect(pbx.requests('INVITE')).toHaveLength(0);
  });

  it('maps a refused call to failed with the status', async () => {
    const { pbx, carrier, run } = rig({ 1: { dnd: '*78' } });
    pbx.invite = { kind: 'refuse', status: 486 };
    const [outcome] = await run(carrier.carry(1, { state: 'dnd' }));
    expect(outcome).toMatchObject({ outcome: 'failed', code: '*78', sipStatus: 486 });
  });

  it('runs one call per line at a time and dials only the newest waiting state', async () => {
    const { pbx, carrier, run } = rig({ 1: { dnd: '*78', available: '*79', away: '*80' } });
    const first = carrier.carry(1, { state: 'dnd' });
    const second = carrier.carry(1, { state: 'away' });
    const third = carrier.carry(1, { state: 'available' });
    const outcomes: CarryOutcome[] = await run(first, second, third);
    expect(outcomes).toEqual([
      { outcome: 'dialled', code: '*78' },
      { outcome: 'dialled', code: '*79' },
      { outcome: 'dialled', code: '*79' },
    ]);
    expect(dialled(pbx)).toEqual(['sip:*78@test.local', 'sip:*79@test.local']);
    // The second INVITE went out only after the first call's BYE.
    const order = pbx.received.map((r) => (r.method === 'INVITE' ? `INVITE ${r.uri}` : r.method));
    expect(order.indexOf('BYE')).toBeGreaterThan(0);
    expect(order.indexOf('BYE')).toBeLessThan(order.indexOf('INVITE sip:*79@test.local'));
  });
});

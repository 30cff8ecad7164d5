import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../clock';
import { SipStack } from '../../stack';
import { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint, TransportProtocol } from '../../transport/types';
import { FakeRegistrar, type FakeRegistrarOptions } from '../testing/fake-registrar';
import { Registration, type RegistrationConfig, type RegistrationState } from './registration';
import type { ResolvedTarget } from '../../dns/resolver';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const SERVER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };

interface Rig {
  clock: FakeClock;
  net: FakeNetwork;
  registrar: FakeRegistrar;
  registration: Registration;
  states: RegistrationState[];
  settle: (ms?: number) => Promise<void>;
}

const stacks: SipStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function rig(
  config: Partial<RegistrationConfig> = {},
  server: Partial<FakeRegistrarOptions> = {},
  targets: ResolvedTarget[] = [{ protocol: 'udp', host: SERVER.host, port: SERVER.port, serverName: SERVER.host }],
): Promise<Rig> {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const registrar = new FakeRegistrar(net, clock, { endpoint: SERVER, users: { '101': 'secret' }, ...server });
  await registrar.listen();
  const protocol: TransportProtocol = config.transport ?? 'udp';
  const stack = new SipStack({ clock, transportFactory: () => net.transport({ ...CLIENT, protocol }) });
  stacks.push(stack, registrar.stack);
  const states: RegistrationState[] = [];
  const registration = new Registration(
    {
      displayName: 'Reception',
      user: '101',
      domain: 'test.local',
      password: 'secret',
      registrar: '127.0.0.1',
      transport: protocol,
      expires: 600,
      retryBaseSeconds: 30,
      retryMaxSeconds: 1800,
      ...config,
    },
    { stack, clock, resolve: async () => targets, random: () => 0.5, onChange: (s) => states.push(s) },
  );
  /** Lets deliveries and timers run: real microtasks/immediates, fake time. */
  const settle = async (ms = 0): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
    if (ms > 0) {
      clock.advance(ms);
      for (let i = 0; i < 20; i++) await net.flush();
    }
  };
  return { clock, net, registrar, registration, states, settle };
}

describe('Registration (RFC 3261 §10)', () => {
  it('registers through a digest challenge and binds the contact of the real local address', async () => {
    const r = await rig();
    r.registration.start();
    await r.settle();
    expect(r.registration.state.status).toBe('registered');
    expect(r.registrar.bindings.get('sip:101@test.local')?.has('sip:101@127.0.0.1:5070')).toBe(true);
    const [first, second] = r.registrar.requests;
    expect(first!.uri).toBe('sip:test.local');
    expect(first!.has('Authorization')).toBe(false);
    expect(second!.get('Authorization')).toMatch(/^Digest /);
    expect(second!.cseq.seq).toBe(first!.cseq.seq + 1);
    expect(second!.callId).toBe(first!.callId);
    expect(second!.vias[0]!.branch).not.toBe(first!.vias[0]!.branch);
    expect(first!.vias[0]!.params).toHaveProperty('rport');
    expect(r.states.map((s) => s.status)).toEqual(['registering', 'registered']);
  });

  it('refreshes before the granted expiry, reusing credentials without a new challenge', async () => {
    const r = await rig({ expires: 600 }, { maxExpires: 120 });
    r.registration.start();
    await r.settle();
    expect(r.registration.state.expiresAt! - r.clock.wallNow()).toBe(120_000);
    const before = r.registrar.requests.length;
    await r.settle(59_000);
    expect(r.registrar.requests.length).toBe(before);
    await r.settle(1_000);
    expect(r.registrar.requests.length).toBe(before + 1);
    expect(r.registrar.requests.at(-1)!.get('Authorization')).toMatch(/nonce="nonce1"/);
    expect(r.registrar.requests.at(-1)!.get('Authorization')).toMatch(/nc=0000000[2-9]/);
    expect(r.registration.state.status).toBe('registered');
  });

  it('answers 423 Interval Too Brief by retrying with Min-Expires (§10.2.8)', async () => {
    const r = await rig({ expires: 60 }, { minExpires: 300 });
    r.registration.start();
    await r.settle();
    expect(r.registration.state.status).toBe('registered');
    expect(r.registrar.requests.at(-1)!.get('Expires')).toBe('300');
  });

  it('ends as failed with the server status when the password is wrong, and does not loop', async () => {
    const r = await rig({ password: 'wrong' });
    r.registration.start();
    await r.settle();
    expect(r.registration.state).toMatchObject({ status: 'failed', sipStatus: 401 });
    expect(r.registrar.requests.length).toBe(2);
    expect(r.registration.state.nextRetryAt).toBeGreaterThan(r.clock.wallNow());
  });

  // Issue 7 defect 4: a line refused with 401/403 was announced as "PBX unreachable".
  it('tells rejected credentials (401, 403) from an unreachable registrar and from other refusals', async () => {
    const wrong = await rig({ password: 'wrong' });
    wrong.registration.start();
    await wrong.settle();
    expect(wrong.registration.state).toMatchObject({ status: 'failed', failure: 'auth-failed', sipStatus: 401 });

    const forbidden = await rig();
    forbidden.registrar.failWith = 403;
    forbidden.registration.start();
    await forbidden.settle();
    expect(forbidden.registration.state).toMatchObject({ status: 'failed', failure: 'auth-failed', sipStatus: 403 });

    const notFound = await rig();
    notFound.registrar.failWith = 404;
    notFound.registration.start();
    await notFound.settle();
    expect(notFound.registration.state).toMatchObject({ status: 'failed', failure: 'refused', sipStatus: 404 });

    const silent = await rig();
    silent.net.setFilter(() => false);
    silent.registration.start();
    await silent.settle();
    await silent.settle(32_000); // Timer F
    expect(silent.registration.state).toMatchObject({ status: 'failed', failure: 'unreachable', sipStatus: 408 });
    // A new attempt is no longer a failure of any kind.
    silent.net.setFilter(undefined);
    await silent.settle(silent.registration.state.nextRetryAt! - silent.clock.wallNow());
    expect(silent.registration.state.status).toBe('registered');
    expect(silent.states.filter((s) => s.status !== 'failed').every((s) => s.failure === undefined)).toBe(true);
  });

  it('fails over to the next target on timeout, then backs off with growing delays', async () => {
    const targets: ResolvedTarget[] = [
      { protocol: 'udp', host: '127.0.0.9', port: 5060, serverName: 'a' },
      { protocol: 'udp', host: SERVER.host, port: SERVER.port, serverName: 'b' },
    ];
    const r = await rig({ retryBaseSeconds: 30, retryMaxSeconds: 1800 }, {}, targets);
    r.registration.start();
    await r.settle();
    await r.settle(32_000); // Timer F at 64·T1 on the dead first target
    expect(r.registration.state.status).toBe('registered');
    expect(r.registration.state.server).toBe('udp:127.0.0.1:5060');

    const r2 = await rig({ retryBaseSeconds: 30, retryMaxSeconds: 100 }, {}, [targets[0]!]);
    r2.registration.start();
    await r2.settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await r2.settle(32_000);
      expect(r2.registration.state.status).toBe('failed');
      delays.push(Math.round((r2.registration.state.nextRetryAt! - r2.clock.wallNow()) / 1000));
      await r2.settle(r2.registration.state.nextRetryAt! - r2.clock.wallNow());
    }
    expect(delays).toEqual([30, 60, 100, 100]);
  });

  it('notices a UDP registrar that stopped answering through the OPTIONS keep-alive, and recovers', async () => {
    const r = await rig({ keepAliveSeconds: 30, retryBaseSeconds: 10, retryMaxSeconds: 60, expires: 3600 });
    r.registration.start();
    await r.settle();
    await r.settle(30_000);
    const options = r.net.sent.filter((d) => d.text.startsWith('OPTIONS '));
    expect(options).toHaveLength(1);
    expect(r.registration.state.status).toBe('registered');

    r.net.setFilter(() => false); // the PBX goes away
    await r.settle(30_000);
    await r.settle(32_000); // Timer F of the unanswered OPTIONS
    expect(r.registration.state).toMatchObject({ status: 'failed', sipStatus: 408 });
    expect(r.registration.state.reason).toMatch(/keep-alive/);

    r.net.setFilter(undefined); // and comes back
    await r.settle(r.registration.state.nextRetryAt! - r.clock.wallNow());
    expect(r.registration.state.status).toBe('registered');
  });

  it('sends no keep-alive when it is off or the flow is a connection', async () => {
    const r = await rig({ keepAliveSeconds: 0 });
    r.registration.start();
    await r.settle();
    await r.settle(120_000);
    expect(r.net.sent.filter((d) => d.text.startsWith('OPTIONS '))).toHaveLength(0);
  });

  it('un-REGISTERs on stop, leaving no binding', async () => {
    const r = await rig();
    r.registration.start();
    await r.settle();
    const stopped = r.registration.stop();
    await r.settle();
    await stopped;
    expect(r.registrar.bindings.get('sip:101@test.local')?.size).toBe(0);
    expect(r.registrar.requests.at(-1)!.get('Expires')).toBe('0');
    expect(r.registration.state.status).toBe('unregistered');
  });

  it('re-registers after a TCP connection to the registrar closes', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork();
    const tcpServer = { ...SERVER, protocol: 'tcp' as const };
    const registrar = new FakeRegistrar(net, clock, { endpoint: tcpServer, users: { '101': 'secret' } });
    const clientTransport = net.transport({ ...CLIENT, protocol: 'tcp' });
    const stack = new SipStack({ clock, transportFactory: () => clientTransport });
    stacks.push(stack, registrar.stack);
    await registrar.listen();
    const registration = new Registration(
      { displayName: '', user: '101', domain: 'test.local', password: 'secret', transport: 'tcp', expires: 600, retryBaseSeconds: 5, retryMaxSeconds: 60 },
      { stack, clock, resolve: async () => [{ protocol: 'tcp', host: SERVER.host, port: SERVER.port, serverName: 'x' }], random: () => 0.5 },
    );
    registration.start();
    for (let i = 0; i < 20; i++) await net.flush();
    expect(registration.state.status).toBe('registered');
    expect(registrar.requests[0]!.get('Contact')).toContain(';transport=tcp');
    clientTransport.closeFlow({ host: SERVER.host, port: SERVER.port });
    for (let i = 0; i < 5; i++) await net.flush();
    expect(registration.state.status).toBe('failed');
    clock.advance(5_000);
    for (let i = 0; i < 20; i++) await net.flush();
    expect(registration.state.status).toBe('registered');
  });
});

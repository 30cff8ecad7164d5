/**
 * The second wall (issue 7, defect 2): a line setting with CR/LF/NUL that slipped past settings validation (a
 * hand-edited file) fails the request being built with a typed {@link HeaderValueError}, and every usage turns that
 * into a failed state naming the reason. Before, a plain Error escaped a `void`ed send and killed the process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { createRequest, HeaderValueError } from '../message';
import { SipStack } from '../stack';
import { FakeNetwork } from '../transport/testing/fake-network';
import type { Endpoint, Flow } from '../transport/types';
import { fakeLineContext } from './testing/fake-line-context';
import { dialFeatureCode } from './call/feature-call';
import { Publication, type PublicationStatus } from './publication/publication';
import { Registration, type RegistrationState } from './registration/registration';
import { nameAddr, outOfDialogHeaders, sendAnsweringChallenges } from './requests';
import { rig, type Rig } from './testing/subscription-rig';
import { DigestSession } from '../auth';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const SERVER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const BAD_NAME = 'Reception\r\nVia: SIP/2.0/UDP evil';
const REASON = 'display name contains a control character';
const flow = { protocol: 'udp', local: { host: '127.0.0.1', port: 5070 } } as Flow;
const request = { flow, method: 'OPTIONS', from: '<sip:a@b>', fromTag: 't', to: '<sip:c@d>', callId: 'x', cseq: 1 };

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

function network(): { clock: FakeClock; net: FakeNetwork; stack: SipStack; settle: () => Promise<void> } {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const stack = new SipStack({ clock, transportFactory: () => net.transport(CLIENT) });
  closers.push(() => stack.close());
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
  };
  return { clock, net, stack, settle };
}

describe('header builders', () => {
  it.each(['\r', '\n', '\r\n', '\u0000', '\t'])('refuse a display name with %j as a typed HeaderValueError', (c) => {
    const error = thrown(() => nameAddr(`Desk${c}X`, 'sip:101@pbx'));
    expect(error).toBeInstanceOf(HeaderValueError);
    expect(error).toMatchObject({ header: 'From', reason: REASON });
  });

  it('quote and escape a printable display name', () => {
    expect(nameAddr('Büro "A" \\ 1', 'sip:101@pbx')).toBe('"Büro \\"A\\" \\\\ 1" <sip:101@pbx>');
  });

  it.each([
    ['From', { from: '<sip:a@b>\r\nX: y' }],
    ['To', { to: '<sip:c\u0000@d>' }],
    ['Route', { route: '<sip:proxy\n;lr>' }],
  ])('refuse a control character in %s of an out-of-dialog request', (header, bad) => {
    expect(thrown(() => outOfDialogHeaders({ ...request, ...bad }))).toMatchObject({ name: 'HeaderValueError', header });
  });

  it.each(['\r', '\n', '\u0000'])('createRequest refuses %j in any header value and in the Request-URI', (c) => {
    expect(thrown(() => createRequest({ method: 'OPTIONS', uri: 'sip:a@b', headers: [['Subject', `x${c}y`]] }))).toBeInstanceOf(HeaderValueError);
    expect(thrown(() => createRequest({ method: 'OPTIONS', uri: `sip:a${c}@b` }))).toBeInstanceOf(HeaderValueError);
  });
});

describe('usages with a display name that would inject a header', () => {
  it('Registration fails the line with the reason and sends nothing', async () => {
    const { clock, net, stack, settle } = network();
    const states: RegistrationState[] = [];
    const registration = new Registration(
      { displayName: BAD_NAME, user: '101', domain: 'test.local', password: 'pw', transport: 'udp', expires: 600, retryBaseSeconds: 30, retryMaxSeconds: 1800 },
      { stack, clock, resolve: async () => [{ ...SERVER, serverName: SERVER.host }], random: () => 0.5, onChange: (s) => states.push(s) },
    );
    registration.start();
    await settle();
    expect(registration.state).toMatchObject({ status: 'failed', reason: REASON });
    expect(net.sent).toEqual([]);
    await registration.stop();
  });

  it('Subscription fails with the reason instead of an unhandled rejection', async () => {
    const r: Rig = await rig({ line: { displayName: BAD_NAME } });
    closers.push(() => r.close());
    r.subscription.start();
    await r.settle();
    expect(r.statuses.at(-1)).toMatchObject({ state: 'failed', reason: REASON });
    expect(r.subscribes).toEqual([]);
    await r.subscription.stop();
  });

  it('Publication fails with the reason', async () => {
    const { clock, net, stack, settle } = network();
    const statuses: PublicationStatus[] = [];
    const line = fakeLineContext(stack, { server: SERVER, displayName: BAD_NAME });
    const publication = new Publication(line, { event: 'presence', expires: 600 }, { clock, random: () => 0.5 }, { onStatus: (s) => statuses.push(s) });
    publication.publish('<presence/>');
    await settle();
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', reason: REASON });
    expect(net.sent).toEqual([]);
  });

  it('a feature call ends with the reason', async () => {
    const { clock, net, stack, settle } = network();
    const line = fakeLineContext(stack, { server: SERVER, displayName: BAD_NAME });
    const result = dialFeatureCode(line, '*78', { clock });
    await settle();
    expect(await result).toEqual({ ok: false, reason: REASON });
    expect(net.sent).toEqual([]);
  });

  it('a one-shot request that cannot be built resolves undefined instead of rejecting', async () => {
    const { stack } = network();
    const build = (): never => {
      throw new HeaderValueError('From', REASON);
    };
    await expect(sendAnsweringChallenges(stack, flow, new DigestSession({ username: 'a', password: 'b' }), build)).resolves.toBeUndefined();
  });
});

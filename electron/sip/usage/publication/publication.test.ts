import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../clock';
import { SipStack } from '../../stack';
import { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint } from '../../transport/types';
import { fakeLineContext } from '../testing/fake-line-context';
import { FakePresenceServer, type FakePresenceServerOptions } from '../testing/fake-presence-server';
import { Publication, type PublicationConfig, type PublicationDeps, type PublicationStatus } from './publication';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const SERVER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const AOR = 'sip:200@test.local';
const PIDF = (note: string): string => `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${AOR}"><tuple id="t"><status><basic>open</basic></status><note>${note}</note></tuple></presence>`;

interface Rig {
  clock: FakeClock;
  net: FakeNetwork;
  server: FakePresenceServer;
  publication: Publication;
  statuses: PublicationStatus[];
  settle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

function rig(options: { server?: Partial<FakePresenceServerOptions>; config?: Partial<PublicationConfig>; deps?: Partial<PublicationDeps> } = {}): Rig {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const server = new FakePresenceServer(net, clock, { endpoint: SERVER, ...options.server });
  server.listen();
  const transport = net.transport(CLIENT);
  const stack = new SipStack({ clock, transportFactory: () => transport });
  const statuses: PublicationStatus[] = [];
  const line = fakeLineContext(stack, { server: SERVER, user: '200', password: 'secret', displayName: 'Reception' });
  const publication = new Publication(
    line,
    { event: 'presence', expires: 600, ...options.config },
    { clock, random: () => 0.5, retryBaseSeconds: 30, retryMaxSeconds: 1800, ...options.deps },
    { onStatus: (s) => statuses.push(s) },
  );
  const settle = async (ms = 0): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
    if (ms > 0) {
      clock.advance(ms);
      for (let i = 0; i < 20; i++) await net.flush();
    }
  };
  const r: Rig = { clock, net, server, publication, statuses, settle, close: () => Promise.all([stack.close(), server.stack.close()]).then(() => undefined) };
  rigs.push(r);
  return r;
}

/** Drops the server's first answer, so the PUBLISH stays unanswered until its retransmission 500 ms later. */
function loseFirstAnswer(r: Rig): void {
  let dropped = false;
  r.net.setFilter((data, from) => {
    if (dropped || from.port !== SERVER.port || !data.toString().startsWith('SIP/2.0 200')) return true;
    dropped = true;
    return false;
  });
}

describe('Publication: the RFC 3903 cycle', () => {
  it('publishes, refreshes with SIP-If-Match and no body, modifies and removes', async () => {
    const r = rig();
    r.publication.publish(PIDF('Lunch'));
    await r.settle();
    const initial = r.server.requests[0]!;
    expect(initial.method).toBe('PUBLISH');
    expect(initial.uri).toBe(AOR);
    expect(initial.to).toEqual({ uri: AOR, params: {} });
    expect(initial.from).toMatchObject({ displayName: 'Reception', uri: AOR });
    expect(initial.get('Event')).toBe('presence');
    expect(initial.get('Expires')).toBe('600');
    expect(initial.get('Content-Type')).toBe('application/pidf+xml');
    expect(initial.has('SIP-If-Match')).toBe(false);
    expect(initial.bodyText).toBe(PIDF('Lunch'));
    const etag1 = r.server.responses[0]!.get('SIP-ETag');
    expect(r.publication.status).toEqual({ state: 'published', etag: etag1, sipStatus: 200, reason: 'OK', expiresAt: r.clock.wallNow() + 600_000 });
    expect(r.statuses.map((s) => s.state)).toEqual(['publishing', 'published']);

    // RFC 3903 §4.3: refresh before expiry (a minute early for 600 s), conditional, without a body.
    await r.settle(539_000);
    expect(r.server.requests).toHaveLength(1);
    await r.settle(1000);
    const refresh = r.server.requests[1]!;
    expect(refresh.get('SIP-If-Match')).toBe(etag1);
    expect(refresh.bodyText).toBe('');
    expect(refresh.has('Content-Type')).toBe(false);
    expect(refresh.get('Expires')).toBe('600');
    expect(refresh.callId).toBe(initial.callId);
    expect(refresh.cseq.seq).toBe(initial.cseq.seq + 1);
    const etag2 = r.server.responses[1]!.get('SIP-ETag');
    expect(etag2).not.toBe(etag1);
    expect(r.publication.status).toMatchObject({ state: 'published', etag: etag2 });
    expect(r.statuses.map((s) => s.state)).toEqual(['publishing', 'published', 'published']);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('Lunch')]);

    // §4.4: modify with the held entity-tag and the new body.
    r.publication.publish(PIDF('Back'));
    await r.settle();
    const modify = r.server.requests[2]!;
    expect(modify.get('SIP-If-Match')).toBe(etag2);
    expect(modify.bodyText).toBe(PIDF('Back'));
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('Back')]);
    const etag3 = r.server.responses[2]!.get('SIP-ETag');
    expect(r.publication.status).toMatchObject({ state: 'published', etag: etag3 });

    // §4.5: removal.
    await r.publication.unpublish();
    const remove = r.server.requests[3]!;
    expect(remove.get('Expires')).toBe('0');
    expect(remove.get('SIP-If-Match')).toBe(etag3);
    expect(remove.bodyText).toBe('');
    expect(r.server.responses[3]!.status).toBe(200);
    expect(r.server.entitiesOf(AOR)).toEqual([]);
    expect(r.publication.status).toEqual({ state: 'idle' });
    await r.settle(3_600_000);
    expect(r.server.requests).toHaveLength(4);
  });

  it('sends one modification with the newest body for a burst of publish() calls during a PUBLISH', async () => {
    const r = rig();
    loseFirstAnswer(r);
    r.publication.publish(PIDF('one'));
    await r.settle();
    expect(r.server.requests).toHaveLength(1);
    // RFC 3903 §4: no new PUBLISH before the previous one has its final response.
    r.publication.publish(PIDF('two'));
    r.publication.publish(PIDF('three'));
    await r.settle();
    expect(r.server.requests).toHaveLength(1);
    await r.settle(500);
    expect(r.server.requests.map((q) => [q.has('SIP-If-Match'), q.bodyText])).toEqual([
      [false, PIDF('one')],
      [true, PIDF('three')],
    ]);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('three')]);
    expect(r.publication.status.state).toBe('published');
  });

  it('refreshes at the interval the server granted', async () => {
    const r = rig({ server: { maxExpires: 120 } });
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.publication.status.expiresAt).toBe(r.clock.wallNow() + 120_000);
    await r.settle(60_000);
    expect(r.server.requests).toHaveLength(2);
    expect(r.server.requests[1]!.has('SIP-If-Match')).toBe(true);
  });
});

describe('Publication: recovery', () => {
  it('publishes afresh with the last body when a refresh gets 412 (server forgot the entity)', async () => {
    const r = rig();
    r.publication.publish(PIDF('Lunch'));
    await r.settle();
    r.server.forget();
    await r.settle(540_000);
    const [, refresh, fresh] = r.server.requests;
    expect(r.server.responses[1]!.status).toBe(412);
    expect(refresh!.bodyText).toBe('');
    expect(fresh!.has('SIP-If-Match')).toBe(false);
    expect(fresh!.bodyText).toBe(PIDF('Lunch'));
    expect(fresh!.get('Content-Type')).toBe('application/pidf+xml');
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('Lunch')]);
    expect(r.publication.status).toMatchObject({ state: 'published', etag: r.server.responses[2]!.get('SIP-ETag') });
  });

  it('republish(): an initial PUBLISH at once when another usage saw the server restart, no 412 drawn', async () => {
    const r = rig();
    r.publication.publish(PIDF('Lunch'));
    await r.settle();
    r.server.forget();
    r.publication.republish();
    await r.settle();
    const [, fresh] = r.server.requests;
    expect(fresh!.has('SIP-If-Match')).toBe(false);
    expect(fresh!.bodyText).toBe(PIDF('Lunch'));
    expect(r.server.responses.map((res) => res.status)).toEqual([200, 200]);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('Lunch')]);
    expect(r.publication.status).toMatchObject({ state: 'published', etag: r.server.responses[1]!.get('SIP-ETag') });
  });

  it('republish() sends nothing before the first publish() or once the server refused the event', async () => {
    const r = rig();
    r.publication.republish();
    await r.settle();
    expect(r.server.requests).toEqual([]);
    r.server.failWith = { status: 501 };
    r.publication.publish(PIDF('Lunch'));
    await r.settle();
    expect(r.publication.status.state).toBe('unsupported');
    r.publication.republish();
    await r.settle();
    expect(r.server.requests).toHaveLength(1);
  });

  it('publishes the new body afresh when a modification gets 412', async () => {
    const r = rig();
    r.publication.publish(PIDF('a'));
    await r.settle();
    r.server.forget();
    r.publication.publish(PIDF('b'));
    await r.settle();
    expect(r.server.responses.map((s) => s.status)).toEqual([200, 412, 200]);
    expect(r.server.requests[2]!.has('SIP-If-Match')).toBe(false);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('b')]);
  });

  it('retries with Min-Expires after 423 and refreshes with it', async () => {
    const r = rig({ server: { minExpires: 1200 } });
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.server.requests.map((q) => q.get('Expires'))).toEqual(['600', '1200']);
    expect(r.server.requests[1]!.bodyText).toBe(PIDF('x'));
    expect(r.publication.status).toMatchObject({ state: 'published', expiresAt: r.clock.wallNow() + 1_200_000 });
    await r.settle(1_140_000);
    expect(r.server.requests[2]!.get('Expires')).toBe('1200');
    expect(r.server.responses[2]!.status).toBe(200);
  });

  it('answers digest challenges (RFC 3261 §22) on every kind of PUBLISH', async () => {
    const r = rig({ server: { users: { '200': 'secret' } } });
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.server.responses.map((s) => s.status)).toEqual([401, 200]);
    expect(r.server.requests[1]!.get('Authorization')).toMatch(/^Digest .*username="200"/);
    expect(r.server.requests[1]!.bodyText).toBe(PIDF('x'));
    await r.settle(540_000);
    r.publication.publish(PIDF('y'));
    await r.settle();
    await r.publication.unpublish();
    expect(r.server.responses.filter((s) => s.status === 200)).toHaveLength(4);
    expect(r.server.entitiesOf(AOR)).toEqual([]);
  });

  it('reports rejected credentials as failed and retries only at the slow end', async () => {
    const r = rig({ server: { users: { '200': 'other' } } });
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.publication.status).toMatchObject({ state: 'failed', sipStatus: 401, nextRetryAt: r.clock.wallNow() + 1_800_000 });
    const sent = r.server.requests.length;
    await r.settle(1_799_000);
    expect(r.server.requests).toHaveLength(sent);
    await r.settle(1000);
    expect(r.server.requests.length).toBeGreaterThan(sent);
  });

  it.each([
    [501, 'Not Implemented'],
    [405, 'Method Not Allowed'],
    [489, 'Bad Event'],
  ])('%i → unsupported with the status and reason, never retried', async (status, reason) => {
    const r = rig();
    r.server.failWith = { status };
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.publication.status).toEqual({ state: 'unsupported', sipStatus: status, reason });
    await r.settle(7_200_000);
    expect(r.server.requests).toHaveLength(1);
  });

  it('489 from a server that does not know the event package is unsupported too', async () => {
    const r = rig({ config: { event: 'dialog' } });
    r.publication.publish('<dialog-info/>', 'application/dialog-info+xml');
    await r.settle();
    expect(r.publication.status).toMatchObject({ state: 'unsupported', sipStatus: 489 });
  });

  it('backs off after a timeout and publishes once the server answers again', async () => {
    const r = rig();
    r.server.silent = true;
    r.publication.publish(PIDF('x'));
    await r.settle(32_000);
    expect(r.publication.status).toMatchObject({ state: 'retrying', sipStatus: 408, nextRetryAt: r.clock.wallNow() + 30_000 });
    r.server.silent = false;
    const sent = r.server.requests.length;
    await r.settle(29_000);
    expect(r.server.requests).toHaveLength(sent);
    await r.settle(1000);
    expect(r.publication.status.state).toBe('published');
    expect(r.server.requests.at(-1)!.bodyText).toBe(PIDF('x'));
  });

  it('doubles the back-off per failure and honours Retry-After', async () => {
    const r = rig();
    r.server.failWith = { status: 500 };
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.publication.status).toMatchObject({ state: 'retrying', sipStatus: 500, nextRetryAt: r.clock.wallNow() + 30_000 });
    await r.settle(30_000);
    expect(r.publication.status.nextRetryAt).toBe(r.clock.wallNow() + 60_000);
    r.server.failWith = { status: 503, headers: [['Retry-After', '7']] };
    await r.settle(60_000);
    expect(r.publication.status).toMatchObject({ sipStatus: 503, nextRetryAt: r.clock.wallNow() + 7_000 });
    r.server.failWith = undefined;
    await r.settle(7_000);
    expect(r.publication.status.state).toBe('published');
  });

  it('does not loop on a 2xx that grants no lifetime', async () => {
    const r = rig({ server: { maxExpires: 0 } });
    r.publication.publish(PIDF('x'));
    await r.settle();
    expect(r.server.requests).toHaveLength(1);
    expect(r.publication.status).toMatchObject({ state: 'retrying', sipStatus: 200, nextRetryAt: r.clock.wallNow() + 30_000 });
  });

  it('keeps the entity-tag through a failed refresh and refreshes with it while it is unexpired', async () => {
    const r = rig();
    r.publication.publish(PIDF('x'));
    await r.settle();
    const etag = r.publication.status.etag;
    r.server.failWith = { status: 500 };
    await r.settle(540_000);
    expect(r.publication.status).toMatchObject({ state: 'retrying', etag });
    r.server.failWith = undefined;
    await r.settle(30_000);
    expect(r.server.requests.at(-1)!.get('SIP-If-Match')).toBe(etag);
    expect(r.publication.status.state).toBe('published');
  });
});

describe('Publication: unpublish()', () => {
  it('waits for an initial PUBLISH on its way, then removes what it created', async () => {
    const r = rig();
    loseFirstAnswer(r);
    r.publication.publish(PIDF('x'));
    await r.settle();
    const done = r.publication.unpublish();
    await r.settle(500);
    await done;
    expect(r.server.requests.map((q) => q.get('Expires'))).toEqual(['600', '0']);
    expect(r.server.entitiesOf(AOR)).toEqual([]);
    expect(r.publication.status.state).toBe('idle');
  });

  it('gives up after a bounded wait when the server does not answer', async () => {
    const r = rig();
    r.publication.publish(PIDF('x'));
    await r.settle();
    r.server.silent = true;
    let done = false;
    void r.publication.unpublish().then(() => (done = true));
    await r.settle(2_900);
    expect(done).toBe(false);
    await r.settle(100);
    expect(done).toBe(true);
    expect(r.publication.status).toEqual({ state: 'idle' });
  });

  it('never sends a PUBLISH that had not left when unpublish() came', async () => {
    const r = rig();
    r.publication.publish(PIDF('x'));
    await r.publication.unpublish();
    await r.settle(60_000);
    expect(r.server.requests).toHaveLength(0);
    expect(r.publication.status).toEqual({ state: 'idle' });
  });

  it('keeps a state published while the removal waited', async () => {
    const r = rig();
    loseFirstAnswer(r);
    r.publication.publish(PIDF('a'));
    await r.settle();
    const done = r.publication.unpublish();
    r.publication.publish(PIDF('b'));
    await r.settle(500);
    await done;
    expect(r.server.requests.map((q) => q.get('Expires'))).toEqual(['600', '600']);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('b')]);
    expect(r.publication.status.state).toBe('published');
  });

  it('sends nothing when nothing was published', async () => {
    const r = rig();
    await r.publication.unpublish();
    expect(r.server.requests).toHaveLength(0);
    expect(r.publication.status).toEqual({ state: 'idle' });
  });

  it('publishes afresh after an unpublish', async () => {
    const r = rig();
    r.publication.publish(PIDF('a'));
    await r.settle();
    await r.publication.unpublish();
    r.publication.publish(PIDF('b'));
    await r.settle();
    expect(r.server.requests.at(-1)!.has('SIP-If-Match')).toBe(false);
    expect(r.server.entitiesOf(AOR).map((e) => e.body)).toEqual([PIDF('b')]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '../../message';
import { SipStack } from '../../stack';
import type { SipRequest } from '../../message';
import { CLIENT, SERVER, rig, type Rig, type RigOptions } from '../testing/subscription-rig';

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function started(options: RigOptions = {}): Promise<Rig> {
  const r = await rig(options);
  rigs.push(r);
  r.subscription.start();
  await r.settle();
  return r;
}

describe('Subscription: subscribing (RFC 6665 §4.1.2.1)', () => {
  it('sends SUBSCRIBE with every header, answers the digest challenge and becomes active on the first NOTIFY', async () => {
    const r = await started({
      config: { accept: ['application/dialog-info+xml', 'application/pidf+xml'] },
      line: { outboundProxy: '127.0.0.1:5060' },
    });
    const [challenged, authorized] = r.subscribes;
    expect(challenged!.uri).toBe('sip:101@test.local');
    expect(challenged!.get('Event')).toBe('dialog');
    expect(challenged!.getAll('Accept')).toEqual(['application/dialog-info+xml', 'application/pidf+xml']);
    expect(challenged!.get('Expires')).toBe('600');
    expect(challenged!.get('Contact')).toBe('<sip:200@127.0.0.1:5070>');
    expect(challenged!.get('Route')).toBe('<sip:127.0.0.1:5060;lr>');
    expect(challenged!.get('User-Agent')).toBe(r.stack.userAgent);
    expect(challenged!.from).toMatchObject({ displayName: 'Reception', uri: 'sip:200@test.local' });
    expect(challenged!.from.params.tag).toBeTruthy();
    expect(challenged!.to).toEqual({ uri: 'sip:101@test.local', params: {} });
    expect(challenged!.has('Supported')).toBe(false);
    expect(authorized!.get('Authorization')).toMatch(/^Digest /);
    expect(authorized!.callId).toBe(challenged!.callId);
    expect(authorized!.cseq.seq).toBe(challenged!.cseq.seq + 1);
    expect(r.subscription.status).toMatchObject({ state: 'active', sipStatus: 200 });
    expect(r.subscription.status.expiresAt).toBe(r.clock.wallNow() + 600_000);
    expect(r.notifies).toHaveLength(1);
    expect(r.notifies[0]).toMatchObject({ state: 'active', contentType: 'application/dialog-info+xml', cseq: 1 });
    expect(Buffer.from(r.notifies[0]!.body).toString()).toContain('<dialog-info');
    expect(r.statuses.map((s) => s.state)).toEqual(['subscribing', 'subscribing', 'active']);
  });

  it('asks for resource lists with Supported: eventlist (RFC 4662 §4)', async () => {
    const r = await started({ config: { eventList: true, event: 'presence' } });
    expect(r.subscribes.every((s) => s.get('Supported') === 'eventlist')).toBe(true);
    expect(r.subscribes[0]!.get('Event')).toBe('presence');
  });

  it('retries with Min-Expires after 423 (RFC 6665 §4.1.2.1)', async () => {
    const r = await started({ config: { expires: 60 }, notifier: { minExpires: 300 } });
    expect(r.subscribes.at(-1)!.get('Expires')).toBe('300');
    expect(r.subscription.status.state).toBe('active');
  });

  it('creates the dialog from a NOTIFY that arrives before the 2xx (RFC 6665 §4.1.2.4)', async () => {
    const r = await rig({ notifier: { maxExpires: 120 } });
    rigs.push(r);
    r.notifier.notifyFirst = true;
    r.subscription.start();
    await r.settle();
    const order = r.net.sent.filter((d) => d.text.startsWith('NOTIFY') || d.text.startsWith('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070'));
    expect(order[0]!.text.startsWith('NOTIFY')).toBe(true);
    expect(r.notifies).toHaveLength(1);
    expect(r.subscription.status.state).toBe('active');
    const dialog = r.notifier.lastDialog;
    await r.settle(60_000);
    const refresh = r.subscribes.at(-1)!;
    expect(refresh.to.params.tag).toBe(dialog.localTag);
    expect(refresh.uri).toBe(`sip:notifier@${SERVER.host}:${SERVER.port}`);
    expect(refresh.callId).toBe(dialog.callId);
    expect(r.subscription.status.state).toBe('active');
  });
});

describe('Subscription: NOTIFY handling', () => {
  it('answers every NOTIFY 200 before handing it on, duplicates with a lower CSeq included', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    await r.notifier.notify(dialog, { state: 'active', expires: 600, cseq: 5 });
    await r.notifier.notify(dialog, { state: 'active', expires: 600, cseq: 3 });
    await r.notifier.notify(dialog, { state: 'active', expires: 600, cseq: 3 });
    await r.settle();
    expect(r.notifies.map((n) => n.cseq)).toEqual([1, 5, 3, 3]);
    expect(r.notifies.every((n) => n.answeredFirst)).toBe(true);
    expect(r.notifier.notifyResponses.map((x) => x?.status)).toEqual([200, 200, 200, 200]);
  });

  it('answers a retransmitted NOTIFY again but hands it on once', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    const notify = r.notifier.buildNotify(dialog, { state: 'active', expires: 600 });
    dialog.flow.send(notify.toBuffer());
    dialog.flow.send(notify.toBuffer());
    await r.settle();
    expect(r.notifyAnswers().filter((a) => a.cseq === notify.cseq.seq).map((a) => a.status)).toEqual([200, 200]);
    expect(r.notifies.filter((n) => n.cseq === notify.cseq.seq)).toHaveLength(1);
  });

  it('answers 481 to a NOTIFY for an unknown Call-ID or another event, and changes nothing (RFC 6665 §4.1.3)', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    const before = r.subscription.status;
    const unknown = await r.notifier.notify(dialog, { state: 'terminated', reason: 'rejected', callId: 'no-such-call' });
    r.notifier.dialogs.set(dialog.callId, dialog);
    const otherEvent = await r.notifier.notify(dialog, { state: 'terminated', reason: 'rejected', event: 'presence' });
    await r.settle();
    expect(unknown?.status).toBe(481);
    expect(otherEvent?.status).toBe(481);
    expect(r.notifies).toHaveLength(1);
    expect(r.subscription.status).toBe(before);
    expect(r.router.stats.unmatched).toBe(1);
  });

  it('follows the expires parameter of a NOTIFY when it is shorter than the 2xx', async () => {
    const r = await started();
    await r.notifier.notify(r.notifier.lastDialog, { state: 'active', expires: 100 });
    await r.settle();
    const count = r.subscribes.length;
    await r.settle(49_000);
    expect(r.subscribes.length).toBe(count);
    await r.settle(1_000);
    expect(r.subscribes.length).toBe(count + 1);
    expect(r.subscription.status.expiresAt).toBe(r.clock.wallNow() + 600_000);
  });

  it('reports pending and then active', async () => {
    const r = await rig();
    rigs.push(r);
    r.notifier.initialState = 'pending';
    r.subscription.start();
    await r.settle();
    expect(r.subscription.status.state).toBe('pending');
    await r.notifier.notify(r.notifier.lastDialog, { state: 'active', expires: 600 });
    await r.settle();
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifies.map((n) => n.state)).toEqual(['pending', 'active']);
  });
});

describe('Subscription: refresh (RFC 6665 §4.1.2.2)', () => {
  it('refreshes in the dialog before the granted expiry, reusing the credentials', async () => {
    const r = await started({ notifier: { maxExpires: 120 } });
    const dialog = r.notifier.lastDialog;
    const count = r.subscribes.length;
    await r.settle(59_000);
    expect(r.subscribes.length).toBe(count);
    await r.settle(1_000);
    const refresh = r.subscribes.at(-1)!;
    expect(r.subscribes.length).toBe(count + 1);
    expect(refresh.callId).toBe(dialog.callId);
    expect(refresh.to.params.tag).toBe(dialog.localTag);
    expect(refresh.from.params.tag).toBe(dialog.remoteTag);
    expect(refresh.cseq.seq).toBe(r.subscribes[count - 1]!.cseq.seq + 1);
    expect(refresh.get('Authorization')).toMatch(/nonce="nonce1".*nc=0000000[2-9]/);
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifies).toHaveLength(2);
  });

  it('refresh() re-SUBSCRIBEs in the dialog at once, and not twice while one is on its way', async () => {
    const r = await started();
    const count = r.subscribes.length;
    r.subscription.refresh();
    r.subscription.refresh();
    await r.settle();
    expect(r.subscribes.length).toBe(count + 1);
    expect(r.subscribes.at(-1)!.to.params.tag).toBe(r.notifier.lastDialog.localTag);
    expect(r.notifies).toHaveLength(2);
  });

  it('starts a fresh subscription when a refresh gets 481', async () => {
    const r = await started({ notifier: { maxExpires: 120 } });
    const oldCallId = r.notifier.lastDialog.callId;
    r.notifier.forget();
    await r.settle(60_000);
    const [refresh, fresh] = r.subscribes.slice(-3);
    expect(refresh!.to.params.tag).toBeDefined();
    expect(fresh!.callId).not.toBe(oldCallId);
    expect(fresh!.to.params.tag).toBeUndefined();
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifier.lastDialog.callId).not.toBe(oldCallId);
  });
});

describe('Subscription: in-dialog routing (RFC 3261 §12.2.1.1)', () => {
  it('sends refreshes to the first Record-Route hop with the route set as Route and the Contact as Request-URI', async () => {
    const proxyRequests: SipRequest[] = [];
    const PROXY = { protocol: 'udp' as const, host: '127.0.0.2', port: 5062 };
    const r = await started({
      notifier: { maxExpires: 120, recordRoute: [`<sip:${PROXY.host}:${PROXY.port};lr>`] },
      setup: (net, clock) => {
        const proxy = new SipStack({ clock, transportFactory: () => net.transport(PROXY) });
        proxy.addRequestHandler((request, tx) => {
          proxyRequests.push(request);
          tx.respond(createResponse(request, 200, 'OK', { headers: [['Expires', '120']] }));
          return true;
        });
        proxy.listen('udp');
        return [proxy];
      },
    });
    await r.settle(60_000);
    expect(proxyRequests).toHaveLength(1);
    const refresh = proxyRequests[0]!;
    expect(refresh.uri).toBe(`sip:notifier@${SERVER.host}:${SERVER.port}`);
    expect(refresh.getAll('Route')).toEqual([`<sip:${PROXY.host}:${PROXY.port};lr>`]);
    expect(refresh.to.params.tag).toBe(r.notifier.lastDialog.localTag);
    expect(refresh.get('Contact')).toBe(`<sip:200@${CLIENT.host}:${CLIENT.port}>`);
  });
});

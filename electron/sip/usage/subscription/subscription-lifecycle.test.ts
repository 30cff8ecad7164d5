import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig, type RigOptions } from '../testing/subscription-rig';

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

/** SUBSCRIBEs that start a new dialog (no To tag), after the digest challenge round. */
const fresh = (r: Rig) => r.subscribes.filter((s) => s.to.params.tag === undefined && s.has('Authorization'));

describe('Subscription-State terminated: each reason acted on (RFC 6665 §4.1.3)', () => {
  it.each(['deactivated', 'timeout'])('%s: subscribes again at once with a new dialog', async (reason) => {
    const r = await started();
    const old = r.notifier.lastDialog;
    await r.notifier.notify(old, { state: 'terminated', reason });
    await r.settle();
    expect(fresh(r)).toHaveLength(2);
    expect(fresh(r)[1]!.callId).not.toBe(old.callId);
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifies.at(-2)).toMatchObject({ state: 'terminated', reason });
  });

  it('deactivated again before any active NOTIFY: backs off instead of looping', async () => {
    const r = await started();
    r.notifier.initialState = 'pending';
    await r.notifier.notify(r.notifier.lastDialog, { state: 'terminated', reason: 'deactivated' });
    await r.settle();
    await r.notifier.notify(r.notifier.lastDialog, { state: 'terminated', reason: 'deactivated' });
    await r.settle();
    expect(fresh(r)).toHaveLength(2);
    expect(r.subscription.status).toMatchObject({ state: 'retrying', reason: 'deactivated' });
    // failures = 2 → base · 2 = 60 s with the rig's neutral jitter.
    expect(r.subscription.status.nextRetryAt).toBe(r.clock.wallNow() + 60_000);
  });

  it('probation with retry-after: waits exactly that long', async () => {
    const r = await started();
    await r.notifier.notify(r.notifier.lastDialog, { state: 'terminated', reason: 'probation', retryAfter: 120 });
    await r.settle();
    expect(r.subscription.status).toMatchObject({ state: 'retrying', reason: 'probation', nextRetryAt: r.clock.wallNow() + 120_000 });
    await r.settle(119_000);
    expect(fresh(r)).toHaveLength(1);
    await r.settle(1_000);
    expect(fresh(r)).toHaveLength(2);
    expect(r.subscription.status.state).toBe('active');
  });

  it.each([['giveup'], [undefined]])('%s without retry-after: re-subscribes after the back-off', async (reason) => {
    const r = await started();
    await r.notifier.notify(r.notifier.lastDialog, { state: 'terminated', reason });
    await r.settle();
    expect(r.subscription.status.state).toBe('retrying');
    await r.settle(29_000);
    expect(fresh(r)).toHaveLength(1);
    await r.settle(1_000);
    expect(fresh(r)).toHaveLength(2);
    expect(r.subscription.status.state).toBe('active');
  });

  it.each(['rejected', 'noresource'])('%s: stops for good and says why', async (reason) => {
    const r = await started();
    await r.notifier.notify(r.notifier.lastDialog, { state: 'terminated', reason });
    await r.settle();
    const count = r.subscribes.length;
    await r.settle(4 * 3600_000);
    expect(r.subscribes.length).toBe(count);
    expect(r.subscription.status).toEqual({ state: 'terminated', reason });
    expect(r.router.size).toBe(0);
    expect(r.clock.pending).toBe(0);
  });
});

describe('Subscription failures', () => {
  it('transaction timeout: retrying with doubling back-off up to the maximum, then recovers', async () => {
    const r = await rig({ deps: { retryBaseSeconds: 30, retryMaxSeconds: 100 } });
    rigs.push(r);
    r.notifier.silent = true;
    r.subscription.start();
    await r.settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await r.settle(32_000); // Timer F = 64·T1
      expect(r.subscription.status).toMatchObject({ state: 'retrying', sipStatus: 408 });
      delays.push((r.subscription.status.nextRetryAt! - r.clock.wallNow()) / 1000);
      if (i < 3) await r.settle(r.subscription.status.nextRetryAt! - r.clock.wallNow());
    }
    expect(delays).toEqual([30, 60, 100, 100]);
    expect(new Set(r.subscribes.map((s) => s.callId)).size).toBe(4);
    r.notifier.silent = false;
    await r.settle(100_000);
    expect(r.subscription.status.state).toBe('active');
  });

  it.each([403, 404, 489])('%i: failed with the status, retried only at the slow end', async (status) => {
    const r = await rig({ deps: { retryMaxSeconds: 1800 } });
    rigs.push(r);
    r.notifier.failWith = { status };
    r.subscription.start();
    await r.settle();
    expect(r.subscription.status).toMatchObject({ state: 'failed', sipStatus: status });
    expect(r.subscription.status.nextRetryAt).toBe(r.clock.wallNow() + 1800_000);
  });

  it('500 with Retry-After: failed, retried after Retry-After', async () => {
    const r = await rig();
    rigs.push(r);
    r.notifier.failWith = { status: 500, headers: [['Retry-After', '45']] };
    r.subscription.start();
    await r.settle();
    expect(r.subscription.status).toMatchObject({ state: 'failed', sipStatus: 500, reason: 'Server Internal Error' });
    expect(r.subscription.status.nextRetryAt).toBe(r.clock.wallNow() + 45_000);
    r.notifier.failWith = undefined;
    await r.settle(45_000);
    expect(r.subscription.status.state).toBe('active');
  });

  it('wrong password: failed without looping', async () => {
    const r = await rig({ line: { password: 'wrong' } });
    rigs.push(r);
    r.subscription.start();
    await r.settle();
    expect(r.subscription.status).toMatchObject({ state: 'failed', sipStatus: 401 });
    expect(r.subscribes).toHaveLength(2);
  });

  it('no NOTIFY within Timer N after the 2xx: a new subscription after back-off (RFC 6665 §4.1.2.4)', async () => {
    const r = await rig();
    rigs.push(r);
    r.notifier.autoNotify = false;
    r.subscription.start();
    await r.settle();
    const first = r.notifier.lastDialog;
    await r.settle(32_000);
    expect(r.subscription.status).toMatchObject({ state: 'retrying' });
    expect(r.subscription.status.reason).toMatch(/Timer N/);
    const late = await r.notifier.notify(first, { state: 'active', expires: 600 });
    expect(late?.status).toBe(481);
    r.notifier.autoNotify = true;
    await r.settle(30_000);
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifier.lastDialog.callId).not.toBe(first.callId);
  });
});

describe('Subscription over TCP', () => {
  it('subscribes again over a new connection after the old one broke', async () => {
    const r = await started({ protocol: 'tcp' });
    expect(r.subscription.status.state).toBe('active');
    expect(r.subscribes[0]!.get('Contact')).toContain(';transport=tcp');
    const old = r.notifier.lastDialog.callId;
    r.transport.closeFlow({ host: '127.0.0.1', port: 5060 });
    await r.settle();
    expect(r.subscription.status).toMatchObject({ state: 'retrying', reason: 'Connection to the notifier closed' });
    await r.settle(30_000);
    expect(r.subscription.status.state).toBe('active');
    expect(r.notifier.lastDialog.callId).not.toBe(old);
  });
});

describe('Un-SUBSCRIBE (RFC 6665 §4.1.2.3)', () => {
  it('sends Expires: 0 in the dialog and answers the final NOTIFY 200 without handing it on', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    const stopped = r.subscription.stop();
    await r.settle();
    await stopped;
    const last = r.subscribes.at(-1)!;
    expect(last.get('Expires')).toBe('0');
    expect(last.to.params.tag).toBe(dialog.localTag);
    expect(last.callId).toBe(dialog.callId);
    expect(r.notifier.notifyResponses.at(-1)?.status).toBe(200);
    expect(r.notifies).toHaveLength(1);
    expect(r.subscription.status).toEqual({ state: 'terminated', reason: 'unsubscribed' });
    expect(r.router.size).toBe(0);
    // Once the transactions' own timers ran out nothing is left: no refresh, no retry, no linger.
    await r.settle(40_000);
    expect(r.clock.pending).toBe(0);
    expect(r.subscribes.at(-1)).toBe(last);
  });

  it('waits for an initial SUBSCRIBE on its way and ends the dialog it creates', async () => {
    const r = await rig();
    rigs.push(r);
    r.subscription.start();
    const stopped = r.subscription.stop();
    await r.settle();
    await stopped;
    expect(r.subscribes.at(-1)!.get('Expires')).toBe('0');
    expect(r.notifier.dialogs.size).toBe(0);
    expect(r.subscription.status.state).toBe('terminated');
  });

  it('gives up waiting after a bounded time when the notifier is gone', async () => {
    const r = await started();
    r.notifier.silent = true;
    let done = false;
    const stopped = r.subscription.stop().then(() => (done = true));
    await r.settle(2_900);
    expect(done).toBe(false);
    await r.settle(100);
    await stopped;
    expect(done).toBe(true);
  });
});

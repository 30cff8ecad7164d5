/**
 * Issue 7 (defect 4): a notifier that lost its state (a PBX restart) is noticed and reported, and subscriptions ask
 * for a bounded lifetime (defect 4: 3600 s let lamps freeze for an hour).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SUBSCRIPTION_EXPIRES, LATE_NOTIFY_MS } from './subscription';
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

const fresh = (r: Rig) => r.subscribes.filter((s) => s.to.params.tag === undefined && s.has('Authorization'));

describe('Subscription lifetime (RFC 6665 §4.1.2.1)', () => {
  it('asks for 600 s unless told, and a new lifetime from the next SUBSCRIBE on', async () => {
    expect(DEFAULT_SUBSCRIPTION_EXPIRES).toBe(600);
    const r = await started({ config: { expires: undefined } });
    expect(r.subscribes.map((s) => s.get('Expires'))).toEqual(['600', '600']);
    r.subscription.setExpires(120);
    r.subscription.refresh();
    await r.settle();
    expect(r.subscribes.at(-1)!.get('Expires')).toBe('120');
    expect(r.subscribes.at(-1)!.to.params.tag).toBeDefined();
  });
});

describe('Signs of a notifier that lost its state', () => {
  it.each([481, 404])('a refresh answered %i: a new subscription at once, and a dialog-gone sign', async (status) => {
    const r = await started();
    const old = r.notifier.lastDialog;
    r.notifier.forgottenStatus = status;
    r.notifier.forget();
    r.subscription.refresh();
    await r.settle();
    expect(fresh(r)).toHaveLength(2);
    expect(fresh(r)[1]!.callId).not.toBe(old.callId);
    expect(r.subscription.status.state).toBe('active');
    expect(r.signs).toEqual([expect.objectContaining({ kind: 'dialog-gone', sipStatus: status })]);
  });

  it('a NOTIFY CSeq at or below the highest seen 64×T1 ago is a cseq-backwards sign; a late NOTIFY, however far below, is not', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    for (let i = 0; i < 30; i++) await r.notifier.notify(dialog, { state: 'active' });
    await r.settle();
    const highest = dialog.cseq;
    // A NOTIFY whose first transmissions were lost in a flood arrives behind 25 later ones: late, not a reset.
    await r.notifier.notify(dialog, { state: 'active', cseq: highest - 25 });
    await r.settle();
    expect(r.signs).toEqual([]);
    // Retransmissions stop after 64×T1: past that, a CSeq this low cannot be late any more.
    r.clock.advance(LATE_NOTIFY_MS + 5000);
    await r.notifier.notify(dialog, { state: 'active', cseq: highest - 25 });
    await r.settle();
    expect(r.signs).toEqual([expect.objectContaining({ kind: 'cseq-backwards' })]);
    // Counting on from there is normal again: one reset, one sign.
    await r.notifier.notify(dialog, { state: 'active', cseq: highest - 24 });
    await r.settle();
    expect(r.signs).toHaveLength(1);
    expect(r.notifyAnswers().every((a) => a.status === 200)).toBe(true);
  });

  it('a notifier counting afresh from 1 long into the dialog is a reset', async () => {
    const r = await started();
    const dialog = r.notifier.lastDialog;
    for (let i = 0; i < 5; i++) await r.notifier.notify(dialog, { state: 'active' });
    r.clock.advance(LATE_NOTIFY_MS + 5000);
    await r.notifier.notify(dialog, { state: 'active' });
    await r.settle();
    await r.notifier.notify(dialog, { state: 'active', cseq: 1 });
    await r.settle();
    expect(r.signs).toEqual([expect.objectContaining({ kind: 'cseq-backwards' })]);
  });
});

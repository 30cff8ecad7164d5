/**
 * Issue 7 (defect 4): lamps froze after a PBX restart. Every sign of lost notifier state renews all subscriptions of
 * the line, paced, and the tiles say "stale" until fresh state arrives. Real LineManager and BlfService on a fake PBX.
 */
import { CSEQ_MARK_MS, LATE_NOTIFY_MS } from '../../sip/usage/subscription/subscription-attempt';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { HEAL_BATCH, HEAL_TICK_MS } from './lamp-healer';
import { blfRig, dialogBody, tile, type BlfRig } from './testing/blf-service-rig';

const rigs: BlfRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function started(settings: Partial<Settings>): Promise<BlfRig> {
  const r = blfRig(settings);
  rigs.push(r);
  for (let i = 0; i < 3; i++) await r.settle(100);
  return r;
}

const URI = (ext: string): string => `sip:${ext}@test.local`;
const LINE1 = ['101', '102', '103'];
const fourTiles = { tiles: [...LINE1.map((e) => tile(`t${e}`, e, { line: 1 })), tile('t104', '104', { line: 2 })] };
/** SUBSCRIBEs after `mark`: in-dialog refreshes by Call-ID, and new subscriptions by URI. */
const since = (r: BlfRig, mark: number) => r.notifier.requests.slice(mark);
const newOnes = (r: BlfRig, mark: number): string[] => since(r, mark).filter((s) => !s.to.params.tag).map((s) => s.uri).sort();
const stale = (r: BlfRig): string[] => r.blf.tileViews().filter((v) => v.staleSince !== undefined).map((v) => v.id).sort();

describe('LampHealer: signs of a PBX restart renew every subscription of the line', () => {
  it('uses 600 s subscriptions by default and the configured lifetime from the next SUBSCRIBE on', async () => {
    const r = await started({ tiles: [tile('a', '101')] });
    expect(r.initialSubscribes().map((s) => s.get('Expires'))).toEqual(['600']);
    r.apply({ sip: { ...DEFAULT_SETTINGS.sip, subscriptionExpiresSeconds: 300 } });
    const mark = r.notifier.requests.length;
    expect(r.blf.refresh(1)).toEqual({ ok: true, value: { subscriptions: 1 } });
    await r.settle(100);
    expect(since(r, mark).map((s) => s.get('Expires'))).toEqual(['300']);
  });

  it('a 481 to the keep-alive probe: all subscriptions of the line anew, re-registered, tiles stale until a NOTIFY', async () => {
    const r = await started(fourTiles);
    expect(stale(r)).toEqual([]);
    // A restart shorter than the keep-alive interval: no failure anywhere, the notifier just forgot everything.
    r.notifier.forget();
    r.notifier.autoNotify = false;
    const mark = r.notifier.requests.length;
    const registers = r.registrar.requests.length;
    await r.settle(30_000);
    await r.settle(HEAL_TICK_MS);
    expect(newOnes(r, mark)).toEqual([...LINE1.map(URI), URI('104')].sort());
    expect(r.registrar.requests.length).toBeGreaterThan(registers);
    expect(stale(r)).toEqual(['t101', 't102', 't103', 't104']);
    expect(r.logs.some((l) => /line 1: 481 .* renewing 3 subscription/.test(l))).toBe(true);

    // The renewed subscription's first NOTIFY is fresh state: that tile is no longer stale, the others still are.
    await r.notify(r.dialog('dialog', URI('101'), 1), dialogBody('ringing', { version: 0, entity: URI('101') }));
    await r.settle(100);
    expect(r.view('t101')).toMatchObject({ state: 'ringing' });
    expect(r.view('t101')?.staleSince).toBeUndefined();
    expect(stale(r)).toEqual(['t102', 't103', 't104']);
  });

  it('a dialog-info version going backwards in a later NOTIFY: taken as the new count, and the line renewed', async () => {
    const r = await started(fourTiles);
    const d101 = r.dialog('dialog', URI('101'), 1);
    await r.notify(d101, dialogBody('busy', { version: 100, entity: URI('101') }));
    await r.settle(100);
    expect(r.view('t101')?.state).toBe('busy');
    const mark = r.notifier.requests.length;
    const seen = r.patches.length;
    // The notifier restored its dialogs but counts versions from 0 again (RFC 4235 §4.1.2 would discard it forever).
    await r.notify(d101, dialogBody('ringing', { version: 0, entity: URI('101') }));
    await r.settle(100);
    await r.settle(100);
    const refreshed = since(r, mark).filter((s) => s.to.params.tag).map((s) => s.callId);
    expect(new Set(refreshed)).toEqual(new Set(LINE1.map((e) => r.dialog('dialog', URI(e), 1).callId)));
    const views = r.patches.slice(seen).flatMap((p) => p.upsert);
    expect(views.some((v) => v.id === 't101' && v.state === 'ringing')).toBe(true);
    expect(views.some((v) => v.id === 't102' && v.staleSince !== undefined)).toBe(true);
    // Each refresh drew a NOTIFY (full state): nothing is stale any more, line 2 was never touched.
    expect(stale(r)).toEqual([]);
    expect(views.some((v) => v.id === 't104')).toBe(false);
  });

  it('a NOTIFY CSeq going far backwards renews the line too', async () => {
    const r = await started(fourTiles);
    const d102 = r.dialog('dialog', URI('102'), 1);
    for (let v = 1; v <= 10; v++) await r.notify(d102, dialogBody('idle', { version: 10 + v, entity: URI('102') }));
    // Only a CSeq at or below one seen longer ago than any NOTIFY can be retransmitted is a reset (not a late NOTIFY).
    await r.settle(LATE_NOTIFY_MS + CSEQ_MARK_MS);
    const mark = r.notifier.requests.length;
    await r.notify(d102, dialogBody('busy', { version: 0, entity: URI('102') }), { cseq: 1 });
    await r.settle(100);
    expect(since(r, mark).filter((s) => s.to.params.tag).length).toBe(3);
    expect(r.logs.some((l) => /CSeq fell/.test(l))).toBe(true);
  });

  it('a line that failed shows its tiles stale; registered again, every subscription is renewed', async () => {
    const r = await started(fourTiles);
    r.registrar.failWith = 503;
    r.lines.reregister(1);
    await r.settle(100);
    expect(r.lines.states()[0]).toMatchObject({ status: 'failed', failure: 'refused' });
    expect(stale(r)).toEqual(['t101', 't102', 't103']);
    const since1 = r.view('t101')!.staleSince!;

    r.notifier.forget();
    r.notifier.autoNotify = false;
    r.registrar.failWith = undefined;
    const mark = r.notifier.requests.length;
    r.lines.reregister(1);
    await r.settle(100);
    expect(newOnes(r, mark)).toEqual(LINE1.map(URI));
    // Still stale (no fresh state yet), and since the line went down, not since the renewal.
    expect(r.view('t102')?.staleSince).toBe(since1);
    await r.notify(r.dialog('dialog', URI('102'), 1), dialogBody('idle', { version: 1, entity: URI('102') }));
    await r.settle(100);
    expect(stale(r)).toEqual(['t101', 't103']);
  });

  it('"Refresh lamps" renews a line paced, HEAL_BATCH per tick, and refuses an unknown line', async () => {
    const exts = Array.from({ length: 25 }, (_, i) => String(300 + i));
    const r = await started({ tiles: exts.map((e) => tile(`t${e}`, e)) });
    const mark = r.notifier.requests.length;
    expect(r.blf.refresh(1)).toEqual({ ok: true, value: { subscriptions: 25 } });
    await r.flush();
    expect(since(r, mark)).toHaveLength(HEAL_BATCH);
    await r.settle(HEAL_TICK_MS);
    expect(since(r, mark)).toHaveLength(2 * HEAL_BATCH);
    await r.settle(HEAL_TICK_MS);
    expect(since(r, mark)).toHaveLength(25);
    await r.settle(100);
    expect(stale(r)).toEqual([]);
    expect(r.blf.refresh(3)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(r.blf.refresh()).toEqual({ ok: true, value: { subscriptions: 25 } });
  });

  it('tells renewal listeners (the own presence) once per renewal of a line, not for signals inside the cooldown', async () => {
    const r = await started(fourTiles);
    const renewals: Array<[number, string]> = [];
    const stop = r.blf.onLineRenewal((line, why) => renewals.push([line, why]));
    const d102 = r.dialog('dialog', URI('102'), 1);
    for (let v = 1; v <= 10; v++) await r.notify(d102, dialogBody('idle', { version: 10 + v, entity: URI('102') }));
    await r.settle(LATE_NOTIFY_MS + CSEQ_MARK_MS);
    await r.notify(d102, dialogBody('busy', { version: 0, entity: URI('102') }), { cseq: 1 });
    await r.settle(100);
    expect(renewals).toEqual([[1, expect.stringMatching(/CSeq fell/)]]);
    // A second sign of the same restart, within HEAL_COOLDOWN_MS: nothing renewed, nobody told.
    await r.notify(d102, dialogBody('idle', { version: 0, entity: URI('102') }), { cseq: 1 });
    await r.settle(100);
    expect(renewals).toHaveLength(1);
    r.blf.refresh(2);
    expect(renewals[1]).toEqual([2, 'refresh asked for']);
    stop();
    r.blf.refresh(1);
    expect(renewals).toHaveLength(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import { loadBody } from '../../sip/event-bodies/testing/body-fixtures';
import type { SipRequest, SipResponse } from '../../sip/message';
import { blfRig, dialogBody, listBody, tile, type BlfRig, type DialogFixture } from './testing/blf-service-rig';

const rigs: BlfRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

/** A rig with lines registered, every subscription active and the first patches sent. */
async function started(settings: Partial<Settings>): Promise<BlfRig> {
  const r = blfRig(settings);
  rigs.push(r);
  for (let i = 0; i < 3; i++) await r.settle(100);
  return r;
}

const URI = (ext: string): string => `sip:${ext}@test.local`;
const body = (name: DialogFixture, ext: string, version: number, caller?: string): string =>
  dialogBody(name, { version, entity: URI(ext), ...(caller ? { caller, callerName: `Caller ${caller}` } : {}) });
const unsubscribes = (r: BlfRig): string[] => r.notifier.requests.filter((s) => s.get('Expires') === '0').map((s) => s.callId);
const others = (r: BlfRig, id: string): TileView[] => r.blf.tileViews().filter((v) => v.id !== id);

describe('BlfService: one subscription per (event, URI, line)', () => {
  it('shares a subscription between tiles and subscribes per event and per line', async () => {
    const r = await started({
      tiles: [tile('a', '101'), tile('b', '101'), tile('c', '102', { watch: ['dialog', 'presence'] }), tile('d', '101', { line: 2 })],
    });
    const subscribes = r.initialSubscribes().map((s) => `${s.get('Event')} ${s.uri} from ${s.from.uri}`);
    expect(subscribes.sort()).toEqual([
      'dialog sip:101@test.local from sip:200@test.local',
      'dialog sip:101@test.local from sip:201@test.local',
      'dialog sip:102@test.local from sip:200@test.local',
      'presence sip:102@test.local from sip:200@test.local',
    ]);
    expect(r.blf.stats().subscriptions).toBe(4);

    // Applying the same settings again changes nothing on the wire.
    const before = r.notifier.requests.length;
    r.apply({});
    await r.settle(100);
    expect(r.notifier.requests.length).toBe(before);

    // Both tiles of the shared subscription follow it; the same URI on line 2 does not.
    const d = r.view('d');
    void r.notify(r.dialog('dialog', URI('101'), 1), body('ringing', '101', 100));
    await r.settle(100);
    expect(r.view('a')?.state).toBe('ringing');
    expect(r.view('b')?.state).toBe('ringing');
    expect(r.view('d')).toEqual(d);
  });

  it('moves tiles without a line to the new default line and leaves tiles with a line alone', async () => {
    const r = await started({ tiles: [tile('a', '101'), tile('b', '102', { line: 1 }), tile('c', '103', { line: 2 })] });
    const old = r.dialog('dialog', URI('101'), 1);
    const kept = [r.dialog('dialog', URI('102'), 1), r.dialog('dialog', URI('103'), 2)];
    const mark = r.notifier.requests.length;
    expect(r.view('a')?.line).toBe(1);

    r.apply({ defaultLine: 2 });
    await r.settle(100);
    const after = r.notifier.requests.slice(mark);
    expect(unsubscribes(r)).toEqual([old.callId]);
    expect(after.filter((s) => s.to.params.tag === undefined).map((s) => `${s.uri} from ${s.from.uri}`)).toEqual([
      'sip:101@test.local from sip:201@test.local',
    ]);
    expect(after.some((s) => kept.some((d) => d.callId === s.callId))).toBe(false);
    expect(r.view('a')?.line).toBe(2);
    expect(r.view('b')?.line).toBe(1);
    expect(r.view('c')?.line).toBe(2);

    void r.notify(r.dialog('dialog', URI('101'), 2), body('busy', '101', 100));
    await r.settle(100);
    expect(r.view('a')?.state).toBe('busy');
  });

  it('un-SUBSCRIBEs only when no tile needs the subscription any more, and everything on shutdown', async () => {
    const r = await started({ tiles: [tile('a', '101'), tile('b', '101'), tile('c', '102')] });
    const d101 = r.dialog('dialog', URI('101'));
    const d102 = r.dialog('dialog', URI('102'));
    expect(unsubscribes(r)).toEqual([]);

    r.apply({ tiles: [tile('b', '101'), tile('c', '102')] });
    await r.settle(100);
    expect(unsubscribes(r)).toEqual([]);
    expect(r.patches.at(-1)).toEqual({ upsert: [], remove: ['a'] });
    void r.notify(d101, body('ringing', '101', 100));
    await r.settle(100);
    expect(r.view('b')?.state).toBe('ringing');

    r.apply({ tiles: [tile('c', '102')] });
    await r.settle(100);
    expect(unsubscribes(r)).toEqual([d101.callId]);
    expect(r.blf.tileViews().map((v) => v.id)).toEqual(['c']);

    const done = r.blf.shutdown();
    await r.settle(100);
    await done;
    expect(unsubscribes(r)).toEqual([d101.callId, d102.callId]);
    expect(r.blf.stats().subscriptions).toBe(0);
  });
});

describe('BlfService: NOTIFY bodies → tiles', () => {
  it('answers a malformed NOTIFY 200 at once, logs and counts it, and changes no tile', async () => {
    const r = await started({ tiles: [tile('a', '101'), tile('b', '102'), tile('c', '103', { watch: ['dialog', 'presence'] })] });
    const d101 = r.dialog('dialog', URI('101'));
    void r.notify(d101, body('ringing', '101', 100));
    void r.notify(r.dialog('dialog', URI('102')), body('busy', '102', 100));
    void r.notify(r.dialog('presence', URI('103')), loadBody('pidf/seed003-snom-publish-lunch.xml'), { contentType: 'application/pidf+xml' });
    await r.settle(100);
    const aBefore = r.view('a');
    const othersBefore = others(r, 'a');
    const stats = r.blf.stats();
    const logged = r.logs.length;
    expect(aBefore?.state).toBe('ringing');

    const answer = r.notify(d101, loadBody('dialog-info/malformed.xml'));
    await r.flush();
    // The answer went out over the network before the body was even looked at (no time passed, nothing applied).
    expect((await answer)?.status).toBe(200);
    expect(r.net.sent.filter((d) => d.from.port === 5070 && d.text.startsWith('SIP/2.0 200') && d.text.includes(`CSeq: ${d101.cseq} NOTIFY`))).toHaveLength(1);
    expect(r.blf.stats()).toMatchObject({ received: stats.received + 1, applied: stats.applied, depth: 1 });

    await r.settle(100);
    expect(r.logs.slice(logged)).toEqual([expect.stringMatching(/^NOTIFY for sip:101@test\.local \(dialog\) ignored: .+/)]);
    expect(r.blf.stats()).toMatchObject({ received: stats.received + 1, applied: stats.applied, rejected: stats.rejected + 1, depth: 0 });
    expect(r.view('a')).toEqual(aBefore);
    expect(others(r, 'a')).toEqual(othersBefore);
  });

  it('shows ringing with the caller, busy, hold and idle, and ignores stale versions', async () => {
    const r = await started({ tiles: [tile('a', '101')] });
    const d = r.dialog('dialog', URI('101'));
    const step = async (name: DialogFixture, version: number): Promise<TileView | undefined> => {
      void r.notify(d, body(name, '101', version));
      await r.settle(100);
      return r.view('a');
    };

    expect(await step('ringing', 100)).toMatchObject({ state: 'ringing', caller: { number: '102', name: 'Bob Jones', uri: URI('102') } });
    expect(r.view('a')?.dialogs).toEqual([
      { id: 'd100', state: 'early', direction: 'recipient', callId: 'call-102-100', localTag: 'lt100', remoteTag: 'rt100', remoteTarget: URI('102'), held: false },
    ]);
    expect(await step('busy', 101)).toMatchObject({ state: 'busy', party: { number: '102', name: 'Bob Jones' } });
    expect(await step('hold', 102)).toMatchObject({ state: 'hold', party: { number: '102' }, dialogs: [{ held: true }] });
    const idle = await step('idle', 103);
    expect(idle).toMatchObject({ state: 'idle', dialogs: [] });
    expect(idle?.caller).toBeUndefined();

    // RFC 4235 §4.1.2: a version not newer than the last one is stale, whatever it says.
    expect(await step('ringing', 102)).toEqual(idle);
    expect(await step('busy', 103)).toEqual(idle);
    expect(await step('busy', 104)).toMatchObject({ state: 'busy' });
  });

  it('carries the presence note on a busy tile', async () => {
    const r = await started({ tiles: [tile('p', '103', { watch: ['dialog', 'presence'] })] });
    void r.notify(r.dialog('presence', URI('103')), loadBody('pidf/seed003-snom-publish-lunch.xml'), { contentType: 'application/pidf+xml' });
    await r.settle(100);
    expect(r.view('p')).toMatchObject({ state: 'idle', presence: { note: 'Lunch' } });

    void r.notify(r.dialog('dialog', URI('103')), body('busy', '103', 100));
    await r.settle(100);
    expect(r.view('p')).toMatchObject({ state: 'busy', party: { number: '102' }, presence: { basic: 'open', note: 'Lunch' } });
  });

  it('re-SUBSCRIBEs for full state after a gap in partial state, not for the next partial', async () => {
    const r = await started({ tiles: [tile('a', '101')] });
    const d = r.dialog('dialog', URI('101'));
    void r.notify(d, body('idle', '101', 100));
    await r.settle(100);
    const refreshes = d.subscribes.length;

    void r.notify(d, body('partial-busy', '101', 101));
    await r.settle(100);
    expect(d.subscribes.length).toBe(refreshes);
    expect(r.view('a')?.state).toBe('busy');

    void r.notify(d, body('partial-busy', '101', 103, '104'));
    await r.settle(100);
    expect(d.subscribes.length).toBe(refreshes + 1);
    const refresh = d.subscribes.at(-1)!;
    expect(refresh.to.params.tag).toBe(d.localTag);
    expect(refresh.get('Expires')).not.toBe('0');
  });

  it('batches many NOTIFYs within 50 ms into one patch with the latest view per tile', async () => {
    const r = await started({ tiles: [tile('a', '101'), tile('b', '102'), tile('c', '103')] });
    await r.settle(1000);
    const d = { a: r.dialog('dialog', URI('101')), b: r.dialog('dialog', URI('102')), c: r.dialog('dialog', URI('103')) };
    const ext = { a: '101', b: '102', c: '103' };
    const mark = r.patches.length;

    // The first change after a quiet spell goes out at once…
    void r.notify(d.a, body('ringing', '101', 100));
    await r.settle(0);
    expect(r.patches.slice(mark)).toEqual([{ upsert: [r.view('a')], remove: [] }]);
    expect(r.view('a')?.state).toBe('ringing');

    // …and the next 45 ms of changes wait for the interval.
    const burst: Array<[keyof typeof d, DialogFixture, number]> = [
      ['b', 'ringing', 100],
      ['c', 'ringing', 100],
      ['a', 'busy', 101],
      ['b', 'busy', 101],
      ['c', 'hold', 101],
      ['a', 'hold', 102],
      ['b', 'idle', 102],
      ['c', 'busy', 102],
      ['a', 'idle', 103],
    ];
    for (const [id, name, version] of burst) {
      void r.notify(d[id], body(name, ext[id], version));
      await r.settle(5);
    }
    expect(r.patches.length).toBe(mark + 1);
    await r.settle(5);
    expect(r.patches.length).toBe(mark + 2);
    const patch = r.patches.at(-1)!;
    expect(patch.remove).toEqual([]);
    expect(patch.upsert.map((v) => v.id).sort()).toEqual(['a', 'b', 'c']);
    expect(patch.upsert.map((v) => [v.id, v.state]).sort()).toEqual([
      ['a', 'idle'],
      ['b', 'idle'],
      ['c', 'busy'],
    ]);
    for (const view of patch.upsert) expect(view).toEqual(r.view(view.id));
  });
});

describe('BlfService: resource lists (RFC 4662)', () => {
  it('subscribes once with eventlist and keeps one tile per member, named from the RLMI', async () => {
    const r = await started({ tiles: [tile('solo', '110')], tileLists: [{ id: 'team', name: 'Team', uri: URI('team'), event: 'dialog' }] });
    const lists = r.initialSubscribes().filter((s) => s.uri === URI('team'));
    expect(lists).toHaveLength(1);
    expect(lists[0]!.get('Supported')).toBe('eventlist');
    expect(lists[0]!.get('Event')).toBe('dialog');
    expect(lists[0]!.getAll('Accept')).toContain('application/rlmi+xml');
    const dialog = r.dialog('dialog', URI('team'));
    const solo = r.view('solo');

    const three = listBody('list-three');
    void r.notify(dialog, three.body, { contentType: three.contentType });
    await r.settle(100);
    const member = (ext: string): TileView | undefined => r.view(`team/${URI(ext)}`);
    expect(r.blf.tileViews().map((v) => [v.id, v.name, v.state])).toEqual([
      ['solo', 'Tile solo', solo?.state],
      ['team/sip:201@test.local', 'Anna', 'idle'],
      ['team/sip:202@test.local', 'Ben', 'ringing'],
      ['team/sip:203@test.local', 'Cleo', 'busy'],
    ]);
    expect(member('202')).toMatchObject({ listId: 'team', group: 'Team', caller: { number: '150', name: 'Zoe' }, action: { kind: 'call', uri: URI('202') } });

    // A part that is not XML is skipped (202 keeps its last state) while the other parts apply.
    const logged = r.logs.length;
    const bad = listBody('list-bad-part');
    void r.notify(dialog, bad.body, { contentType: bad.contentType });
    await r.settle(100);
    expect([member('201')?.state, member('202')?.state, member('203')?.state]).toEqual(['busy', 'ringing', 'idle']);
    expect(r.logs.slice(logged).join('\n')).toMatch(/sip:202@test\.local/);

    // A full state without a member removes its tile.
    const two = listBody('list-two');
    void r.notify(dialog, two.body, { contentType: two.contentType });
    await r.settle(100);
    expect(r.blf.tileViews().map((v) => v.id)).toEqual(['solo', 'team/sip:201@test.local', 'team/sip:203@test.local']);
    expect(r.patches.at(-1)?.remove).toEqual(['team/sip:202@test.local']);
    expect(r.view('solo')).toEqual(solo);
  });
});

describe('BlfService: recovery and flood', () => {
  it('refreshes the subscriptions of a line that comes back from failed, and only of that line', async () => {
    const r = await started({ tiles: [tile('a', '101', { line: 1 }), tile('b', '102', { line: 2 })] });
    const d101 = r.dialog('dialog', URI('101'), 1);
    const d102 = r.dialog('dialog', URI('102'), 2);

    r.registrar.failWith = 503;
    r.lines.reregister(1);
    await r.settle(100);
    expect(r.lines.states().map((s) => s.status)).toEqual(['failed', 'registered']);

    // The PBX restarted and forgot every subscription; the line comes back.
    r.notifier.forget();
    r.registrar.failWith = undefined;
    const mark = r.notifier.requests.length;
    r.lines.reregister(1);
    await r.settle(100);
    await r.settle(100);
    expect(r.lines.states().map((s) => s.status)).toEqual(['registered', 'registered']);
    const after = r.notifier.requests.slice(mark).map((s) => `${s.callId === d101.callId ? 'old-101' : s.uri} ${s.to.params.tag ? 'in-dialog' : 'new'}`);
    // The refresh in the old dialog gets 481 (forgotten), so a new subscription is made from line 1.
    expect(after).toEqual(['old-101 in-dialog', 'sip:101@test.local new']);
    expect(r.notifier.requests.slice(mark).some((s) => s.callId === d102.callId || s.uri === URI('102'))).toBe(false);

    void r.notify(r.dialog('dialog', URI('101'), 1), body('ringing', '101', 100));
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'ringing', caller: { number: '102' } });
  });

  it('answers a flood at once, coalesces at the bound and ends every tile in its final state', async () => {
    const exts = ['101', '102', '103', '104', '105'];
    const r = await started({
      tiles: exts.map((e) => tile(`t${e}`, e)),
      notify: { profile: 'custom', ratePerSecond: 10, queueBound: 10 },
    });
    const dialogs = exts.map((e) => r.dialog('dialog', URI(e)));
    await r.settle(2000);
    const cycle: DialogFixture[] = ['ringing', 'busy', 'hold', 'idle'];
    const finals: DialogFixture[] = ['ringing', 'busy', 'hold', 'idle', 'ringing'];
    const before = r.blf.stats();
    expect(before.depth).toBe(0);
    const answers: Array<Promise<SipResponse | undefined>> = [];
    for (let i = 0; i < 20; i++) {
      dialogs.forEach((d, k) => {
        const name = i === 19 ? finals[k]! : cycle[(i + k) % 4]!;
        const text = body(name, exts[k]!, 100 + i, `5${k}${i}`);
        answers.push(r.notifier.notify(d, { state: 'active', body: text, contentType: 'application/dialog-info+xml' }));
      });
    }
    await r.flush();
    const statuses = (await Promise.all(answers)).map((a) => a?.status);
    expect(statuses).toEqual(new Array(100).fill(200));
    const flooded = r.blf.stats();
    expect(flooded.received - before.received).toBe(100);
    expect(flooded.depth).toBeGreaterThan(0);
    expect(flooded.depth).toBeLessThanOrEqual(10);
    expect(flooded.coalesced - before.coalesced).toBeGreaterThan(0);
    expect(flooded.applied - before.applied + flooded.coalesced - before.coalesced + flooded.depth).toBe(100);

    for (let i = 0; i < 4; i++) await r.settle(1000);
    expect(r.blf.stats().depth).toBe(0);
    exts.forEach((e, k) => {
      const view = r.view(`t${e}`);
      expect(view?.state).toBe(finals[k]);
      if (finals[k] === 'ringing') expect(view?.caller).toMatchObject({ number: `5${k}19` });
      else if (finals[k] !== 'idle') expect(view?.party).toMatchObject({ number: `5${k}19` });
    });
  });

  it('never lets a body still queued from a replaced subscription dialog hide the new dialog\'s state', async () => {
    const r = await started({ tiles: [tile('a', '101')], notify: { profile: 'custom', ratePerSecond: 10, queueBound: 100 } });
    await r.settle(2000);
    await r.notify(r.dialog('dialog', URI('101')), body('busy', '101', 100));
    expect(r.blf.stats().depth).toBe(1);

    // While that body waits in the queue, the PBX restarts and the line comes back: a new dialog, a new version space.
    r.registrar.failWith = 503;
    r.lines.reregister(1);
    await r.flush();
    r.notifier.forget();
    r.registrar.failWith = undefined;
    r.lines.reregister(1);
    await r.flush();
    const fresh = r.dialog('dialog', URI('101'));
    void r.notify(fresh, body('ringing', '101', 5));
    for (let i = 0; i < 3; i++) await r.settle(1000);
    expect(r.blf.stats().depth).toBe(0);
    expect(r.view('a')).toMatchObject({ state: 'ringing', caller: { number: '102' } });
  });

  it('never lets a body queued for a replaced subscription hide the state of its successor on the same key', async () => {
    const r = await started({ tiles: [tile('a', '101')], notify: { profile: 'custom', ratePerSecond: 10, queueBound: 100 } });
    await r.settle(2000);
    const old = r.dialog('dialog', URI('101'));
    await r.notify(old, body('busy', '101', 100));
    expect(r.blf.stats().depth).toBe(1);

    // A changed line (new identity) replaces the subscription; the key (event, URI, line) stays the same.
    r.apply({ lines: [{ ...r.settings.lines[0]!, displayName: 'Front desk' }, r.settings.lines[1]!] });
    await r.flush();
    const fresh = [...r.notifier.dialogs.values()].find((d) => d.resource === URI('101') && d.callId !== old.callId)!;
    expect(fresh.subscriberFrom).toContain('Front desk');
    void r.notify(fresh, body('ringing', '101', 5));
    for (let i = 0; i < 3; i++) await r.settle(1000);
    expect(r.view('a')).toMatchObject({ state: 'ringing', caller: { number: '102' } });
  });
});

/** One member of a built RLMI body: its dialog-info state (full, own version) or none (a bodiless instance). */
interface RlmiMember {
  ext: string;
  state?: Exclude<DialogFixture, 'partial-busy'>;
  version?: number;
  instance?: 'active' | 'pending' | 'terminated';
}

/**
 * A `multipart/related` RLMI NOTIFY body for `sip:team@test.local` (RFC 4662 §5), built here rather than from a
 * fixture because these tests need every list version and fullState combination.
 */
function rlmi(version: number, fullState: boolean, members: RlmiMember[]): { contentType: string; body: string } {
  const boundary = 'rLmI-bOuNdArY';
  const resources = members
    .map((m) => {
      const cid = m.state ? ` cid="v${version}-${m.ext}@test.local"` : '';
      return `  <resource uri="${URI(m.ext)}"><name>Member ${m.ext}</name><instance id="i${m.ext}" state="${m.instance ?? 'active'}"${cid}/></resource>`;
    })
    .join('\r\n');
  const parts = [
    [
      'Content-ID: <list@test.local>',
      'Content-Type: application/rlmi+xml;charset="UTF-8"',
      '',
      `<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${URI('team')}" version="${version}" fullState="${fullState}">`,
      resources,
      '</list>',
    ].join('\r\n'),
    ...members
      .filter((m) => m.state)
      .map((m) =>
        [`Content-ID: <v${version}-${m.ext}@test.local>`, 'Content-Type: application/dialog-info+xml', '', body(m.state!, m.ext, m.version ?? version)].join('\r\n'),
      ),
  ];
  return {
    contentType: `multipart/related; type="application/rlmi+xml"; start="<list@test.local>"; boundary="${boundary}"`,
    body: parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`,
  };
}

describe('BlfService: resource list versions (RFC 4662 §5.2)', () => {
  const TEAM = { tileLists: [{ id: 'team', name: 'Team', uri: URI('team'), event: 'dialog' as const }] };
  const state = (r: BlfRig, ext: string): string | undefined => r.view(`team/${URI(ext)}`)?.state;
  /** Sends one RLMI NOTIFY and lets the queue apply it; returns the console's answer. */
  const send = async (r: BlfRig, list: { contentType: string; body: string }): Promise<SipResponse | undefined> => {
    const answer = r.notify(r.dialog('dialog', URI('team')), list.body, { contentType: list.contentType });
    await r.settle(100);
    await r.settle(100);
    return answer;
  };
  /** In-dialog SUBSCRIBEs (refreshes) of the list dialog since `mark`. */
  const refreshes = (r: BlfRig, mark: number): SipRequest[] => {
    const callId = r.dialog('dialog', URI('team')).callId;
    return r.notifier.requests.slice(mark).filter((s) => s.callId === callId && s.to.params.tag !== undefined && s.get('Expires') !== '0');
  };

  it('applies a newer list version and ignores one that is equal or older (a late or repeated NOTIFY)', async () => {
    const r = await started(TEAM);
    expect((await send(r, rlmi(5, true, [{ ext: '201', state: 'idle' }, { ext: '202', state: 'idle' }])))?.status).toBe(200);
    expect([state(r, '201'), state(r, '202')]).toEqual(['idle', 'idle']);

    // Newer (6, partial, no gap): applied.
    await send(r, rlmi(6, false, [{ ext: '201', state: 'ringing', version: 6 }]));
    expect([state(r, '201'), state(r, '202')]).toEqual(['ringing', 'idle']);

    // Same version again, carrying member bodies that are themselves newer: the list version alone decides.
    let logged = r.logs.length;
    await send(r, rlmi(6, false, [{ ext: '202', state: 'busy', version: 50 }]));
    expect(state(r, '202')).toBe('idle');
    expect(r.logs.slice(logged).join('\n')).toMatch(/stale list version 6/);

    // Older (3, within the reorder window, so not a notifier restart): ignored, even as full state.
    logged = r.logs.length;
    await send(r, rlmi(3, true, [{ ext: '201', state: 'busy', version: 60 }]));
    expect([state(r, '201'), state(r, '202')]).toEqual(['ringing', 'idle']);
    expect(r.blf.tileViews().map((v) => v.id)).toContain(`team/${URI('202')}`);
    expect(r.logs.slice(logged).join('\n')).toMatch(/stale list version 3/);

    // The next newer version still applies: the ignored ones did not move the list's version.
    await send(r, rlmi(7, false, [{ ext: '202', state: 'busy', version: 70 }]));
    expect([state(r, '201'), state(r, '202')]).toEqual(['ringing', 'busy']);
  });

  it('asks for full state (refreshes the subscription) on a gap in partial list versions, and not without one', async () => {
    const r = await started(TEAM);
    await send(r, rlmi(1, true, [{ ext: '201', state: 'idle' }, { ext: '202', state: 'idle' }]));

    // 1 -> 2: consecutive, no refresh.
    let mark = r.notifier.requests.length;
    await send(r, rlmi(2, false, [{ ext: '201', state: 'busy', version: 2 }]));
    expect(state(r, '201')).toBe('busy');
    expect(refreshes(r, mark)).toHaveLength(0);

    // 2 -> 4: version 3 was lost, so the console may miss a change; it applies 4 and asks for full state.
    mark = r.notifier.requests.length;
    await send(r, rlmi(4, false, [{ ext: '202', state: 'ringing', version: 4 }]));
    expect(state(r, '202')).toBe('ringing');
    expect(refreshes(r, mark)).toHaveLength(1);

    // A full state may jump versions freely: it carries everything, so no refresh.
    await r.settle(100);
    mark = r.notifier.requests.length;
    await send(r, rlmi(9, true, [{ ext: '201', state: 'idle', version: 9 }, { ext: '202', state: 'idle', version: 9 }]));
    expect([state(r, '201'), state(r, '202')]).toEqual(['idle', 'idle']);
    expect(refreshes(r, mark)).toHaveLength(0);
  });
});

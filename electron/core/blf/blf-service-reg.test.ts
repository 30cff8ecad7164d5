/**
 * The `reg` watch event (RFC 3680, issue 12) through the BLF service: one `Event: reg` subscription per tile AoR,
 * registration state combined with dialog state, and a server without the package (489 Bad Event).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import { loadBody } from '../../sip/event-bodies/testing/body-fixtures';
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
const REGINFO = { contentType: 'application/reginfo+xml' };
const registered = loadBody('reginfo/kamailio-registered.xml').replaceAll('sip:101@test.local', URI('101'));
const unregistered = loadBody('reginfo/kamailio-unregistered.xml');
const idle = dialogBody('idle', { version: 1, entity: URI('101') });

describe('BlfService: reg watch event', () => {
  it('subscribes Event: reg with the reginfo Accept only for tiles that watch it', async () => {
    const r = await started({ tiles: [tile('a', '101', { watch: ['dialog', 'reg'] }), tile('b', '102')] });
    const subscribes = r.initialSubscribes().map((s) => `${s.get('Event')} ${s.uri}`);
    expect(subscribes.sort()).toEqual(['dialog sip:101@test.local', 'dialog sip:102@test.local', 'reg sip:101@test.local']);
    const reg = r.initialSubscribes().find((s) => s.get('Event') === 'reg');
    expect(reg?.get('Accept')).toBe('application/reginfo+xml');
    expect(reg?.get('Supported') ?? '').not.toContain('eventlist');
  });

  it('shows an idle extension offline while it has no binding, idle once it registers, offline again after', async () => {
    const r = await started({ tiles: [tile('a', '101', { watch: ['dialog', 'reg'] })] });
    void r.notify(r.dialog('dialog', URI('101')), idle);
    await r.settle(100);
    // Dialog says idle, reg has not told yet: idle, registration unknown.
    expect(r.view('a')).toMatchObject({ state: 'idle' });
    expect(r.view('a')?.registered).toBeUndefined();

    const reg = r.dialog('reg', URI('101'));
    // Kamailio sends an empty NOTIFY for an AoR nothing was published for: no binding since it started.
    void r.notify(reg, '', { contentType: undefined });
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'offline', registered: false });

    void r.notify(reg, registered, REGINFO);
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'idle', registered: true });

    // Kamailio republishes version 0 each time: the later NOTIFY (higher CSeq) wins.
    void r.notify(reg, unregistered, REGINFO);
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'offline', registered: false });
    expect(r.logs.filter((l) => l.includes('ignored'))).toEqual([]);
  });

  it('keeps a tile in a call busy when its registration lapses', async () => {
    const r = await started({ tiles: [tile('a', '101', { watch: ['dialog', 'reg'] })] });
    void r.notify(r.dialog('reg', URI('101')), unregistered, REGINFO);
    void r.notify(r.dialog('dialog', URI('101')), dialogBody('busy', { version: 2, entity: URI('101') }));
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'busy', registered: false });
  });

  it('leaves the tile as dialog says when the server refuses reg (489 Bad Event)', async () => {
    const r = await started({ tiles: [tile('a', '101')] });
    void r.notify(r.dialog('dialog', URI('101')), idle);
    await r.settle(100);
    r.notifier.failWith = { status: 489 };
    r.apply({ tiles: [tile('a', '101', { watch: ['dialog', 'reg'] })] });
    await r.settle(100);
    expect(r.notifier.requests.some((s) => s.get('Event') === 'reg')).toBe(true);
    const view = r.view('a');
    expect(view?.state).toBe('idle');
    expect(view?.registered).toBeUndefined();
    expect(view?.unknownReason).toBeUndefined();
  });
});

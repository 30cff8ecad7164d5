/** Issue 12 §6: a tile can watch a colleague's or a shared mailbox (RFC 3842 message-summary) beside its lamp. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import { validateSettings } from '../../../shared/settings-validate';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { loadBody } from '../../sip/event-bodies/testing/body-fixtures';
import { blfRig, dialogBody, lineConfig, tile, type BlfRig } from './testing/blf-service-rig';

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
const summary = { contentType: 'application/simple-message-summary' };

describe('BlfService: message-summary on a tile', () => {
  it('subscribes the mailbox beside the lamp and shows the new count on the tile', async () => {
    const r = await started({ tiles: [tile('a', '101', { watch: ['dialog', 'message-summary'] })] });
    const mailbox = r.dialog('message-summary', URI('101'));
    expect(mailbox.subscribes[0]?.get('Accept')).toContain('application/simple-message-summary');
    void r.notify(r.dialog('dialog', URI('101')), dialogBody('idle', { version: 1, entity: URI('101') }));
    void r.notify(mailbox, loadBody('mwi/rfc3842-summary.txt'), summary);
    await r.settle(100);
    expect(r.view('a')).toMatchObject({ state: 'idle', messagesWaiting: true, messagesNew: 2 });

    void r.notify(mailbox, loadBody('mwi/lowercase-no.txt'), summary);
    await r.settle(100);
    expect(r.view('a')?.messagesWaiting).toBe(false);
    expect(r.view('a')?.messagesNew).toBeUndefined();
    expect(r.view('a')?.state).toBe('idle');
  });
});

describe('tile validation of message-summary', () => {
  const base = { ...DEFAULT_SETTINGS, lines: [lineConfig(1)] };
  it('accepts message-summary beside a lamp event, and refuses it alone with the field named', () => {
    expect(validateSettings({ ...base, tiles: [tile('a', '101', { watch: ['presence', 'message-summary'] })] }).ok).toBe(true);
    const alone = validateSettings({ ...base, tiles: [tile('a', '101', { watch: ['message-summary'] })] });
    expect(alone.ok).toBe(false);
    expect(JSON.stringify(alone)).toContain('tiles.0.watch');
    expect(JSON.stringify(alone)).toContain('message-summary adds a mailbox count');
  });

  it('refuses message-summary as a resource list event', () => {
    const list = validateSettings({ ...base, tileLists: [{ id: 'l', name: 'List', uri: 'sip:list@test.local', event: 'message-summary' }] });
    expect(list.ok).toBe(false);
  });
});

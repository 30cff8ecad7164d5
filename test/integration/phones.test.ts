import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { PhoneError, publishPresence, startCall } from '../support/phones';
import { startRawWatcher, type RawWatcher, type WatcherNotify } from '../support/raw-watcher';
import { createResourceList } from '../support/resource-list';
import { waitFor } from '../support/wait';

const USERS = ['101', '102', '103', '104', '105'].map((user) => ({ user, password: `pw-${user}` }));
const account = (user: string): { user: string; password: string } => ({ user, password: `pw-${user}` });

/** Dialogs of a dialog-info body as call-id → state (lower-cased: Kamailio sends `Trying`, guide trap 3). */
function dialogStates(body: string): Map<string, { state: string; remote?: string }> {
  const out = new Map<string, { state: string; remote?: string }>();
  for (const m of body.matchAll(/<dialog\s[^>]*call-id="([^"]+)"[^>]*>([\s\S]*?)<\/dialog>/g)) {
    const inner = m[2] ?? '';
    const state = /<state[^>]*>([^<]+)<\/state>/.exec(inner)?.[1]?.toLowerCase() ?? '';
    const remote = /<remote>[\s\S]*?<identity[^>]*>([^<]+)<\/identity>/.exec(inner)?.[1];
    out.set(m[1] ?? '', { state, remote });
  }
  return out;
}

function resourceUris(notify: WatcherNotify): string[] {
  return [...notify.body.matchAll(/<resource uri="([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('sipp phones and raw watchers against Kamailio', () => {
  let kam: KamailioHandle;
  let watcher: RawWatcher;

  beforeAll(async () => {
    kam = await startKamailio({ users: [...USERS, { user: 'reception', password: 'pw-reception' }] });
    watcher = await startRawWatcher({ serverPort: kam.udpPort, user: 'reception', password: 'pw-reception' });
  });

  afterAll(async () => {
    await watcher?.stop();
    await kam?.stop();
  });

  // The phones never subscribe: a NOTIFY reaching either sipp would abort its scenario and reject `done`.
  it('a call 102 → 101 is a Kamailio dialog while talking and is gone after the BYE', async () => {
    const call = await startCall({
      kam,
      caller: account('102'),
      callee: account('101'),
      ringMs: 300,
      talkMs: 3000,
    });
    const listing = await waitFor('a confirmed dialog in dlg.list', async () => {
      const out = await kam.kamcmd(['dlg.list']);
      return /state: 4\b/.test(out) ? out : '';
    });
    expect(listing).toContain('from_uri: sip:102@test.local');
    expect(listing).toContain('to_uri: sip:101@test.local');
    await call.done;
    // The dialog module keeps an ended dialog (state 5) for a few seconds before deleting it.
    await waitFor(
      'dlg.list to be empty',
      async () => !/call-id:/.test(await kam.kamcmd(['dlg.list'])),
      20_000,
    );
  });

  it('a dialog watcher of 101 sees early (remote 102) → confirmed → terminated', async () => {
    const sub = await watcher.subscribe({ uri: 'sip:101@test.local', event: 'dialog' });
    expect(sub.status).toBe(200);
    const call = await startCall({
      kam,
      caller: account('102'),
      callee: account('101'),
      ringMs: 1000,
      talkMs: 1000,
    });
    const early = await watcher.waitForNotify(
      'an early dialog for 101',
      (n) => n.callId === sub.callId && [...dialogStates(n.body).values()].some((d) => d.state === 'early'),
    );
    const callId = [...dialogStates(early.body)].find(([, d]) => d.state === 'early')?.[0] ?? '';
    expect(dialogStates(early.body).get(callId)?.remote).toBe('sip:102@test.local');
    await call.done;
    await watcher.waitForNotify(
      'the call terminated for 101',
      (n) => n.callId === sub.callId && dialogStates(n.body).get(callId)?.state === 'terminated',
    );
    const states = sub
      .notifies()
      .filter((n) => !n.duplicate)
      .map((n) => dialogStates(n.body).get(callId)?.state)
      .filter((s): s is string => s !== undefined && s !== 'trying')
      .filter((s, i, all) => s !== all[i - 1]);
    expect(states).toEqual(['early', 'confirmed', 'terminated']);
    expect(sub.notifies().every((n) => n.event === 'dialog')).toBe(true);
    expect(await watcher.unsubscribe(sub)).toBe(200);
  });

  it('rejects done with call-failed when the caller has the wrong password', async () => {
    const started = Date.now();
    const call = await startCall({
      kam,
      caller: { user: '102', password: 'wrong' },
      callee: account('101'),
      ringMs: 100,
      talkMs: 100,
    });
    const error: unknown = await call.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhoneError);
    expect((error as PhoneError).code).toBe('call-failed');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("shows publishPresence's note in the watcher's presence NOTIFY", async () => {
    const sub = await watcher.subscribe({ uri: 'sip:103@test.local', event: 'presence' });
    expect(sub.status).toBe(200);
    const first = await watcher.waitForNotify('the initial presence NOTIFY', (n) => n.callId === sub.callId);
    expect(first.body).not.toContain('Out to lunch');
    await publishPresence({
      kam,
      ...account('103'),
      note: 'Out to lunch & back at 2',
      basic: 'open',
      expires: 600,
    });
    const notify = await watcher.waitForNotify(
      'a NOTIFY with the note',
      (n) => n.callId === sub.callId && n.body.includes('Out to lunch &amp; back at 2</note>'),
    );
    expect(notify.contentType).toContain('application/pidf+xml');
    expect(notify.body).toContain('<basic>open</basic>');
    expect(notify.subscriptionState).toMatch(/^active/);
  });

  it('gives an RLMI NOTIFY with 5 resources for a list of 5 members', async () => {
    const members = ['101', '102', '103', '104', '105'];
    const uri = await createResourceList(kam, { watcher: 'reception', listUser: 'team', members });
    expect(uri).toBe('sip:team@test.local');
    await publishPresence({ kam, ...account('104'), note: 'In a meeting', basic: 'closed', expires: 600 });
    const sub = await watcher.subscribe({ uri, event: 'presence', eventlist: true });
    expect(sub.status).toBe(200);
    expect(sub.response.get('Require')).toBe('eventlist');
    const rlmi = await watcher.waitForNotify('an RLMI NOTIFY', (n) => n.callId === sub.callId);
    expect(rlmi.contentType).toMatch(/^multipart\/related;.*type="application\/rlmi\+xml"/);
    expect(rlmi.body).toContain('<list uri="sip:team@test.local"');
    expect(resourceUris(rlmi).sort()).toEqual(members.map((m) => `sip:${m}@test.local`));
    // RLS NOTIFYs lag the back-end state by up to waitn_time (guide trap 7): 104's PIDF arrives as a body part.
    const withState = await watcher.waitForNotify(
      '104 published state in the list',
      (n) => n.callId === sub.callId && n.body.includes('In a meeting</note>'),
    );
    expect(resourceUris(withState)).toHaveLength(5);
    expect(withState.body).toMatch(/<resource uri="sip:104@test\.local">\s*<instance [^>]*state="active"/);
  });
});

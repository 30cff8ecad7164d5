/** Issue 12 §6: a line watches its own mailbox (RFC 3842 message-summary) and shows the waiting count. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { loadBody } from '../../sip/event-bodies/testing/body-fixtures';
import { mailboxLine, voicemailRig, type VoicemailRig } from './testing/voicemail-rig';

const rigs: VoicemailRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});
function start(...args: Parameters<typeof voicemailRig>): VoicemailRig {
  const r = voicemailRig(...args);
  rigs.push(r);
  return r;
}
const line1 = (r: VoicemailRig) => r.lines.states()[0]!;

describe('VoicemailService', () => {
  it('subscribes message-summary to the line’s own address of record once the line is registered', async () => {
    const r = start();
    expect(r.initialSubscribes()).toEqual([]);
    await r.settle(100);
    expect(line1(r).status).toBe('registered');
    // RFC 3842 §4: the subscriber subscribes to its own AoR; RFC 6665 §7.2: Accept names the one body it parses.
    const [subscribe] = r.initialSubscribes();
    expect(subscribe?.uri).toBe('sip:200@test.local');
    expect(subscribe?.get('Event')).toBe('message-summary');
    expect(subscribe?.get('Accept')).toBe('application/simple-message-summary');
    expect(r.initialSubscribes()).toHaveLength(1);
    expect(line1(r).voicemail).toEqual({ state: 'watching', newMessages: 0, oldMessages: 0 });
  });

  it('shows the waiting counts of each summary on the line, and what "Call voicemail" dials', async () => {
    const r = start();
    await r.settle(100);
    await r.summary(loadBody('mwi/rfc3842-summary.txt'));
    expect(line1(r).voicemail).toEqual({
      state: 'watching',
      waiting: true,
      newMessages: 2,
      oldMessages: 8,
      urgentNew: 0,
      urgentOld: 2,
      account: 'sip:alice@vmail.example.com',
      dial: 'sip:alice@vmail.example.com',
    });
    expect(r.events.at(-1)?.[0]?.voicemail?.newMessages).toBe(2);
    await r.summary(loadBody('mwi/lowercase-no.txt'));
    expect(line1(r).voicemail).toMatchObject({ waiting: false, newMessages: 0, oldMessages: 3 });
    expect(r.events.at(-1)?.[0]?.voicemail?.waiting).toBe(false);
  });

  it('dials the line’s mailbox code rather than the Message-Account, and changing it does not re-register', async () => {
    const r = start();
    await r.settle(100);
    await r.summary(loadBody('mwi/asterisk-crlf.txt'));
    expect(line1(r).voicemail?.dial).toBe('sip:*97@pbx.example.com');
    const registers = r.registrar.requests.length;
    r.apply({ lines: [mailboxLine(1, { mailboxCode: '*98' })] });
    await r.settle(100);
    expect(line1(r).voicemail).toMatchObject({ newMessages: 1, dial: '*98' });
    expect(r.registrar.requests.length).toBe(registers);
    expect(r.initialSubscribes()).toHaveLength(1);
  });

  it('keeps counts on a summary it cannot read, and logs why', async () => {
    const r = start();
    await r.settle(100);
    await r.summary(loadBody('mwi/rfc3842-summary.txt'));
    await r.summary(loadBody('mwi/garbage.txt'));
    expect(line1(r).voicemail?.newMessages).toBe(2);
    expect(r.logs.some((l) => l.includes('message-summary NOTIFY for line 1 ignored'))).toBe(true);
  });

  it.each([489, 403, 404])('stops quietly for the line after %i: no retry in two hours', async (status) => {
    const r = start();
    r.notifier.failWith = { status };
    await r.settle(100);
    await r.settle(0);
    expect(line1(r).voicemail).toMatchObject({ state: 'unsupported', sipStatus: status });
    for (let i = 0; i < 24; i++) await r.settle(5 * 60_000);
    expect(r.initialSubscribes()).toHaveLength(1);
    expect(r.logs.filter((l) => l.includes('no voicemail indicator'))).toHaveLength(1);
    // The line itself is untouched.
    expect(line1(r).status).toBe('registered');
  });

  it('retries other failures by the subscription usage’s back-off', async () => {
    const r = start({ sip: { ...DEFAULT_SETTINGS.sip, retryBaseSeconds: 30, retryMaxSeconds: 1800 } });
    r.notifier.failWith = { status: 500 };
    await r.settle(100);
    expect(line1(r).voicemail).toMatchObject({ state: 'failed', sipStatus: 500 });
    await r.settle(40_000);
    expect(r.initialSubscribes().length).toBe(2);
    r.notifier.failWith = undefined;
    await r.settle(120_000);
    expect(line1(r).voicemail?.state).toBe('watching');
  });

  it('sends nothing for a line with mwi off, and starts when it is switched on without re-registering', async () => {
    const r = start({ lines: [mailboxLine(1, { mwi: false })] });
    await r.settle(100);
    expect(r.initialSubscribes()).toEqual([]);
    expect(line1(r).voicemail).toEqual({ state: 'off', newMessages: 0, oldMessages: 0 });
    const registers = r.registrar.requests.length;
    r.apply({ lines: [mailboxLine(1)] });
    await r.settle(100);
    expect(r.initialSubscribes()).toHaveLength(1);
    expect(r.registrar.requests.length).toBe(registers);
    r.apply({ lines: [mailboxLine(1, { mwi: false })] });
    await r.settle(100);
    // RFC 6665 §4.1.2.3: switched off = un-SUBSCRIBE in the dialog.
    expect(r.notifier.requests.at(-1)?.get('Expires')).toBe('0');
  });

  it('has no mailbox on a disabled line', async () => {
    const r = start({ lines: [mailboxLine(1, { enabled: false })] });
    await r.settle(100);
    expect(r.initialSubscribes()).toEqual([]);
    expect(line1(r).voicemail).toBeUndefined();
  });

  it('un-SUBSCRIBEs the mailbox and un-REGISTERs the line at shutdown', async () => {
    const r = start();
    await r.settle(100);
    rigs.splice(0);
    await r.close();
    const unsubscribe = r.notifier.requests.at(-1);
    expect(unsubscribe?.get('Event')).toBe('message-summary');
    expect(unsubscribe?.get('Expires')).toBe('0');
    expect(r.registrar.requests.at(-1)?.get('Expires')).toBe('0');
  });
});

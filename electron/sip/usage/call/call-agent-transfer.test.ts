import { afterEach, describe, expect, it } from 'vitest';
import type { Dialog } from '../../dialog';
import type { SipRequest } from '../../message';
import { callRig, type CallRig } from '../testing/call-rig';
import { fakeSdp } from '../testing/fake-session-description-handler';
import type { CallSession, TransferProgress, TransferResult } from './call-session-api';
import { parseReplaces } from './call-headers';

const rigs: CallRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(...args: Parameters<typeof callRig>): Promise<CallRig> {
  const r = await callRig(...args);
  rigs.push(r);
  return r;
}

/** An outgoing call answered by the peer with To tag `tag`; `dialog` is the peer's side. */
async function outgoing(r: CallRig, target = '102', tag = 'callee') {
  const s = r.agent.dial(r.line, target);
  await r.flush();
  const invite = r.requests('INVITE').at(-1)!;
  await r.respond(invite, 200, { toTag: tag, body: fakeSdp() });
  return { s, invite, dialog: r.peerDialog(invite, tag) };
}

/**
 * Starts a transfer of `s` and lets the peer accept the hold re-INVITE (RFC 3264 §8.4) that goes first; resolves
 * with the REFER and the pending result.
 */
async function startTransfer(r: CallRig, s: CallSession, target: string, options?: Parameters<CallSession['refer']>[1]) {
  const result = s.refer(target, options);
  await r.flush();
  const hold = r.requests('INVITE').at(-1)!;
  expect(hold.bodyText).toContain('a=sendonly');
  await r.respond(hold, 200, { body: fakeSdp('recvonly') });
  const refer = r.requests('REFER').at(-1)!;
  return { result, refer };
}

/** A NOTIFY of the REFER's implicit subscription (RFC 3515 §2.4.5) from the peer. */
function notify(r: CallRig, dialog: Dialog, frag: string | undefined, opts: { id?: number | null; state?: string } = {}): SipRequest {
  const event = opts.id === null || opts.id === undefined ? 'refer' : `refer;id=${opts.id}`;
  const headers: Array<[string, string]> = [['Event', event], ['Subscription-State', opts.state ?? 'active;expires=60']];
  return r.inDialog(dialog, 'NOTIFY', { headers, body: frag, contentType: 'message/sipfrag;version=2.0' });
}

/** Sends `request` and returns the status of our answer to it. */
async function answerTo(r: CallRig, request: SipRequest): Promise<number | undefined> {
  await r.send(request);
  return r.responses(request.method).find((x) => x.cseq.seq === request.cseq.seq)?.status;
}

function watch(s: CallSession): Array<TransferProgress['state']> {
  const states: Array<TransferProgress['state']> = [];
  s.onChange((x) => {
    if (x.transfer && states.at(-1) !== x.transfer.state) states.push(x.transfer.state);
  });
  return states;
}

describe('CallSession.refer: blind transfer (RFC 3515, RFC 5589 §6)', () => {
  it('holds the caller, sends REFER in the dialog, follows NOTIFY 100 → 180 → 200, then hangs up with BYE', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const states = watch(s);
    const { result, refer } = await startTransfer(r, s, '300');
    expect(s.localHold).toBe(true);
    expect(refer.get('Refer-To')).toBe('<sip:300@test.local>');
    expect(refer.get('Referred-By')).toBe('<sip:200@test.local>');
    expect(refer.get('Contact')).toBe('<sip:200@127.0.0.1:5070>');
    expect(refer.to.params.tag).toBe('callee');
    expect(refer.callId).toBe(dialog.callId);
    expect(s.transfer).toEqual({ mode: 'blind', target: 'sip:300@test.local', state: 'trying' });

    await r.respond(refer, 202);
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 100 Trying\r\n', { id: refer.cseq.seq }))).toBe(200);
    expect(s.transfer?.state).toBe('trying');
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 180 Ringing\r\n', { id: refer.cseq.seq }))).toBe(200);
    expect(s.transfer).toMatchObject({ state: 'ringing', sipStatus: 180 });
    expect(r.requests('BYE')).toHaveLength(0);
    expect(s.state).toBe('connected');

    const final = notify(r, dialog, 'SIP/2.0 200 OK\r\n', { id: refer.cseq.seq, state: 'terminated;reason=noresource' });
    expect(await answerTo(r, final)).toBe(200);
    expect(await result).toEqual({ ok: true });
    expect(s.transfer).toEqual({ mode: 'blind', target: 'sip:300@test.local', state: 'succeeded', sipStatus: 200 });
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toEqual({ cause: 'local-hangup', reason: 'transferred to sip:300@test.local' });
    expect(states).toEqual(['trying', 'ringing', 'succeeded']);
    // The subscription ended with that NOTIFY: another one finds nothing.
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 200 OK\r\n', { id: refer.cseq.seq }))).toBe(481);
  });

  it('takes NOTIFYs without id for the first REFER (RFC 3515 §2.4.6) and answers 481 for an unknown id', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, 'sip:300@pbx.example');
    await r.respond(refer, 202);
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 100 Trying', { id: refer.cseq.seq + 7 }))).toBe(481);
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 183 Session Progress', { id: null }))).toBe(200);
    expect(s.transfer?.state).toBe('ringing');
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 200 OK', { id: null, state: 'terminated' }))).toBe(200);
    expect(await result).toEqual({ ok: true });
  });

  it('answers a digest challenge to the REFER and follows the subscription of the new CSeq', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 407, { headers: [['Proxy-Authenticate', 'Digest realm="test.local", nonce="r1", qop="auth", algorithm=MD5']] });
    const again = r.requests('REFER').at(-1)!;
    expect(again).not.toBe(refer);
    expect(again.cseq.seq).toBe(refer.cseq.seq + 1);
    expect(again.get('Proxy-Authorization')).toMatch(/username="200".*nonce="r1"|nonce="r1".*username="200"/);
    expect(again.get('Refer-To')).toBe('<sip:300@test.local>');
    await r.respond(again, 202);
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 100 Trying', { id: refer.cseq.seq }))).toBe(481);
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 200 OK', { id: again.cseq.seq, state: 'terminated' }))).toBe(200);
    expect(await result).toEqual({ ok: true });
  });
});

describe('CallSession.refer: failures bring the caller back (re-INVITE sendrecv)', () => {
  /** The resume re-INVITE the failure sends; the peer accepts it. */
  async function expectResume(r: CallRig, s: CallSession, result: Promise<TransferResult>): Promise<TransferResult> {
    await r.flush();
    const resume = r.requests('INVITE').at(-1)!;
    expect(resume.bodyText).toContain('a=sendrecv');
    await r.respond(resume, 200, { body: fakeSdp() });
    const outcome = await result;
    expect(s.localHold).toBe(false);
    expect(s.state).toBe('connected');
    expect(r.requests('BYE')).toHaveLength(0);
    return outcome;
  }

  it('fails on a NOTIFY 486 and resumes the held caller', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const states = watch(s);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    await r.send(notify(r, dialog, 'SIP/2.0 180 Ringing', { id: refer.cseq.seq }));
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 486 Busy Here\r\n', { id: refer.cseq.seq, state: 'terminated' }))).toBe(200);
    expect(await expectResume(r, s, result)).toEqual({ ok: false, reason: '486 Busy Here', sipStatus: 486, referRefused: false });
    expect(s.transfer).toEqual({ mode: 'blind', target: 'sip:300@test.local', state: 'failed', sipStatus: 486, reason: '486 Busy Here' });
    expect(states).toEqual(['trying', 'ringing', 'failed']);
  });

  it.each([
    [405, false, true],
    [501, false, true],
    [420, true, true],
    [403, true, true],
    [403, false, false],
    [603, false, false],
  ])('REFER answered %i (attended: %s) → referRefused %s', async (status, attended, refused) => {
    const r = await rig();
    const { s } = await outgoing(r);
    const replaces = attended ? { replaces: { callId: 'consult@127.0.0.1', localTag: 'mine', remoteTag: 'theirs' } } : undefined;
    const { result, refer } = await startTransfer(r, s, '300', replaces);
    await r.respond(refer, status);
    const outcome = await expectResume(r, s, result);
    expect(outcome).toMatchObject({ ok: false, sipStatus: status, referRefused: refused });
    expect(s.transfer).toMatchObject({ state: 'failed', sipStatus: status });
  });

  it('fails when no final NOTIFY comes within the bound (30 s by default), and resumes', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    await r.send(notify(r, dialog, 'SIP/2.0 180 Ringing', { id: refer.cseq.seq }));
    await r.advance(29_900, 1000);
    expect(s.transfer?.state).toBe('ringing');
    await r.advance(200);
    expect(s.transfer).toMatchObject({ state: 'failed', reason: 'no final NOTIFY in 30 s' });
    expect(await expectResume(r, s, result)).toEqual({ ok: false, reason: 'no final NOTIFY in 30 s', referRefused: false });
    // Our side of the subscription is gone: a late NOTIFY gets 481.
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq }))).toBe(481);
  });

  it('takes the bound from the agent options', async () => {
    const r = await rig({ transferTimeoutMs: 10_000 });
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    await r.send(notify(r, dialog, 'SIP/2.0 100 Trying', { id: refer.cseq.seq }));
    await r.advance(9_900, 1000);
    expect(s.transfer?.state).toBe('trying');
    await r.advance(200);
    expect(await expectResume(r, s, result)).toMatchObject({ ok: false, reason: 'no final NOTIFY in 10 s' });
  });

  it('fails when the subscription ends without a final sipfrag', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    await r.send(notify(r, dialog, 'SIP/2.0 100 Trying', { id: refer.cseq.seq }));
    expect(await answerTo(r, notify(r, dialog, undefined, { id: refer.cseq.seq, state: 'terminated;reason=timeout' }))).toBe(200);
    expect(await expectResume(r, s, result)).toEqual({ ok: false, reason: 'the transfer ended without a final answer (timeout)', referRefused: false });
  });

  it('answers a reordered NOTIFY 200 but keeps its stale provisional out of the progress', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    const trying = notify(r, dialog, 'SIP/2.0 100 Trying', { id: refer.cseq.seq });
    const ringing = notify(r, dialog, 'SIP/2.0 180 Ringing', { id: refer.cseq.seq });
    expect(await answerTo(r, ringing)).toBe(200);
    expect(await answerTo(r, trying)).toBe(200);
    expect(s.transfer).toMatchObject({ state: 'ringing', sipStatus: 180 });
    await r.send(notify(r, dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq, state: 'terminated' }));
    expect(await result).toEqual({ ok: true });
  });

  it('ignores a garbage sipfrag while the subscription is active', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    expect(await answerTo(r, notify(r, dialog, '<html>oops</html>', { id: refer.cseq.seq }))).toBe(200);
    expect(s.transfer?.state).toBe('trying');
    await r.send(notify(r, dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq, state: 'terminated' }));
    expect(await result).toEqual({ ok: true });
  });
});

describe('CallSession.refer: attended transfer (RFC 5589 §7)', () => {
  it('names the consultation dialog in Refer-To with Replaces, escaped, tags from the target’s point of view', async () => {
    const r = await rig();
    const a = await outgoing(r, '102', 'callee-a');
    const c = await outgoing(r, '300', 'callee-c');
    expect(c.s.dialogIds).toEqual({ callId: c.invite.callId, localTag: c.invite.from.params.tag, remoteTag: 'callee-c' });
    expect(c.s.remoteTarget).toBe('sip:peer@127.0.0.1:5060');
    const { result, refer } = await startTransfer(r, a.s, c.s.remoteTarget!, { replaces: c.s.dialogIds! });
    const referTo = refer.get('Refer-To')!;
    const escaped = `${c.invite.callId.replace('@', '%40')}%3Bto-tag%3Dcallee-c%3Bfrom-tag%3D${c.invite.from.params.tag}`;
    expect(referTo).toBe(`<sip:peer@127.0.0.1:5060?Replaces=${escaped}>`);
    // The target receives the transferee's INVITE: to-tag must be its local tag (RFC 3891 §3).
    const replaces = parseReplaces(decodeURIComponent(referTo.slice(referTo.indexOf('=') + 1, -1)))!;
    expect(replaces).toMatchObject({ callId: c.dialog.callId, toTag: c.dialog.localTag, fromTag: c.dialog.remoteTag, earlyOnly: false });
    expect(a.s.transfer).toMatchObject({ mode: 'attended', target: 'sip:peer@127.0.0.1:5060', state: 'trying' });
    await r.respond(refer, 202);
    await r.send(notify(r, a.dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq, state: 'terminated' }));
    expect(await result).toEqual({ ok: true });
    expect(a.s.state).toBe('ended');
    expect(c.s.state).toBe('connected');
  });
});

describe('CallSession.refer: edges', () => {
  it('refuses without sending when the call is not connected, a transfer runs, or the target is no address', async () => {
    const r = await rig();
    const ringing = r.agent.dial(r.line, '102');
    await r.flush();
    expect(await ringing.refer('300')).toEqual({ ok: false, reason: 'the call is not connected', referRefused: false });
    const { s } = await outgoing(r, '103', 'other');
    expect(await s.refer('hello world!')).toMatchObject({ ok: false, referRefused: false });
    expect(s.transfer).toBeUndefined();
    const first = s.refer('300');
    expect(await s.refer('301')).toEqual({ ok: false, reason: 'a transfer is already in progress', referRefused: false });
    expect(await s.refer('sip:1@x', { replaces: { callId: 'a b', localTag: 'x', remoteTag: 'y' } })).toMatchObject({ ok: false });
    ringing.hangup();
    s.hangup();
    // The hold re-INVITE is still unanswered: the transfer gives up a short grace after the call ended.
    await r.advance(5000);
    expect(await first).toEqual({ ok: false, reason: 'the call ended', referRefused: false });
    expect(r.requests('REFER')).toHaveLength(0);
  });

  it('does not hold again a caller already on hold', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const held = s.hold();
    await r.flush();
    await r.respond(r.requests('INVITE').at(-1)!, 200, { body: fakeSdp('recvonly') });
    await held;
    const invites = r.requests('INVITE').length;
    const result = s.refer('300');
    await r.flush();
    expect(r.requests('INVITE')).toHaveLength(invites);
    const refer = r.requests('REFER')[0]!;
    await r.respond(refer, 202);
    await r.send(notify(r, dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq, state: 'terminated' }));
    expect(await result).toEqual({ ok: true });
  });

  it('still learns the outcome after the transferee hung up first, within a short grace', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const { result, refer } = await startTransfer(r, s, '300');
    await r.respond(refer, 202);
    await r.send(r.inDialog(dialog, 'BYE'));
    expect(s.end).toMatchObject({ cause: 'remote-hangup' });
    expect(await answerTo(r, notify(r, dialog, 'SIP/2.0 200 OK', { id: refer.cseq.seq, state: 'terminated' }))).toBe(200);
    expect(await result).toEqual({ ok: true });
    expect(s.transfer?.state).toBe('succeeded');
    expect(r.requests('BYE')).toHaveLength(0);

    const other = await outgoing(r, '104', 'd');
    const pending = await startTransfer(r, other.s, '300');
    await r.respond(pending.refer, 202);
    await r.send(r.inDialog(other.dialog, 'BYE'));
    await r.advance(5000);
    expect(await pending.result).toEqual({ ok: false, reason: 'the call ended', referRefused: false });
  });

  it('exposes the early dialog of an outgoing call and the remote target of an incoming one', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    expect(s.dialogIds).toBeUndefined();
    expect(s.remoteTarget).toBe('sip:102@test.local');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    await r.respond(invite, 180, { toTag: 'early' });
    expect(s.dialogIds).toEqual({ callId: invite.callId, localTag: invite.from.params.tag, remoteTag: 'early' });
    expect(s.remoteTarget).toBe('sip:peer@127.0.0.1:5060');
    await r.send(r.invite());
    const incoming = r.incoming.at(-1)!;
    expect(incoming.remoteTarget).toBe('sip:peer@127.0.0.1:5060');
    expect(incoming.dialogIds?.remoteTag).toMatch(/^peer-/);
  });
});

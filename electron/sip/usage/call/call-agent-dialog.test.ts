import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallRig } from '../testing/call-rig';
import { callRig } from '../testing/call-rig';
import { fakeSdp } from '../testing/fake-session-description-handler';
import type { InviteSession } from './invite-session';

const rigs: CallRig[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(...args: Parameters<typeof callRig>): Promise<CallRig> {
  const r = await callRig(...args);
  rigs.push(r);
  return r;
}

/** An outgoing call answered by the peer; `dialog` is the peer's side. */
async function outgoing(r: CallRig, okHeaders: Array<[string, string]> = []) {
  const s = r.agent.dial(r.line, '102');
  await r.flush();
  const invite = r.requests('INVITE')[0]!;
  await r.respond(invite, 200, { toTag: 'callee', body: fakeSdp(), headers: okHeaders });
  return { s, invite, dialog: r.peerDialog(invite, 'callee') };
}

/** An incoming call answered here and ACKed by the peer. */
async function incoming(r: CallRig, inviteHeaders: Array<[string, string]> = []) {
  const invite = r.invite({ headers: inviteHeaders });
  await r.send(invite);
  const s = r.incoming.at(-1)!;
  await s.answer();
  await r.flush();
  const ok = r.responses('INVITE', 200).at(-1)!;
  const dialog = r.peerDialog(ok, invite);
  await r.send(r.inDialog(dialog, 'ACK', { cseq: invite.cseq.seq }));
  return { s, invite, ok, dialog };
}

describe('CallAgent: hold and resume by re-INVITE (RFC 3264 §8.4)', () => {
  it('offers sendonly to hold and sendrecv to resume', async () => {
    const r = await rig();
    const { s } = await outgoing(r);
    const held = s.hold();
    await r.flush();
    const reinvite = r.requests('INVITE')[1]!;
    expect(reinvite.to.params.tag).toBe('callee');
    expect(reinvite.bodyText).toContain('a=sendonly');
    await r.respond(reinvite, 200, { body: fakeSdp('recvonly') });
    expect(await held).toEqual({ ok: true });
    expect(s.localHold).toBe(true);
    expect(r.requests('ACK').at(-1)!.cseq.seq).toBe(reinvite.cseq.seq);
    const resumed = s.resume();
    await r.flush();
    expect(r.requests('INVITE')[2]!.bodyText).toContain('a=sendrecv');
    await r.respond(r.requests('INVITE')[2]!, 200, { body: fakeSdp('sendrecv') });
    expect(await resumed).toEqual({ ok: true });
    expect(s.localHold).toBe(false);
  });

  it('answers the far end holding us recvonly and sets remoteHold; UPDATE works the same; no-SDP re-INVITE gets our offer', async () => {
    const r = await rig();
    const { s, dialog } = await incoming(r);
    const changes: boolean[] = [];
    s.onChange((x) => changes.push(x.remoteHold));
    const reinvite = r.inDialog(dialog, 'INVITE', { body: fakeSdp('sendonly') });
    await r.send(reinvite);
    const ok = r.responses('INVITE', 200).at(-1)!;
    expect(ok.cseq.seq).toBe(reinvite.cseq.seq);
    expect(ok.bodyText).toContain('a=recvonly');
    expect(s.remoteHold).toBe(true);
    expect(changes).toContain(true);
    await r.send(r.inDialog(dialog, 'ACK', { cseq: reinvite.cseq.seq }));

    await r.send(r.inDialog(dialog, 'UPDATE', { body: fakeSdp('sendrecv') }));
    expect(r.responses('UPDATE', 200)[0]!.bodyText).toContain('a=sendrecv');
    expect(s.remoteHold).toBe(false);

    const bare = r.inDialog(dialog, 'INVITE');
    await r.send(bare);
    const offer = r.responses('INVITE', 200).at(-1)!;
    expect(offer.cseq.seq).toBe(bare.cseq.seq);
    expect(offer.bodyText).toContain('a=sendrecv');
    await r.send(r.inDialog(dialog, 'ACK', { cseq: bare.cseq.seq, body: fakeSdp('inactive') }));
    expect(s.remoteHold).toBe(true);
  });
});

describe('CallAgent: glare (RFC 3261 §14.1, §14.2)', () => {
  it('retries after 491 between 2.1 and 4 s when we own the Call-ID', async () => {
    const r = await rig();
    const { s } = await outgoing(r);
    const held = s.hold();
    await r.flush();
    await r.respond(r.requests('INVITE')[1]!, 491);
    const cseqs = (): number => new Set(r.requests('INVITE').map((i) => i.cseq.seq)).size;
    await r.advance(2000);
    expect(cseqs()).toBe(2);
    await r.advance(2000);
    expect(cseqs()).toBe(3);
    await r.respond(r.requests('INVITE').at(-1)!, 200, { body: fakeSdp('recvonly') });
    expect(await held).toEqual({ ok: true });
  });

  it('retries after 491 within 0–2 s when the far end owns the Call-ID', async () => {
    const r = await rig();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { s } = await incoming(r);
    const held = s.hold();
    await r.flush();
    const first = r.requests('INVITE')[0]!;
    await r.respond(first, 491);
    await r.advance(1900);
    expect(r.requests('INVITE')).toHaveLength(1);
    await r.advance(100);
    expect(r.requests('INVITE')).toHaveLength(2);
    await r.respond(r.requests('INVITE')[1]!, 200, { body: fakeSdp('recvonly') });
    expect(await held).toEqual({ ok: true });
  });

  it('answers 491 to a re-INVITE while ours is pending, and 500 with Retry-After while the last one is not ACKed', async () => {
    const r = await rig();
    const { s, dialog } = await outgoing(r);
    const held = s.hold();
    await r.flush();
    await r.send(r.inDialog(dialog, 'INVITE', { body: fakeSdp('sendonly') }));
    expect(r.responses('INVITE', 491)).toHaveLength(1);
    await r.respond(r.requests('INVITE')[1]!, 200, { body: fakeSdp('recvonly') });
    await held;
    await r.send(r.inDialog(dialog, 'INVITE', { body: fakeSdp() }));
    await r.send(r.inDialog(dialog, 'INVITE', { body: fakeSdp() }));
    const busy = r.responses('INVITE', 500)[0]!;
    expect(Number(busy.get('Retry-After'))).toBeLessThanOrEqual(10);
  });
});

describe('CallAgent: session timers (RFC 4028)', () => {
  it('refreshes at half the interval when we are the refresher', async () => {
    const r = await rig();
    const { s } = await outgoing(r, [['Session-Expires', '120;refresher=uac'], ['Require', 'timer']]);
    expect(r.requests('INVITE')[0]!.get('Session-Expires')).toBe('1800');
    await r.advance(59_900, 1000);
    expect(r.requests('INVITE')).toHaveLength(1);
    await r.advance(200);
    const refresh = r.requests('INVITE')[1]!;
    expect(refresh.get('Session-Expires')).toBe('120;refresher=uac');
    await r.respond(refresh, 200, { body: fakeSdp(), headers: [['Session-Expires', '120;refresher=uac'], ['Allow', 'INVITE, ACK, BYE, UPDATE']] });
    await r.advance(60_000, 1000);
    const update = r.requests('UPDATE')[0]!;
    expect(update.body.length).toBe(0);
    await r.respond(update, 200, { headers: [['Session-Expires', '120;refresher=uac']] });
    expect(s.state).toBe('connected');
  });

  it('sends BYE when the far end fails to refresh, min(32 s, SE/3) before expiry', async () => {
    const r = await rig();
    const { s, dialog } = await incoming(r, [['Session-Expires', '90'], ['Supported', 'timer']]);
    const ok = r.responses('INVITE', 200)[0]!;
    expect(ok.get('Session-Expires')).toBe('90;refresher=uac');
    expect(ok.get('Require')).toBe('timer');
    await r.advance(40_000, 1000);
    await r.send(r.inDialog(dialog, 'UPDATE', { headers: [['Session-Expires', '90;refresher=uac']] }));
    expect(r.responses('UPDATE', 200)[0]!.get('Session-Expires')).toBe('90;refresher=uac');
    await r.advance(59_900, 1000);
    expect(r.requests('BYE')).toHaveLength(0);
    await r.advance(200);
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toMatchObject({ cause: 'failed', reason: 'session expired' });
  });

  it('retries once after 422 with the Min-SE asked for', async () => {
    const r = await rig();
    r.agent.dial(r.line, '102');
    await r.flush();
    await r.respond(r.requests('INVITE')[0]!, 422, { toTag: 'x', headers: [['Min-SE', '1900']] });
    const retry = r.requests('INVITE')[1]!;
    expect([retry.get('Session-Expires'), retry.get('Min-SE')]).toEqual(['1900', '1900']);
  });
});

describe('CallAgent: Replaces (RFC 3891)', () => {
  it('answers a Replaces INVITE for a confirmed call at once and ends the old call with BYE, cause replaced', async () => {
    const r = await rig();
    const { s: old, invite, ok } = await incoming(r);
    const replaces = `${invite.callId};to-tag=${ok.to.params.tag};from-tag=${invite.from.params.tag}`;
    await r.send(r.invite({ headers: [['Replaces', replaces]] }));
    const fresh = r.incoming.at(-1)!;
    expect(fresh).not.toBe(old);
    expect(fresh.replaces).toBe(old.id);
    expect(fresh.state).toBe('connected');
    expect(r.responses('INVITE', 180)).toHaveLength(1);
    expect(r.requests('BYE')).toHaveLength(1);
    expect(old.end).toMatchObject({ cause: 'replaced' });
  });

  it('refuses early-only for a confirmed dialog with 486, an unknown dialog with 481, and replaces an early outgoing call with CANCEL', async () => {
    const r = await rig();
    const { invite, ok } = await incoming(r);
    await r.send(r.invite({ headers: [['Replaces', `${invite.callId};to-tag=${ok.to.params.tag};from-tag=${invite.from.params.tag};early-only`]] }));
    await r.send(r.invite({ headers: [['Replaces', 'nope;to-tag=a;from-tag=b']] }));
    expect(r.responses('INVITE').filter((x) => x.status >= 400).map((x) => x.status)).toEqual([486, 481]);

    const out = r.agent.dial(r.line, '103');
    await r.flush();
    const ours = r.requests('INVITE').at(-1)!;
    await r.respond(ours, 180, { toTag: 'early' });
    // The far end's view of the early dialog: its tag is the To tag.
    await r.send(r.invite({ headers: [['Replaces', `${ours.callId};to-tag=early;from-tag=${ours.from.params.tag}`]] }));
    expect(r.incoming.at(-1)!.replaces).toBe(out.id);
    expect(r.requests('CANCEL')).toHaveLength(1);
    await r.respond(ours, 487, { toTag: 'early' });
    expect(out.end).toMatchObject({ cause: 'replaced' });
  });
});

describe('CallAgent: the user agent', () => {
  it('advertises the call methods in OPTIONS and 405 while it runs, and stops taking INVITEs after close', async () => {
    const r = await rig();
    const { s } = await incoming(r);
    expect(r.stack.core.allow).toContain('UPDATE');
    r.agent.close();
    await r.flush();
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toMatchObject({ cause: 'local-hangup' });
    expect(r.stack.core.allow).not.toContain('UPDATE');
    await r.send(r.invite());
    expect(r.responses('INVITE', 405)).toHaveLength(1);
    // Every session timer is gone (the transaction layer's own timers run out by themselves).
    expect((s as InviteSession).timers.size).toBe(0);
  });
});

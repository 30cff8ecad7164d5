import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '../../message';
import { callRig, type CallRig } from '../testing/call-rig';
import { fakeSdp } from '../testing/fake-session-description-handler';
import { parseDialTarget } from './dial-target';
import { DialTargetError } from './call-session-api';

const rigs: CallRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(...args: Parameters<typeof callRig>): Promise<CallRig> {
  const r = await callRig(...args);
  rigs.push(r);
  return r;
}

describe('parseDialTarget', () => {
  it.each([
    ['102', 'sip:102@test.local'],
    ['+49 30 1234-5', 'sip:+493012345@test.local'],
    ['(030) 123.45', 'sip:03012345@test.local'],
    ['sip:102@pbx.example', 'sip:102@pbx.example'],
    ['sips:102@pbx.example', 'sips:102@pbx.example'],
    ['tel:+49-30-123', 'sip:+4930123@test.local;user=phone'],
    ['102@pbx.example', 'sip:102@pbx.example'],
  ])('%s → %s', (target, uri) => {
    expect(parseDialTarget(target, 'test.local')).toBe(uri);
  });

  it.each(['', '   ', 'hello world!', 'sip:', 'tel:abc', 'a\r\nb', '<sip:1@x>'])('refuses %j with a typed error', (target) => {
    expect(() => parseDialTarget(target, 'test.local')).toThrow(DialTargetError);
  });
});

describe('CallAgent: outgoing calls (RFC 3261 §13.2)', () => {
  it('sends the INVITE with offer and headers, rings on 180, connects on 2xx, ACKs every 2xx retransmission, hangs up with BYE', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '+49 30 1234-5');
    const changes: string[] = [];
    s.onChange((x) => changes.push(x.state));
    await r.flush();
    const [invite] = r.requests('INVITE');
    expect(invite!.uri).toBe('sip:+493012345@test.local');
    expect(invite!.getAll('Supported').join(', ')).toBe('replaces, timer, 100rel');
    expect(invite!.getAll('Allow')).toContain('UPDATE');
    expect(invite!.get('Contact')).toBe('<sip:200@127.0.0.1:5070>');
    expect(invite!.get('From')).toMatch(/^"Reception" <sip:200@test.local>;tag=/);
    expect(invite!.bodyText).toContain('a=sendrecv');
    expect(s.state).toBe('dialling');

    await r.respond(invite!, 100);
    expect(s.state).toBe('dialling');
    await r.respond(invite!, 180, { toTag: 'a' });
    expect(s.state).toBe('ringing');
    await r.respond(invite!, 200, { toTag: 'a', body: fakeSdp() });
    expect(s.state).toBe('connected');
    expect(s.answeredAt).toBeDefined();
    const media = r.media.handlers[0]!;
    expect(media.started).toBe(true);
    expect(media.applied).toHaveLength(1);
    expect(r.requests('ACK')).toHaveLength(1);
    expect(r.requests('ACK')[0]!.cseq).toEqual({ seq: invite!.cseq.seq, method: 'ACK' });

    // §13.2.2.4: each retransmitted 2xx gets the ACK again.
    await r.respond(invite!, 200, { toTag: 'a', body: fakeSdp() });
    await r.respond(invite!, 200, { toTag: 'a', body: fakeSdp() });
    expect(r.requests('ACK')).toHaveLength(3);
    expect(r.requests('BYE')).toHaveLength(0);

    s.hangup();
    await r.flush();
    const [bye] = r.requests('BYE');
    expect(bye!.to.params.tag).toBe('a');
    await r.respond(bye!, 200);
    expect(s.end).toEqual({ cause: 'local-hangup' });
    expect(media.closed).toBe(true);
    expect(changes).toEqual(['ringing', 'connected', 'ended']);
    expect(r.agent.sessions()).toHaveLength(0);
  });

  it('answers a 407 once with the line credentials, and again a 401 on the BYE', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const challenge = 'Digest realm="test.local", nonce="n1", qop="auth", algorithm=MD5';
    await r.respond(r.requests('INVITE')[0]!, 407, { toTag: 'x', headers: [['Proxy-Authenticate', challenge]] });
    const invites = r.requests('INVITE');
    expect(invites).toHaveLength(2);
    expect(invites[1]!.get('Proxy-Authorization')).toMatch(/username="200"/);
    expect(invites[1]!.cseq.seq).toBe(invites[0]!.cseq.seq + 1);
    await r.respond(invites[1]!, 200, { toTag: 'b', body: fakeSdp() });
    expect(r.requests('ACK').at(-1)!.get('Proxy-Authorization')).toBe(invites[1]!.get('Proxy-Authorization'));
    s.hangup();
    await r.flush();
    await r.respond(r.requests('BYE')[0]!, 401, { headers: [['WWW-Authenticate', challenge.replace('n1', 'n2')]] });
    expect(r.requests('BYE')).toHaveLength(2);
    expect(r.requests('BYE')[1]!.get('Authorization')).toMatch(/nonce="n2"/);
    // A second challenge to the same INVITE is not answered again: rejected credentials end the call.
    const t = r.agent.dial(r.line, '103');
    await r.flush();
    const first = r.requests('INVITE').at(-1)!;
    await r.respond(first, 407, { toTag: 'y', headers: [['Proxy-Authenticate', challenge.replace('n1', 'n3')]] });
    const second = r.requests('INVITE').at(-1)!;
    expect(second).not.toBe(first);
    await r.respond(second, 407, { toTag: 'z', headers: [['Proxy-Authenticate', challenge.replace('n1', 'n4')]] });
    expect(t.end).toMatchObject({ cause: 'failed', sipStatus: 407 });
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [404, 'not-found'],
    [484, 'not-found'],
    [604, 'not-found'],
    [408, 'no-answer'],
    [480, 'no-answer'],
    [487, 'no-answer'],
    [500, 'failed'],
  ])('maps a final %i to %s, keeping status and Reason text', async (status, cause) => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    await r.respond(r.requests('INVITE')[0]!, status, { toTag: 't', headers: [['Reason', 'Q.850;cause=17;text="User busy"']] });
    expect(s.end).toMatchObject({ cause, sipStatus: status });
    expect(s.end!.reason).toMatch(new RegExp(`^${status} .*\\(User busy\\)$`));
    expect(r.media.handlers[0]!.closed).toBe(true);
  });

  it('forks: two early dialogs, the first 2xx wins, a later 2xx from the other fork is ACKed and BYEd', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    await r.respond(invite, 180, { toTag: 'fork1' });
    await r.respond(invite, 180, { toTag: 'fork2' });
    expect(s.state).toBe('ringing');
    await r.respond(invite, 200, { toTag: 'fork1', body: fakeSdp() });
    expect(s.state).toBe('connected');
    await r.respond(invite, 200, { toTag: 'fork2', body: fakeSdp() });
    const acks = r.requests('ACK');
    expect(acks.map((a) => a.to.params.tag)).toEqual(['fork1', 'fork2']);
    const byes = r.requests('BYE');
    expect(byes.map((b) => b.to.params.tag)).toEqual(['fork2']);
    expect(s.state).toBe('connected');
    // The losing fork's 2xx retransmitted: ACKed again, not BYEd again.
    await r.respond(invite, 200, { toTag: 'fork2', body: fakeSdp() });
    expect(r.requests('ACK')).toHaveLength(3);
    expect(r.requests('BYE')).toHaveLength(1);
  });

  it('applies the first 183 answer as early media, PRACKs a reliable provisional once per RSeq', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    const reliable: Array<[string, string]> = [['Require', '100rel'], ['RSeq', '7']];
    await r.respond(invite, 183, { toTag: 'e', headers: reliable, body: fakeSdp() });
    expect(s.state).toBe('early');
    await r.respond(invite, 183, { toTag: 'e', headers: reliable, body: fakeSdp() });
    const pracks = r.requests('PRACK');
    expect(pracks).toHaveLength(1);
    expect(pracks[0]!.get('RAck')).toBe(`7 ${invite.cseq.seq} INVITE`);
    expect(pracks[0]!.to.params.tag).toBe('e');
    expect(r.media.handlers[0]!.applied).toHaveLength(1);
    await r.respond(pracks[0]!, 200);
    await r.respond(invite, 183, { toTag: 'e', headers: [['Require', '100rel'], ['RSeq', '8']], body: fakeSdp() });
    expect(r.requests('PRACK')).toHaveLength(2);
  });

  it('holds the CANCEL until a provisional arrives (§9.1), then ends local-hangup on the 487', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    s.hangup();
    await r.flush();
    expect(r.requests('CANCEL')).toHaveLength(0);
    await r.respond(invite, 180, { toTag: 'c' });
    const [cancel] = r.requests('CANCEL');
    expect(cancel!.vias[0]!.branch).toBe(invite.vias[0]!.branch);
    await r.respond(cancel!, 200);
    await r.respond(invite, 487, { toTag: 'c' });
    expect(s.end).toMatchObject({ cause: 'local-hangup' });
  });

  it('CANCEL racing a 200 (200 after CANCEL): ACK, then BYE', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    await r.respond(invite, 180, { toTag: 'c' });
    s.hangup();
    await r.flush();
    expect(r.requests('CANCEL')).toHaveLength(1);
    await r.respond(invite, 200, { toTag: 'c', body: fakeSdp() });
    await r.respond(r.requests('CANCEL')[0]!, 481);
    expect(r.requests('ACK')).toHaveLength(1);
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toMatchObject({ cause: 'local-hangup' });
  });

  it('CANCEL racing a 200 (200 before the CANCEL went out): the answered call is ended with BYE', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    // The 200 is on the wire when the user hangs up; the hangup is handled before it arrives.
    r.net.setFilter(() => true);
    await r.send(createResponse(invite, 200, 'OK', { toTag: 'c', headers: [['Contact', '<sip:peer@127.0.0.1:5060>'], ['Content-Type', 'application/sdp']], body: fakeSdp() }));
    expect(s.state).toBe('connected');
    s.hangup();
    await r.flush();
    expect(r.requests('CANCEL')).toHaveLength(0);
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toMatchObject({ cause: 'local-hangup' });
  });

  it('CANCELs after the ring timeout and reports no-answer', async () => {
    const r = await rig({ ringTimeoutMs: 30_000 });
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    await r.respond(invite, 180, { toTag: 'r' });
    await r.advance(29_900, 1000);
    expect(r.requests('CANCEL')).toHaveLength(0);
    await r.advance(200);
    expect(r.requests('CANCEL')).toHaveLength(1);
    await r.respond(invite, 487, { toTag: 'r' });
    expect(s.end).toMatchObject({ cause: 'no-answer' });
    expect(r.clock.pending).toBeGreaterThanOrEqual(0);
  });

  it('takes the far identity from P-Asserted-Identity in responses, else the To', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    expect(s.far).toEqual({ number: '102', uri: 'sip:102@test.local' });
    await r.flush();
    await r.respond(r.requests('INVITE')[0]!, 180, { toTag: 'p', headers: [['P-Asserted-Identity', '"Bob \\"B\\"" <sip:102@test.local>']] });
    expect(s.far).toEqual({ name: 'Bob "B"', number: '102', uri: 'sip:102@test.local' });
  });

  it('sends DTMF through the media when negotiated, else one INFO per digit', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    await r.respond(r.requests('INVITE')[0]!, 200, { toTag: 'd', body: fakeSdp() });
    const pending = s.sendDtmf('5#');
    await r.flush();
    let infos = r.requests('INFO');
    expect(infos).toHaveLength(1);
    expect(infos[0]!.get('Content-Type')).toBe('application/dtmf-relay');
    expect(infos[0]!.bodyText).toBe('Signal=5\r\nDuration=160\r\n');
    await r.respond(infos[0]!, 200);
    infos = r.requests('INFO');
    expect(infos[1]!.bodyText).toBe('Signal=#\r\nDuration=160\r\n');
    await r.respond(infos[1]!, 200);
    expect(await pending).toEqual({ ok: true });
    r.media.handlers[0]!.telephoneEvent = true;
    expect(await s.sendDtmf('12')).toEqual({ ok: true });
    expect(r.media.handlers[0]!.dtmf).toEqual(['1', '2']);
    expect(await s.sendDtmf('x')).toMatchObject({ ok: false });
  });

  it('answers an incoming BYE 200 and ends remote-hangup; later requests in the dialog get 481', async () => {
    const r = await rig();
    const s = r.agent.dial(r.line, '102');
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    await r.respond(invite, 200, { toTag: 'b', body: fakeSdp() });
    const dialog = r.peerDialog(invite, 'b');
    await r.send(r.inDialog(dialog, 'INFO', { headers: [['Content-Type', 'application/dtmf-relay']] }));
    expect(r.responses('INFO', 200)).toHaveLength(1);
    await r.send(r.inDialog(dialog, 'BYE'));
    expect(r.responses('BYE', 200)).toHaveLength(1);
    expect(s.end).toEqual({ cause: 'remote-hangup' });
    expect(r.media.handlers[0]!.closed).toBe(true);
    await r.send(r.inDialog(dialog, 'INFO'));
    expect(r.responses('INFO', 481)).toHaveLength(1);
  });
});

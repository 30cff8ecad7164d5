import { afterEach, describe, expect, it } from 'vitest';
import { createRequest, newBranch, type SipRequest } from '../../message';
import { callRig, type CallRig } from '../testing/call-rig';
import { fakeSdp, FakeSessionDescriptionHandler } from '../testing/fake-session-description-handler';
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

/** The CANCEL for `invite` (RFC 3261 §9.1), optionally with a Reason. */
function cancelFor(invite: SipRequest, reason?: string): SipRequest {
  const headers: Array<[string, string]> = [
    ['Via', invite.getAll('Via')[0]!],
    ['Max-Forwards', '70'],
    ['From', invite.get('From')!],
    ['To', invite.get('To')!],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} CANCEL`],
  ];
  if (reason) headers.push(['Reason', reason]);
  return createRequest({ method: 'CANCEL', uri: invite.uri, headers });
}

describe('CallAgent: incoming calls (RFC 3261 §13.3)', () => {
  it('rings with our To tag and Contact, reports the call, answers 200 with the SDP answer and stops on the ACK', async () => {
    const r = await rig();
    const invite = r.invite();
    await r.send(invite);
    const [ringing] = r.responses('INVITE', 180);
    expect(ringing!.to.params.tag).toBeTruthy();
    expect(ringing!.get('Contact')).toBe('<sip:200@127.0.0.1:5070>');
    expect(r.incoming).toHaveLength(1);
    const s = r.incoming[0]!;
    expect([s.state, s.direction, s.line]).toEqual(['ringing', 'incoming', 1]);
    expect(s.far).toEqual({ name: 'Alice', number: '101', uri: 'sip:101@test.local' });

    expect(await s.answer()).toEqual({ ok: true });
    await r.flush();
    const [ok] = r.responses('INVITE', 200);
    expect(ok!.to.params.tag).toBe(ringing!.to.params.tag);
    expect(ok!.bodyText).toContain('a=sendrecv');
    expect(ok!.getAll('Supported').join(', ')).toBe('replaces, timer, 100rel');
    expect(s.state).toBe('connected');
    expect(r.media.handlers[0]!.started).toBe(true);
    const dialog = r.peerDialog(ok!, invite);
    await r.send(r.inDialog(dialog, 'ACK', { cseq: invite.cseq.seq }));
    await r.advance(40_000, 500);
    expect(r.responses('INVITE', 200)).toHaveLength(1);
    expect(s.state).toBe('connected');

    await r.send(r.inDialog(dialog, 'BYE'));
    expect(r.responses('BYE', 200)).toHaveLength(1);
    expect(s.end).toEqual({ cause: 'remote-hangup' });
    expect(r.media.handlers[0]!.closed).toBe(true);
  });

  it('copies the Record-Route of the INVITE into the 180 and the 200, in order (RFC 3261 §12.1.1)', async () => {
    const r = await rig();
    const base = r.invite();
    const headers: Array<[string, string]> = [];
    for (const name of ['Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Type'])
      for (const value of base.getAll(name)) headers.push([name, value]);
    headers.push(['Record-Route', '<sip:127.0.0.2;lr>'], ['Record-Route', '<sip:127.0.0.1:5060;lr>']);
    const invite = createRequest({ method: 'INVITE', uri: base.uri, headers, body: base.bodyText });
    await r.send(invite);
    expect(r.responses('INVITE', 180)[0]!.getAll('Record-Route')).toEqual(['<sip:127.0.0.2;lr>', '<sip:127.0.0.1:5060;lr>']);
    expect(await r.incoming[0]!.answer()).toEqual({ ok: true });
    await r.flush();
    expect(r.responses('INVITE', 200)[0]!.getAll('Record-Route')).toEqual(['<sip:127.0.0.2;lr>', '<sip:127.0.0.1:5060;lr>']);
  });

  it('retransmits the 2xx at T1, 2·T1, 4·T1 … capped at T2 until 64·T1, then sends BYE and ends failed', async () => {
    const r = await rig();
    await r.send(r.invite());
    const s = r.incoming[0]!;
    await s.answer();
    await r.flush();
    const times: number[] = [];
    for (let t = 0; t <= 32_000; t += 50) {
      const before = r.responses('INVITE', 200).length;
      r.clock.advance(t === 0 ? 0 : 50);
      await r.flush();
      if (r.responses('INVITE', 200).length > before) times.push(r.clock.now());
    }
    expect(times.slice(0, 5)).toEqual([500, 1500, 3500, 7500, 11_500]);
    expect(r.requests('BYE')).toHaveLength(1);
    expect(s.end).toMatchObject({ cause: 'failed', reason: 'no ACK for our 200 OK' });
  });

  it('stops retransmitting the 2xx when a late ACK arrives', async () => {
    const r = await rig();
    const invite = r.invite();
    await r.send(invite);
    const s = r.incoming[0]!;
    await s.answer();
    await r.advance(4000);
    expect(r.responses('INVITE', 200)).toHaveLength(4);
    const dialog = r.peerDialog(r.responses('INVITE', 200)[0]!, invite);
    await r.send(r.inDialog(dialog, 'ACK', { cseq: invite.cseq.seq }));
    await r.advance(40_000, 1000);
    expect(r.responses('INVITE', 200)).toHaveLength(4);
    expect(s.state).toBe('connected');
    expect(r.requests('BYE')).toHaveLength(0);
  });

  it('answers 486 when the line is busy and 404 when no line takes the INVITE', async () => {
    const busy = await rig();
    busy.busy.value = true;
    await busy.send(busy.invite());
    expect(busy.responses('INVITE', 486)).toHaveLength(1);
    expect(busy.incoming).toHaveLength(0);
    const none = await rig({ noLine: true });
    await none.send(none.invite());
    expect(none.responses('INVITE', 404)).toHaveLength(1);
  });

  it('a CANCEL before the answer: 200 to the CANCEL, 487 to the INVITE, a missed call', async () => {
    const r = await rig();
    const invite = r.invite();
    await r.send(invite);
    const s = r.incoming[0]!;
    await r.send(cancelFor(invite));
    expect(r.responses('CANCEL', 200)).toHaveLength(1);
    expect(r.responses('INVITE', 487)).toHaveLength(1);
    expect(s.end).toEqual({ cause: 'missed' });
    expect(r.media.handlers[0]!.closed).toBe(true);
    expect(await s.answer()).toMatchObject({ ok: false });
  });

  it('a CANCEL with Reason: SIP;cause=200 is answered elsewhere (RFC 3326)', async () => {
    const r = await rig();
    const invite = r.invite();
    await r.send(invite);
    await r.send(cancelFor(invite, 'SIP;cause=200;text="Call completed elsewhere"'));
    expect(r.incoming[0]!.end).toMatchObject({ cause: 'answered-elsewhere' });
  });

  it('answers a CANCEL for an unknown INVITE 481', async () => {
    const r = await rig();
    await r.send(cancelFor(r.invite()));
    expect(r.responses('CANCEL', 481)).toHaveLength(1);
  });

  it('answers 488 when the offer has no common codec', async () => {
    const r = await rig({ createMedia: () => Object.assign(new FakeSessionDescriptionHandler('127.0.0.1'), { failAnswer: true }) });
    await r.send(r.invite());
    expect(r.responses('INVITE', 488)).toHaveLength(1);
    expect(r.incoming).toHaveLength(0);
  });

  it('rejects 603 by default, 486 when told, or redirects 302 to voicemail', async () => {
    const r = await rig();
    await r.send(r.invite());
    r.incoming[0]!.reject();
    await r.send(r.invite());
    r.incoming[1]!.reject({ status: 486 });
    await r.send(r.invite());
    r.incoming[2]!.reject({ redirectTo: '800' });
    await r.flush();
    expect(r.responses('INVITE').filter((x) => x.status >= 300).map((x) => x.status)).toEqual([603, 486, 302]);
    expect(r.responses('INVITE', 302)[0]!.get('Contact')).toBe('<sip:800@test.local>');
    expect(r.incoming.map((s) => s.end?.cause)).toEqual(['rejected', 'rejected', 'rejected']);
    await r.send(r.invite());
    expect(() => r.incoming[3]!.reject({ redirectTo: 'not a target!' })).toThrow(DialTargetError);
  });

  it('an INVITE without offer: our offer in the 200, the answer from the ACK', async () => {
    const r = await rig();
    const invite = r.invite({ body: null });
    await r.send(invite);
    const s = r.incoming[0]!;
    await s.answer();
    await r.flush();
    const ok = r.responses('INVITE', 200)[0]!;
    expect(ok.bodyText).toContain('a=sendrecv');
    expect(r.media.handlers[0]!.started).toBe(false);
    await r.send(r.inDialog(r.peerDialog(ok, invite), 'ACK', { cseq: invite.cseq.seq, body: fakeSdp('sendonly') }));
    expect(r.media.handlers[0]!.applied).toHaveLength(1);
    expect(r.media.handlers[0]!.started).toBe(true);
    expect(s.remoteHold).toBe(true);
  });

  it('sends 180 reliably when the caller requires 100rel and retransmits it until the PRACK', async () => {
    const r = await rig();
    const invite = r.invite({ headers: [['Require', '100rel']] });
    await r.send(invite);
    const first = r.responses('INVITE', 180)[0]!;
    expect(first.get('Require')).toBe('100rel');
    const rseq = first.get('RSeq')!;
    await r.advance(1600);
    expect(r.responses('INVITE', 180)).toHaveLength(3);
    const dialog = r.peerDialog(first, invite);
    await r.send(r.inDialog(dialog, 'PRACK', { headers: [['RAck', `${rseq} ${invite.cseq.seq} INVITE`]] }));
    expect(r.responses('PRACK', 200)).toHaveLength(1);
    await r.advance(10_000, 500);
    expect(r.responses('INVITE', 180)).toHaveLength(3);
    await r.send(r.inDialog(dialog, 'PRACK', { headers: [['RAck', `999 ${invite.cseq.seq} INVITE`]] }));
    expect(r.responses('PRACK', 481)).toHaveLength(1);
  });

  it('takes the far identity from PAI, then Remote-Party-ID, then From; malformed values are skipped', async () => {
    const r = await rig();
    await r.send(r.invite({ headers: [['Remote-Party-ID', '"R" <sip:301@x>;party=calling'], ['P-Asserted-Identity', '"P" <sip:401@x>, <tel:+49401>']] }));
    await r.send(r.invite({ headers: [['Remote-Party-ID', '"R" <sip:301@x>;party=calling']] }));
    await r.send(r.invite({ headers: [['P-Asserted-Identity', '"broken <sip:']] }));
    await r.send(r.invite({ from: '"A \\"B\\"" <sip:%2B49@x>' }));
    expect(r.incoming.map((s) => s.far)).toEqual([
      { name: 'P', number: '401', uri: 'sip:401@x' },
      { name: 'R', number: '301', uri: 'sip:301@x' },
      { name: 'Alice', number: '101', uri: 'sip:101@test.local' },
      { name: 'A "B"', number: '+49', uri: 'sip:%2B49@x' },
    ]);
    expect(r.guard.internalErrors).toBe(0);
  });

  it('refuses malformed INVITEs without crashing: 400 without From tag, 420 for unknown Require, 422 for a short Session-Expires', async () => {
    const r = await rig();
    const noTag = createRequest({
      method: 'INVITE',
      uri: 'sip:200@127.0.0.1:5070',
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=${newBranch()}`],
        ['From', '<sip:101@test.local>'],
        ['To', '<sip:200@test.local>'],
        ['Call-ID', 'no-tag'],
        ['CSeq', '1 INVITE'],
      ],
    });
    await r.send(noTag);
    await r.send(r.invite({ headers: [['Require', 'foo']] }));
    await r.send(r.invite({ headers: [['Session-Expires', '30']] }));
    await r.send(r.invite({ headers: [['Replaces', 'garbage']] }));
    expect(r.responses('INVITE').map((x) => x.status)).toEqual([400, 420, 422, 400]);
    expect(r.responses('INVITE', 420)[0]!.get('Unsupported')).toBe('foo');
    expect(r.responses('INVITE', 422)[0]!.get('Min-SE')).toBe('90');
    expect(r.guard.internalErrors).toBe(0);
  });
});

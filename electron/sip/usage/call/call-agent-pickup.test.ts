import { afterEach, describe, expect, it } from 'vitest';
import { callRig, type CallRig } from '../testing/call-rig';
import { fakeSdp } from '../testing/fake-session-description-handler';
import { DialTargetError } from './call-session-api';
import { replacesFromDialogInfo } from './replaces';

const rigs: CallRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(): Promise<CallRig> {
  const r = await callRig();
  rigs.push(r);
  return r;
}

describe('CallAgent.dial with Replaces: directed pickup (RFC 3891 §3, §6.1)', () => {
  it('sends the INVITE to the ringing dialog’s remote target with Replaces and Require, To staying the target', async () => {
    const r = await rig();
    const replaces = replacesFromDialogInfo({ callId: 'ring-1@10.0.0.1', localTag: 'callee-tag', remoteTag: 'caller-tag', direction: 'recipient' })!;
    const s = r.agent.dial(r.line, '102', { replaces, requestUri: 'sip:101@10.0.0.1:5060;transport=udp' });
    await r.flush();
    const invite = r.requests('INVITE')[0]!;
    expect(invite.uri).toBe('sip:101@10.0.0.1:5060;transport=udp');
    expect(invite.to.uri).toBe('sip:102@test.local');
    expect(invite.get('Replaces')).toBe('ring-1@10.0.0.1;to-tag=caller-tag;from-tag=callee-tag;early-only');
    expect(invite.get('Require')).toBe('replaces');
    expect(invite.callId).not.toBe('ring-1@10.0.0.1');
    // The caller's UA answers at once (RFC 3891 §3): the picked-up call is an ordinary connected call.
    await r.respond(invite, 200, { toTag: 'caller-new', body: fakeSdp() });
    expect(s.state).toBe('connected');
    expect(r.requests('ACK')[0]!.uri).toBe('sip:peer@127.0.0.1:5060');
  });

  it('reports a pickup that came too late by its status: 481 (no such early dialog), 486 (answered meanwhile)', async () => {
    const r = await rig();
    const replaces = { callId: 'c@h', toTag: 'a', fromTag: 'b', earlyOnly: true };
    const gone = r.agent.dial(r.line, '102', { replaces });
    const answered = r.agent.dial(r.line, '103', { replaces });
    await r.flush();
    const [first, second] = r.requests('INVITE');
    expect(first!.uri).toBe('sip:102@test.local');
    await r.respond(first!, 481, { toTag: 'x' });
    await r.respond(second!, 486, { toTag: 'y' });
    expect(gone.end).toMatchObject({ cause: 'failed', sipStatus: 481 });
    expect(answered.end).toMatchObject({ cause: 'busy', sipStatus: 486 });
  });

  it('sends neither header without replaces, and refuses unusable ids or Request-URI with DialTargetError', async () => {
    const r = await rig();
    r.agent.dial(r.line, '102');
    await r.flush();
    const plain = r.requests('INVITE')[0]!;
    expect(plain.has('Replaces')).toBe(false);
    expect(plain.has('Require')).toBe(false);
    expect(() => r.agent.dial(r.line, '102', { replaces: { callId: 'c', toTag: 'a;b', fromTag: 'f' } })).toThrow(DialTargetError);
    expect(() => r.agent.dial(r.line, '102', { requestUri: 'sip:' })).toThrow(DialTargetError);
    await r.flush();
    expect(r.requests('INVITE')).toHaveLength(1);
  });
});

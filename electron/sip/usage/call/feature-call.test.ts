import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import { FakeClock } from '../../clock';
import { EngineGuard } from '../../guard';
import { SipStack } from '../../stack';
import { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint } from '../../transport/types';
import { fakeLineContext } from '../testing/fake-line-context';
import { FakePbx } from '../testing/fake-pbx';
import { dialFeatureCode, type FeatureCallResult } from './feature-call';

const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function rig(password = 'secret') {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const pbx = new FakePbx(net, clock, { endpoint: PBX, users: { '200': 'secret' } });
  pbx.listen();
  const stack = new SipStack({ clock, transportFactory: () => net.transport(CLIENT) });
  const line = fakeLineContext(stack, { server: PBX, user: '200', password, domain: 'test.local' });
  closers.push(() => Promise.all([stack.close(), pbx.stack.close()]).then(() => undefined));
  /** Dials `code` and drives the network and the clock in `step` ms steps until the call ends. */
  const dial = async (code: string, options: { holdMs?: number; timeoutMs?: number; guard?: EngineGuard } = {}, step = 100): Promise<FeatureCallResult> => {
    let result: FeatureCallResult | undefined;
    void dialFeatureCode(line, code, { clock, ...options }).then((r) => (result = r));
    for (let i = 0; i < 400 && !result; i++) {
      for (let j = 0; j < 10; j++) await net.flush();
      clock.advance(step);
    }
    for (let j = 0; j < 10; j++) await net.flush();
    if (!result) throw new Error('the feature call never ended');
    return result;
  };
  return { clock, net, pbx, stack, line, dial };
}

describe('dialFeatureCode', () => {
  it('answers the 407, ACKs the 2xx in the dialog and hangs up with BYE after the hold', async () => {
    const { pbx, dial } = rig();
    expect(await dial('*78', { holdMs: 1500 })).toEqual({ ok: true });
    const invites = pbx.requests('INVITE');
    expect(invites).toHaveLength(2);
    expect(invites[0]!.uri).toBe('sip:*78@test.local');
    expect(invites[0]!.from.uri).toBe('sip:200@test.local');
    expect(invites[0]!.has('Proxy-Authorization')).toBe(false);
    expect(invites[1]!.get('Proxy-Authorization')).toMatch(/username="200"/);
    expect(invites[1]!.cseq.seq).toBe(invites[0]!.cseq.seq + 1);

    const sdp = parseSdp(invites[1]!.bodyText);
    expect(invites[1]!.get('Content-Type')).toBe('application/sdp');
    expect(sdp.connection?.ip).toBe('127.0.0.1');
    expect(sdp.media).toHaveLength(1);
    expect(sdp.media[0]!.type).toBe('audio');
    expect(sdp.media[0]!.rtp.map((r) => r.codec)).toEqual(['PCMU', 'PCMA']);
    expect(sdp.media[0]!.direction).toBe('sendrecv');

    const [ack] = pbx.requests('ACK');
    expect(ack).toBeDefined();
    expect(ack!.cseq).toEqual({ seq: invites[1]!.cseq.seq, method: 'ACK' });
    expect(ack!.vias[0]!.branch).not.toBe(invites[1]!.vias[0]!.branch);
    expect(ack!.to.params.tag).toBeTruthy();
    expect(ack!.get('Proxy-Authorization')).toBe(invites[1]!.get('Proxy-Authorization'));

    const [bye] = pbx.requests('BYE');
    expect(bye).toBeDefined();
    expect(bye!.callId).toBe(invites[1]!.callId);
    expect(bye!.to.params.tag).toBe(ack!.to.params.tag);
    expect(bye!.cseq.seq).toBeGreaterThan(invites[1]!.cseq.seq);
    expect(pbx.requests('CANCEL')).toHaveLength(0);
  });

  it('holds the call for holdMs before the BYE', async () => {
    const { pbx, clock, net, line } = rig();
    let result: FeatureCallResult | undefined;
    void dialFeatureCode(line, '*79', { clock, holdMs: 3000 }).then((r) => (result = r));
    const flush = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await net.flush();
    };
    await flush();
    expect(pbx.requests('ACK')).toHaveLength(1);
    clock.advance(2900);
    await flush();
    expect(pbx.requests('BYE')).toHaveLength(0);
    expect(result).toBeUndefined();
    clock.advance(100);
    await flush();
    expect(pbx.requests('BYE')).toHaveLength(1);
    expect(result).toEqual({ ok: true });
  });

  it('accepts the PBX hanging up first: answers its BYE 200 and sends none', async () => {
    const { pbx, dial } = rig();
    pbx.invite = { kind: 'answer-and-bye' };
    expect(await dial('*78', { holdMs: 5000 })).toEqual({ ok: true });
    expect(pbx.requests('BYE')).toHaveLength(0);
    expect(pbx.requests('ACK')).toHaveLength(1);
  });

  it('reports a refusal with its status', async () => {
    const { pbx, dial } = rig();
    pbx.invite = { kind: 'refuse', status: 404 };
    const result = await dial('*78');
    expect(result).toMatchObject({ ok: false, sipStatus: 404 });
    expect(pbx.requests('ACK')).toHaveLength(0);
  });

  it('reports rejected credentials without looping', async () => {
    const { pbx, dial } = rig('wrong');
    const result = await dial('*78');
    expect(result).toMatchObject({ ok: false, sipStatus: 407 });
    expect(pbx.requests('INVITE').length).toBeLessThanOrEqual(2);
  });

  it('CANCELs an INVITE that gets no final answer within timeoutMs and reports a timeout', async () => {
    const { pbx, dial } = rig();
    pbx.invite = { kind: 'ring' };
    const result = await dial('*78', { timeoutMs: 8000 });
    expect(result).toMatchObject({ ok: false, sipStatus: 408 });
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toMatch(/cancelled/);
    const [cancel] = pbx.requests('CANCEL');
    const invite = pbx.requests('INVITE').at(-1)!;
    expect(cancel).toBeDefined();
    expect(cancel!.uri).toBe(invite.uri);
    expect(cancel!.vias[0]!.branch).toBe(invite.vias[0]!.branch);
    expect(cancel!.cseq).toEqual({ seq: invite.cseq.seq, method: 'CANCEL' });
    expect(cancel!.callId).toBe(invite.callId);
    expect(pbx.requests('BYE')).toHaveLength(0);
  });

  it('resolves { ok: false } with the reason when the call fails with a bug, and reports it through the guard', async () => {
    const { pbx, stack, dial } = rig();
    const reports: string[] = [];
    const guard = new EngineGuard((message) => reports.push(message));
    vi.spyOn(stack, 'sendRequest').mockImplementationOnce(() => {
      throw new Error('boom in sendRequest');
    });
    const result = await dial('*78', { guard });
    expect(result).toEqual({ ok: false, reason: 'Feature code call failed: boom in sendRequest' });
    expect(guard.internalErrors).toBe(1);
    expect(reports[0]).toMatch(/internal error in feature code call .*boom in sendRequest/);
    // The call's timer was cleared with it: nothing is sent, not even a CANCEL, however long the clock runs.
    expect(pbx.requests('INVITE')).toHaveLength(0);
    expect(pbx.requests('CANCEL')).toHaveLength(0);
  });
});

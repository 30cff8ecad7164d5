import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '../message';
import { SipStack } from '../stack';
import type { ServerTransaction } from '../transaction';
import { FakeNetwork } from '../transport/testing/fake-network';
import { DuplicateHandlerError, RouteConflictError, type DialogUsage, type UsageRoute } from '.';

const US = { protocol: 'udp' as const, host: '127.0.0.1', port: 5070 };
const PEER = { protocol: 'udp' as const, host: '127.0.0.1', port: 5060 };

const stacks: SipStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

interface Sent {
  method: string;
  callId?: string;
  /** Our tag (the To tag); absent for an out-of-dialog request. */
  toTag?: string;
  fromTag?: string;
  event?: string;
}

/** A stack at US, and a raw peer at PEER that sends requests and collects the answers. */
async function rig() {
  const net = new FakeNetwork();
  const stack = new SipStack({ clock: new FakeClock(), transportFactory: () => net.transport(US) });
  stacks.push(stack);
  stack.listen('udp');
  const peer = net.transport(PEER);
  const flow = await peer.getFlow(US);
  const answers: SipResponse[] = [];
  peer.on('message', (data) => {
    const message = parseMessage(data);
    if (message.kind === 'response') answers.push(message);
  });
  let branch = 0;
  const send = async (r: Sent): Promise<SipResponse> => {
    const lines = [
      `${r.method} sip:200@127.0.0.1:5070 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKcore${++branch}`,
      `From: <sip:101@test.local>;tag=${r.fromTag ?? 'peer1'}`,
      `To: <sip:200@test.local>${r.toTag ? `;tag=${r.toTag}` : ''}`,
      `Call-ID: ${r.callId ?? 'call-1'}`,
      `CSeq: ${branch} ${r.method}`,
      'Max-Forwards: 70',
      ...(r.event ? [`Event: ${r.event}`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    const before = answers.length;
    flow.send(Buffer.from(lines.join('\r\n')));
    for (let i = 0; i < 5; i++) await net.flush();
    expect(answers.length).toBe(before + 1);
    return answers[answers.length - 1]!;
  };
  return { stack, core: stack.core, send };
}

/** A usage that answers 200 and records what it got. */
function usage(routes: UsageRoute[], seen: SipRequest[]): DialogUsage {
  return {
    routes,
    onRequest: (request: SipRequest, tx: ServerTransaction) => {
      seen.push(request);
      tx.respond(createResponse(request, 200, 'OK'));
    },
  };
}

describe('UserAgentCore: in-dialog requests (RFC 3261 §12.2.2)', () => {
  it('answers 481 to a request for an unknown dialog, and OPTIONS 200 as before', async () => {
    const { core, send } = await rig();
    expect((await send({ method: 'BYE', toTag: 'nobody' })).status).toBe(481);
    const notify = await send({ method: 'NOTIFY', toTag: 'nobody', event: 'dialog' });
    expect([notify.status, notify.reason]).toEqual([481, 'Subscription Does Not Exist']);
    expect((await send({ method: 'OPTIONS', toTag: 'nobody' })).status).toBe(200);
    expect(core.stats.unknownDialog).toBe(2);
  });

  it('routes two dialogs forked from one request (same Call-ID and local tag, other remote tags) separately', async () => {
    const { core, send } = await rig();
    const a: SipRequest[] = [];
    const b: SipRequest[] = [];
    core.dialogs.register({ callId: 'call-1', localTag: 'ours', remoteTag: 'forkA' }, usage([{ method: 'BYE' }], a));
    core.dialogs.register({ callId: 'call-1', localTag: 'ours', remoteTag: 'forkB' }, usage([{ method: 'BYE' }], b));
    expect((await send({ method: 'BYE', toTag: 'ours', fromTag: 'forkB' })).status).toBe(200);
    expect((await send({ method: 'BYE', toTag: 'ours', fromTag: 'forkA' })).status).toBe(200);
    expect((await send({ method: 'BYE', toTag: 'ours', fromTag: 'forkC' })).status).toBe(481);
    expect(a.map((r) => r.from.params.tag)).toEqual(['forkA']);
    expect(b.map((r) => r.from.params.tag)).toEqual(['forkB']);
  });

  it('routes a NOTIFY with Event: refer and a BYE to the same dialog to different usages (RFC 6665 §4.5.2)', async () => {
    const { core, send } = await rig();
    const session: SipRequest[] = [];
    const refer: SipRequest[] = [];
    const key = { callId: 'call-1', localTag: 'ours', remoteTag: 'peer1' };
    core.dialogs.register(key, usage([{ method: 'BYE' }, { method: 'INFO' }], session));
    core.dialogs.register(key, usage([{ method: 'NOTIFY', event: 'refer', id: '7' }], refer));
    expect((await send({ method: 'NOTIFY', toTag: 'ours', event: 'refer;id=7' })).status).toBe(200);
    expect((await send({ method: 'BYE', toTag: 'ours' })).status).toBe(200);
    // Known dialog, no usage for that Event id or method: 481 as if there were no dialog (RFC 5057 §5.1).
    expect((await send({ method: 'NOTIFY', toTag: 'ours', event: 'refer;id=8' })).status).toBe(481);
    expect((await send({ method: 'UPDATE', toTag: 'ours' })).status).toBe(481);
    expect(refer.map((r) => r.method)).toEqual(['NOTIFY']);
    expect(session.map((r) => r.method)).toEqual(['BYE']);
    expect(core.stats).toMatchObject({ inDialog: 2, noUsage: 2, unknownDialog: 0 });
  });

  it('takes NOTIFYs from any remote tag while early, and only the confirmed one after (RFC 6665 §4.1.2.4)', async () => {
    const { core, send } = await rig();
    const seen: SipRequest[] = [];
    const registration = core.dialogs.register({ callId: 'call-1', localTag: 'ours' }, usage([{ method: 'NOTIFY', event: 'dialog' }], seen));
    expect((await send({ method: 'NOTIFY', toTag: 'ours', fromTag: 'n1', event: 'Dialog' })).status).toBe(200);
    registration.confirm('n1');
    expect(registration.key.remoteTag).toBe('n1');
    expect((await send({ method: 'NOTIFY', toTag: 'ours', fromTag: 'n2', event: 'dialog' })).status).toBe(481);
    expect((await send({ method: 'NOTIFY', toTag: 'ours', fromTag: 'n1' })).status).toBe(200);
    registration.remove();
    registration.remove();
    expect(core.dialogs.size).toBe(0);
    expect((await send({ method: 'NOTIFY', toTag: 'ours', fromTag: 'n1', event: 'dialog' })).status).toBe(481);
    expect(seen).toHaveLength(2);
  });

  it('refuses two usages of one dialog taking the same requests (a typed error)', async () => {
    const { core } = await rig();
    const key = { callId: 'call-1', localTag: 'ours', remoteTag: 'peer1' };
    core.dialogs.register(key, usage([{ method: 'NOTIFY', event: 'refer', id: '1' }], []));
    core.dialogs.register(key, usage([{ method: 'NOTIFY', event: 'refer', id: '2' }], []));
    expect(() => core.dialogs.register(key, usage([{ method: 'NOTIFY', event: 'REFER', id: '2' }], []))).toThrow(RouteConflictError);
    expect(core.dialogs.size).toBe(2);
  });
});

describe('UserAgentCore: out-of-dialog requests (RFC 3261 §8.2)', () => {
  it('answers an unknown method 405 with Allow listing the served methods (§8.2.1)', async () => {
    const { core, send } = await rig();
    const before = await send({ method: 'MESSAGE' });
    expect([before.status, before.getAll('Allow').join(', ')]).toEqual([405, 'OPTIONS, ACK, CANCEL']);
    const remove = core.handle('MESSAGE', (request, tx) => tx.respond(createResponse(request, 202, 'Accepted')));
    expect((await send({ method: 'MESSAGE' })).status).toBe(202);
    const info = await send({ method: 'INFO' });
    expect([info.status, info.getAll('Allow').join(', ')]).toEqual([405, 'OPTIONS, ACK, CANCEL, MESSAGE']);
    remove();
    expect((await send({ method: 'MESSAGE' })).status).toBe(405);
    expect((await send({ method: 'SUBSCRIBE', event: 'presence' })).status).toBe(405);
    expect(core.stats.methodNotAllowed).toBe(4);
  });

  it('answers 489 Bad Event to a package no handler serves (RFC 6665 §4.2.1, §8.2.1)', async () => {
    const { core, send } = await rig();
    const seen: SipRequest[] = [];
    core.handle('SUBSCRIBE', (request, tx) => {
      seen.push(request);
      tx.respond(createResponse(request, 200, 'OK'));
    }, { events: ['presence', 'message-summary'] });
    expect((await send({ method: 'SUBSCRIBE', event: 'Presence' })).status).toBe(200);
    const bad = await send({ method: 'SUBSCRIBE', event: 'conference' });
    expect([bad.status, bad.reason, bad.getAll('Allow-Events').join(', ')]).toEqual([489, 'Bad Event', 'presence, message-summary']);
    expect((await send({ method: 'SUBSCRIBE' })).status).toBe(489);
    expect(seen).toHaveLength(1);
    expect(core.stats.badEvent).toBe(2);
  });

  it('answers an unclaimed NOTIFY 481 (RFC 6665 §4.1.3), OPTIONS 200 and an unmatched CANCEL 481 (§9.2)', async () => {
    const { send } = await rig();
    expect((await send({ method: 'NOTIFY', event: 'dialog' })).status).toBe(481);
    const options = await send({ method: 'OPTIONS' });
    expect([options.status, options.getAll('Allow').join(', ')]).toEqual([200, 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, REFER, SUBSCRIBE, PUBLISH, MESSAGE']);
    expect((await send({ method: 'CANCEL' })).status).toBe(481);
  });

  it('refuses a second handler for a method with a typed error', async () => {
    const { core } = await rig();
    core.handle('MESSAGE', () => undefined);
    expect(() => core.handle('MESSAGE', () => undefined)).toThrow(DuplicateHandlerError);
  });

  it('contains a usage that throws: the stack answers 500', async () => {
    const { stack, core, send } = await rig();
    core.handle('MESSAGE', () => {
      throw new Error('usage bug');
    });
    expect((await send({ method: 'MESSAGE' })).status).toBe(500);
    expect(stack.internalErrors).toBeGreaterThan(0);
  });
});

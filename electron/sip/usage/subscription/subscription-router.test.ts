import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../clock';
import { createResponse, type SipRequest } from '../../message';
import { loadSipFixture } from '../../message/testing/message-fixtures';
import { SipStack } from '../../stack';
import type { ServerTransaction } from '../../transaction';
import { FakeNetwork } from '../../transport/testing/fake-network';
import { RouteConflictError } from '../../ua-core';
import { SubscriptionRouter, type NotifyTarget } from './subscription-router';

const US = { protocol: 'udp' as const, host: '127.0.0.1', port: 5070 };
const PEER = { protocol: 'udp' as const, host: '127.0.0.1', port: 5060 };

const stacks: SipStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

/** A router on a stack at US, and a raw peer transport at PEER that sends the fixture with edits. */
async function setup() {
  const net = new FakeNetwork();
  const clock = new FakeClock();
  const stack = new SipStack({ clock, transportFactory: () => net.transport(US) });
  stacks.push(stack);
  stack.listen('udp');
  const router = new SubscriptionRouter(stack);
  const peer = net.transport(PEER);
  const flow = await peer.getFlow(US);
  const answers: string[] = [];
  peer.on('message', (data) => answers.push(data.toString('utf8').split('\r\n')[0]!));
  let branch = 0;
  const send = async (edit: (text: string) => string = (t) => t): Promise<void> => {
    const text = edit(loadSipFixture('subscription/notify-dialog.sip')).replace('z9hG4bKrouter1', `z9hG4bKrouter${++branch}`);
    flow.send(Buffer.from(text));
    for (let i = 0; i < 5; i++) await net.flush();
  };
  return { stack, router, send, answers };
}

function target(callId: string, localTag: string, seen: SipRequest[], event = 'dialog'): NotifyTarget {
  return {
    callId,
    localTag,
    event: { type: event },
    onNotify: (request: SipRequest, tx: ServerTransaction) => {
      seen.push(request);
      tx.respond(createResponse(request, 200, 'OK'));
    },
  };
}

describe('SubscriptionRouter (RFC 6665 §4.1.2.4, §4.1.3)', () => {
  it('delivers a NOTIFY matching Call-ID and To tag to its subscription', async () => {
    const { router, send, answers } = await setup();
    const seen: SipRequest[] = [];
    router.add(target('router-call-1', 'ourtag1', seen));
    await send();
    expect(seen).toHaveLength(1);
    expect(answers).toEqual(['SIP/2.0 200 OK']);
    expect(router.stats).toEqual({ matched: 1, unmatched: 0 });
  });

  it('answers 481 to a NOTIFY with an unknown Call-ID or another To tag and delivers nothing', async () => {
    const { router, send, answers } = await setup();
    const seen: SipRequest[] = [];
    router.add(target('router-call-1', 'ourtag1', seen));
    await send((t) => t.replace('Call-ID: router-call-1', 'Call-ID: other'));
    await send((t) => t.replace('tag=ourtag1', 'tag=ourtag2'));
    await send((t) => t.replace(/^To: .*$/m, 'To: <sip:200@test.local>'));
    expect(seen).toHaveLength(0);
    expect(answers).toEqual(Array(3).fill('SIP/2.0 481 Subscription Does Not Exist'));
    expect(router.stats.unmatched).toBe(3);
  });

  it('stops delivering after remove, and leaves other methods to the next handler', async () => {
    const { router, send, answers } = await setup();
    const seen: SipRequest[] = [];
    const t = target('router-call-1', 'ourtag1', seen);
    router.add(t);
    router.remove(t);
    expect(router.size).toBe(0);
    await send();
    await send((text) => text.replace(/^NOTIFY /, 'OPTIONS ').replace('CSeq: 3 NOTIFY', 'CSeq: 3 OPTIONS'));
    expect(seen).toHaveLength(0);
    expect(answers).toEqual(['SIP/2.0 481 Subscription Does Not Exist', 'SIP/2.0 200 OK']);
  });

  it('routes two subscriptions on one Call-ID by their Event (RFC 6665 §4.5.2) and shares one router per stack', async () => {
    const { router, stack, send, answers } = await setup();
    const dialogSeen: SipRequest[] = [];
    const presenceSeen: SipRequest[] = [];
    router.add(target('router-call-1', 'ourtag1', dialogSeen));
    router.add(target('router-call-1', 'ourtag1', presenceSeen, 'presence'));
    await send();
    await send((t) => t.replace(/^Event: .*$/m, 'Event: presence'));
    expect(dialogSeen).toHaveLength(1);
    expect(presenceSeen).toHaveLength(1);
    expect(answers).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    expect(() => router.add(target('router-call-1', 'ourtag1', [], 'presence'))).toThrow(RouteConflictError);
    const other = new SipStack({ clock: new FakeClock(), transportFactory: () => new FakeNetwork().transport(US) });
    stacks.push(other);
    expect(SubscriptionRouter.forStack(other)).toBe(SubscriptionRouter.forStack(other));
    expect(SubscriptionRouter.forStack(other)).not.toBe(SubscriptionRouter.forStack(stack));
  });

  it('once confirmed, answers 481 to a NOTIFY from another fork', async () => {
    const { router, send, answers } = await setup();
    const seen: SipRequest[] = [];
    const t = target('router-call-1', 'ourtag1', seen);
    router.add(t);
    router.confirm(t, 'some-other-tag');
    await send();
    expect(seen).toHaveLength(0);
    expect(answers).toEqual(['SIP/2.0 481 Subscription Does Not Exist']);
  });
});

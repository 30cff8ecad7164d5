import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock';
import { EngineGuard } from './guard';
import { parseMessage } from './message';
import { SipStack } from './stack';
import { FakeNetwork } from './transport/testing/fake-network';

/** Issue 7, defect 1: a bare CR inside the Via value once passed the parser and the 100 Trying then threw. */
const INVITE_BARE_CR = [
  'INVITE sip:alice@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbad1\r;rport',
  'From: <sip:mallory@127.0.0.1>;tag=m1',
  'To: <sip:alice@127.0.0.1>',
  'Call-ID: defect-1@127.0.0.1',
  'CSeq: 1 INVITE',
  'Max-Forwards: 70',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function request(method: string, callId: string, extra: string[] = []): string {
  return [
    `${method} sip:alice@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${callId}`,
    'From: <sip:peer@127.0.0.1>;tag=p1',
    'To: <sip:alice@127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function rig() {
  const clock = new FakeClock();
  const network = new FakeNetwork();
  const warnings: string[] = [];
  const reports: string[] = [];
  const guard = new EngineGuard((m) => reports.push(m));
  const stack = new SipStack({
    clock,
    guard,
    transportFactory: () => network.transport({ protocol: 'udp', host: '127.0.0.1', port: 5060 }),
    onWarning: (w) => warnings.push(w),
  });
  stack.listen('udp');
  const peer = network.transport({ protocol: 'udp', host: '127.0.0.1', port: 5070 });
  const received: string[] = [];
  peer.on('message', (data) => received.push(data.toString('utf8')));
  const flow = await peer.getFlow({ host: '127.0.0.1', port: 5060 });
  const send = async (text: string): Promise<void> => {
    flow.send(Buffer.from(text, 'latin1'));
    await network.flush();
  };
  return { clock, network, stack, guard, warnings, reports, received, send };
}

describe('SipStack on hostile input', () => {
  it('answers the defect-1 INVITE 400 without echoing the bad bytes, and keeps answering', async () => {
    const { clock, network, stack, warnings, received, send } = await rig();
    await send(INVITE_BARE_CR);
    clock.advance(1000);
    await network.flush();
    expect(received).toHaveLength(1);
    const answer = received[0] as string;
    expect(answer).toMatch(/^SIP\/2\.0 400 Bad Request\r\n/);
    expect(answer).toContain('Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbad1\r\n');
    expect(answer).toContain('Call-ID: defect-1@127.0.0.1\r\n');
    expect(answer).toMatch(/To: <sip:alice@127\.0\.0\.1>;tag=\w+\r\n/);
    expect(answer).not.toContain('rport');
    expect(warnings.join('\n')).toMatch(/malformed SIP message answered 400: .*bare CR/);
    expect(stack.internalErrors).toBe(0);

    await send(request('OPTIONS', 'still-alive'));
    expect(received[1]).toMatch(/^SIP\/2\.0 200 OK\r\n[\s\S]*Call-ID: still-alive\r\n/);
  });

  it('drops what it cannot answer safely: a response, an ACK, a request without a usable Call-ID', async () => {
    const { network, received, warnings, send } = await rig();
    await send(request('ACK', 'a1', ['X: \0']));
    await send(request('OPTIONS', '\0id'));
    await send(['SIP/2.0 200 O\rK', 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKr', ''].join('\r\n'));
    await send(request('OPTIONS', 'no-cseq', ['X: \0']).replace(/CSeq: .*\r\n/, ''));
    await network.flush();
    expect(received).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('malformed SIP message dropped:'))).toHaveLength(4);
  });

  it('contains a usage that throws: logged, counted, the request answered 500, the next one served', async () => {
    const { stack, reports, received, send } = await rig();
    stack.addRequestHandler((req) => {
      if (req.method === 'MESSAGE') throw new Error('usage bug');
      return false;
    });
    await send(request('MESSAGE', 'm1'));
    expect(stack.internalErrors).toBe(1);
    expect(reports.join('\n')).toMatch(/internal error in request handler \(kept running\): Error: usage bug/);
    expect(received[0]).toMatch(/^SIP\/2\.0 500 Server Internal Error\r\n/);
    await send(request('OPTIONS', 'after-bug'));
    expect(received[1]).toMatch(/^SIP\/2\.0 200 OK/);
  });

  it('contains a transaction user that throws when Timer F fires (RFC 3261 §17.1.2.2)', async () => {
    const { clock, stack, network, reports } = await rig();
    const flow = await stack.getFlow({ protocol: 'udp', host: '127.0.0.1', port: 5999 });
    const sent = parseMessage(request('OPTIONS', 'timeout-cb').replace('5070', '5060'));
    if (sent.kind !== 'request') throw new Error('expected a request');
    stack.sendRequest(sent, flow, {
      onFinal: () => undefined,
      onTimeout: () => {
        throw new Error('user bug in onTimeout');
      },
      onTransportError: () => undefined,
    });
    clock.advance(64 * 500);
    await network.flush();
    expect(stack.internalErrors).toBe(1);
    expect(reports[0]).toMatch(/user bug in onTimeout/);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock';
import { createResponse } from '../message/sip-message';
import type { SipRequest, SipResponse } from '../message/types';
import type { ServerTransaction } from './server-transaction';
import { FakeFlow, fixtureRequest, overTheWire } from './testing/transaction-rig';
import { TransactionLayer } from './transaction-layer';

function setup(protocol: 'udp' | 'tcp' = 'udp') {
  const clock = new FakeClock();
  const flow = new FakeFlow(clock, protocol);
  const requests: Array<{ request: SipRequest; tx: ServerTransaction }> = [];
  const acks: SipRequest[] = [];
  let answer: ((request: SipRequest, tx: ServerTransaction) => void) | undefined;
  const layer = new TransactionLayer({
    clock,
    onRequest: (request, tx) => {
      requests.push({ request, tx });
      answer?.(request, tx);
    },
    onAck: (ack) => acks.push(ack),
  });
  return {
    clock,
    flow,
    layer,
    requests,
    acks,
    answerWith: (fn: typeof answer) => (answer = fn),
    /** The peer sends (or retransmits) the fixture request. */
    deliver: (name: string, edit?: (r: SipRequest) => void) => {
      const request = fixtureRequest(name);
      edit?.(request);
      layer.receive(overTheWire(request), flow);
      return request;
    },
  };
}

const statuses = (flow: FakeFlow) => flow.sent.map((s) => (s.message as SipResponse).status);

/** The ACK a UAC sends for our non-2xx final response: same branch as the INVITE (RFC 3261 §17.1.1.3). */
function ackFor(invite: SipRequest, response: SipResponse): (r: SipRequest) => void {
  return (r) => {
    r.method = 'ACK';
    r.set('Via', invite.getAll('Via')[0] ?? '');
    r.set('To', response.get('To') ?? '');
    r.set('CSeq', `${invite.cseq.seq} ACK`);
  };
}

describe('non-INVITE server transaction', () => {
  it('absorbs retransmitted requests: the TU is asked once, the last response is re-sent', () => {
    const { flow, layer, requests, deliver } = setup();
    deliver('options-incoming.sip');
    deliver('options-incoming.sip');
    expect(requests).toHaveLength(1);
    expect(flow.sent).toHaveLength(0);
    const tx = requests[0]!.tx;
    expect(tx.state).toBe('trying');

    tx.respond(createResponse(tx.request, 183, 'Session Progress'));
    deliver('options-incoming.sip');
    expect(statuses(flow)).toEqual([183, 183]);
    expect(tx.state).toBe('proceeding');

    const ok = createResponse(tx.request, 200, 'OK', { toTag: 'srv1' });
    tx.respond(ok);
    deliver('options-incoming.sip');
    deliver('options-incoming.sip');
    expect(statuses(flow)).toEqual([183, 183, 200, 200, 200]);
    expect(Buffer.from(flow.sent[4]!.bytes).equals(ok.toBuffer())).toBe(true);
    expect(requests).toHaveLength(1);
    expect(layer.size).toBe(1);
  });

  it('discards a second final response', () => {
    const { flow, requests, deliver } = setup();
    deliver('options-incoming.sip');
    const tx = requests[0]!.tx;
    tx.respond(createResponse(tx.request, 200));
    tx.respond(createResponse(tx.request, 500));
    expect(statuses(flow)).toEqual([200]);
  });

  it('stays Completed for Timer J = 64*T1 over UDP, and ends at once over TCP', () => {
    const udp = setup('udp');
    udp.answerWith((request, tx) => tx.respond(createResponse(request, 200)));
    udp.deliver('options-incoming.sip');
    expect(udp.requests[0]!.tx.state).toBe('completed');
    udp.clock.advance(31_999);
    expect(udp.layer.size).toBe(1);
    udp.clock.advance(1);
    expect(udp.layer.size).toBe(0);
    // After J a retransmission is a new request again.
    udp.deliver('options-incoming.sip');
    expect(udp.requests).toHaveLength(2);

    const tcp = setup('tcp');
    tcp.answerWith((request, tx) => tx.respond(createResponse(request, 200)));
    tcp.deliver('options-incoming.sip');
    expect(tcp.layer.size).toBe(0);
    expect(tcp.requests[0]!.tx.state).toBe('terminated');
  });

  it('holds any number of Completed transactions on one clock timer, each for exactly its own Timer J', () => {
    const { clock, flow, layer, requests, answerWith, deliver } = setup();
    answerWith((request, tx) => tx.respond(createResponse(request, 200, 'OK', { toTag: 'srv' })));
    const branch = (i: number) => (r: SipRequest) => r.set('Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKj${i}`);
    for (let i = 0; i < 50; i++) deliver('options-incoming.sip', branch(i));
    clock.advance(10_000);
    for (let i = 50; i < 100; i++) deliver('options-incoming.sip', branch(i));
    expect(layer.size).toBe(100);
    expect(clock.pending).toBe(1);
    const first = requests[0]!.tx;
    const late = requests[99]!.tx;
    expect([first.state, late.state]).toEqual(['completed', 'completed']);
    // A retransmission within J gets the very bytes of the first answer and never reaches the TU.
    deliver('options-incoming.sip', branch(0));
    deliver('options-incoming.sip', branch(99));
    expect(requests).toHaveLength(100);
    expect(flow.sent).toHaveLength(102);
    expect(Buffer.from(flow.sent[100]!.bytes).equals(Buffer.from(flow.sent[0]!.bytes))).toBe(true);
    expect(Buffer.from(flow.sent[101]!.bytes).equals(Buffer.from(flow.sent[99]!.bytes))).toBe(true);
    clock.advance(31_999 - 10_000);
    expect(layer.size).toBe(100);
    clock.advance(1);
    expect(layer.size).toBe(50);
    expect(first.state).toBe('terminated');
    expect(late.state).toBe('completed');
    expect(clock.pending).toBe(1);
    deliver('options-incoming.sip', branch(0));
    expect(requests).toHaveLength(101);
    clock.advance(9_999);
    expect(layer.size).toBe(51);
    clock.advance(1);
    expect(late.state).toBe('terminated');
    expect(layer.size).toBe(1);
    clock.advance(22_000);
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('ends Completed transactions quietly when their flow closes, on terminate() and on shutdown', () => {
    const { clock, flow, layer, requests, answerWith, deliver } = setup();
    answerWith((request, tx) => tx.respond(createResponse(request, 200)));
    const branch = (i: number) => (r: SipRequest) => r.set('Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKc${i}`);
    const other = new FakeFlow(clock, 'udp', 5099);
    deliver('options-incoming.sip', branch(1));
    layer.receive(overTheWire(fixtureRequest('options-incoming.sip')), other);
    deliver('options-incoming.sip', branch(2));
    expect(layer.size).toBe(3);
    layer.flowClosed(flow);
    expect(layer.size).toBe(1);
    expect(requests.map((r) => r.tx.state)).toEqual(['terminated', 'completed', 'terminated']);
    // A retransmission on the closed flow's peer is a new request again.
    deliver('options-incoming.sip', branch(1));
    expect(requests).toHaveLength(4);
    requests[3]!.tx.terminate();
    expect(requests[3]!.tx.state).toBe('terminated');
    expect(layer.size).toBe(1);
    layer.shutdown();
    expect(requests[1]!.tx.state).toBe('terminated');
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
    expect(flow.sent.map((s) => (s.message as SipResponse).status)).toEqual([200, 200, 200]);
  });

  it('matches by branch, sent-by and method (RFC 3261 §17.2.3)', () => {
    const { requests, deliver } = setup();
    deliver('options-incoming.sip');
    deliver('options-incoming.sip', (r) =>
      r.set('Via', 'SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKhjhs8ass877'),
    );
    deliver('options-incoming.sip', (r) => r.set('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKother'));
    expect(requests).toHaveLength(3);
  });

  it('falls back to RFC 2543 matching for branches without the magic cookie', () => {
    const { requests, deliver } = setup();
    const legacy = (r: SipRequest) => r.set('Via', 'SIP/2.0/UDP 127.0.0.1:5060');
    deliver('options-incoming.sip', legacy);
    deliver('options-incoming.sip', legacy);
    deliver('options-incoming.sip', (r) => {
      legacy(r);
      r.set('CSeq', '63105 OPTIONS');
    });
    expect(requests).toHaveLength(2);
  });
});

describe('INVITE server transaction', () => {
  it('sends 100 Trying when the TU has not answered within 200 ms', () => {
    const { clock, flow, requests, deliver } = setup();
    deliver('invite-incoming.sip');
    clock.advance(199);
    expect(flow.sent).toHaveLength(0);
    clock.advance(1);
    expect(statuses(flow)).toEqual([100]);
    const trying = flow.sent[0]!.message as SipResponse;
    expect(trying.to.params.tag).toBeUndefined();
    expect(trying.getAll('Via')).toEqual(requests[0]!.request.getAll('Via'));
    // A retransmitted INVITE gets the 100 again.
    deliver('invite-incoming.sip');
    expect(statuses(flow)).toEqual([100, 100]);
    expect(requests).toHaveLength(1);
  });

  it('sends no 100 Trying when the TU answers in time', () => {
    const { clock, flow, requests, deliver } = setup();
    deliver('invite-incoming.sip');
    clock.advance(150);
    const tx = requests[0]!.tx;
    tx.respond(createResponse(tx.request, 180, 'Ringing', { toTag: 't1' }));
    clock.advance(1000);
    expect(statuses(flow)).toEqual([180]);
  });

  it('retransmits a non-2xx final with Timer G doubling to T2 until Timer H, then tells the TU', () => {
    const { clock, flow, layer, requests, deliver } = setup();
    deliver('invite-incoming.sip');
    const tx = requests[0]!.tx;
    const onTimeout = vi.fn();
    tx.user = { onTimeout };
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 't1' }));
    expect(tx.state).toBe('completed');
    clock.advance(31_999);
    expect(flow.times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(new Set(statuses(flow))).toEqual(new Set([486]));
    expect(onTimeout).not.toHaveBeenCalled();
    clock.advance(1);
    expect(onTimeout).toHaveBeenCalledExactlyOnceWith(tx);
    expect(tx.error).toMatchObject({ code: 'timeout', timer: 'H' });
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('re-sends the final response on a retransmitted INVITE, stops at the ACK and absorbs ACKs for Timer I', () => {
    const { clock, flow, layer, requests, acks, deliver } = setup();
    const invite = deliver('invite-incoming.sip');
    const tx = requests[0]!.tx;
    const busy = createResponse(tx.request, 486, 'Busy Here', { toTag: 't1' });
    tx.respond(busy);
    clock.advance(100);
    deliver('invite-incoming.sip');
    expect(statuses(flow)).toEqual([486, 486]);
    deliver('invite-incoming.sip', ackFor(invite, busy));
    expect(tx.state).toBe('confirmed');
    expect(requests).toHaveLength(1);
    deliver('invite-incoming.sip', ackFor(invite, busy));
    expect(acks).toHaveLength(0);
    clock.advance(4999);
    expect(layer.size).toBe(1);
    clock.advance(1);
    expect(layer.size).toBe(0);
    expect(flow.sent).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('over TCP: no Timer G, ACK ends the transaction at once, Timer H still guards the ACK', () => {
    const first = setup('tcp');
    const invite = first.deliver('invite-incoming.sip');
    const tx = first.requests[0]!.tx;
    const busy = createResponse(tx.request, 603, 'Decline', { toTag: 't1' });
    tx.respond(busy);
    first.clock.advance(10_000);
    expect(first.flow.sent).toHaveLength(1);
    first.deliver('invite-incoming.sip', ackFor(invite, busy));
    expect(first.layer.size).toBe(0);

    const second = setup('tcp');
    second.deliver('invite-incoming.sip');
    const onTimeout = vi.fn();
    second.requests[0]!.tx.user = { onTimeout };
    second.requests[0]!.tx.respond(
      createResponse(second.requests[0]!.tx.request, 603, 'Decline', { toTag: 't2' }),
    );
    second.clock.advance(32_000);
    expect(onTimeout).toHaveBeenCalledOnce();
    expect(second.flow.sent).toHaveLength(1);
  });

  it('after a 2xx (RFC 6026 Accepted) absorbs INVITE retransmissions for Timer L and passes the ACK up', () => {
    const { clock, flow, layer, requests, acks, deliver } = setup();
    deliver('invite-incoming.sip');
    const tx = requests[0]!.tx;
    const ok = createResponse(tx.request, 200, 'OK', { toTag: 't1' });
    tx.respond(ok);
    expect(tx.state).toBe('accepted');
    deliver('invite-incoming.sip');
    expect(requests).toHaveLength(1);
    tx.respond(ok);
    expect(statuses(flow)).toEqual([200, 200]);
    // The ACK for a 2xx is a new transaction with its own branch (RFC 3261 §17.1.1.3): it reaches onAck.
    deliver('invite-incoming.sip', (r) => {
      r.method = 'ACK';
      r.set('Via', 'SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKack2xx');
      r.set('CSeq', '314159 ACK');
    });
    expect(acks).toHaveLength(1);
    clock.advance(32_000);
    expect(layer.size).toBe(0);
  });

  it('treats CANCEL as its own transaction and finds the INVITE it targets (RFC 3261 §9.2)', () => {
    const { requests, layer, deliver } = setup();
    deliver('invite-incoming.sip');
    deliver('invite-incoming.sip', (r) => {
      r.method = 'CANCEL';
      r.set('CSeq', '314159 CANCEL');
    });
    expect(requests.map((r) => r.request.method)).toEqual(['INVITE', 'CANCEL']);
    expect(requests[1]!.tx).not.toBe(requests[0]!.tx);
    expect(layer.findInviteForCancel(requests[1]!.request)).toBe(requests[0]!.tx);
    expect(layer.size).toBe(2);
  });
});

describe('server transport errors (RFC 3261 §17.2.4)', () => {
  it('reports a response that cannot be sent to the server TU', async () => {
    const { flow, layer, requests, deliver } = setup('tcp');
    deliver('options-incoming.sip');
    const tx = requests[0]!.tx;
    const onTransportError = vi.fn();
    tx.user = { onTransportError };
    flow.failure = flow.closedError();
    tx.respond(createResponse(tx.request, 200));
    expect(onTransportError).not.toHaveBeenCalled();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(onTransportError).toHaveBeenCalledExactlyOnceWith(
      tx,
      expect.objectContaining({ code: 'send-failed' }),
    );
    expect(layer.size).toBe(0);
  });

  it('reports a closed flow while the TU has not answered', async () => {
    const { flow, layer, requests, deliver } = setup('tcp');
    deliver('invite-incoming.sip');
    const onTransportError = vi.fn();
    requests[0]!.tx.user = { onTransportError };
    layer.flowClosed(flow);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(onTransportError).toHaveBeenCalledOnce();
    expect(layer.size).toBe(0);
  });
});

describe('layer hooks', () => {
  it('reports every written message to onSend', () => {
    const clock = new FakeClock();
    const flow = new FakeFlow(clock);
    const sent: string[] = [];
    const layer = new TransactionLayer({
      clock,
      onRequest: (request, tx) => tx.respond(createResponse(request, 200)),
      onSend: (message) => sent.push(message.kind === 'request' ? message.method : String(message.status)),
    });
    layer.receive(overTheWire(fixtureRequest('options-incoming.sip')), flow);
    layer.sendRequest(fixtureRequest('register-outgoing.sip'), flow, {
      onFinal: () => undefined,
      onTimeout: () => undefined,
      onTransportError: () => undefined,
    });
    clock.advance(500);
    expect(sent).toEqual(['200', 'REGISTER', 'REGISTER']);
  });

  it('drops requests without a Via', () => {
    const clock = new FakeClock();
    const dropped: string[] = [];
    const onRequest = vi.fn();
    const layer = new TransactionLayer({
      clock,
      onRequest,
      onDrop: (_m, _f, reason) => dropped.push(reason),
    });
    const request = fixtureRequest('options-incoming.sip');
    request.remove('Via');
    layer.receive(request, new FakeFlow(clock));
    expect(onRequest).not.toHaveBeenCalled();
    expect(dropped).toHaveLength(1);
  });
});

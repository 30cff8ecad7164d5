import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock';
import { createResponse } from '../message/sip-message';
import type { SipRequest, SipResponse } from '../message/types';
import type { ClientTransaction, ClientTransactionUser } from './client-transaction';
import { TransactionTimeoutError, TransactionTransportError } from './errors';
import { FakeFlow, fixtureRequest, overTheWire } from './testing/transaction-rig';
import { TransactionLayer } from './transaction-layer';

function setup(protocol: 'udp' | 'tcp' = 'udp', timers?: { t1?: number; t2?: number; t4?: number }) {
  const clock = new FakeClock();
  const flow = new FakeFlow(clock, protocol);
  const stray: SipResponse[] = [];
  const layer = new TransactionLayer({
    clock,
    timers,
    onRequest: () => undefined,
    onStrayResponse: (r) => stray.push(r),
  });
  const user = {
    onProvisional: vi.fn<(res: SipResponse, tx: ClientTransaction) => void>(),
    onFinal: vi.fn<(res: SipResponse, tx: ClientTransaction) => void>(),
    onTimeout: vi.fn<(tx: ClientTransaction) => void>(),
    onTransportError: vi.fn<(tx: ClientTransaction, error: TransactionTransportError) => void>(),
  } satisfies ClientTransactionUser;
  return { clock, flow, layer, user, stray };
}

/** A response as the peer would send it: built from the request on "their" side, then parsed from bytes. */
function reply(request: SipRequest, status: number, toTag = 'b0b7a9'): SipResponse {
  return overTheWire(createResponse(request, status, undefined, status === 100 ? {} : { toTag }));
}

const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('non-INVITE client transaction over UDP', () => {
  it('retransmits with Timer E doubling from T1 up to T2, then fires Timer F at 64*T1', () => {
    const { clock, flow, layer, user } = setup();
    const tx = layer.sendRequest(fixtureRequest('register-outgoing.sip'), flow, user);
    clock.advance(31_999);
    expect(flow.times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(user.onTimeout).not.toHaveBeenCalled();
    clock.advance(1);
    expect(user.onTimeout).toHaveBeenCalledExactlyOnceWith(tx);
    expect(tx.error).toBeInstanceOf(TransactionTimeoutError);
    expect(tx.error).toMatchObject({ code: 'timeout', timer: 'F' });
    expect(tx.state).toBe('terminated');
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
    expect(flow.sent.every((s) => s.message.toString() === flow.sent[0]?.message.toString())).toBe(true);
  });

  it('retransmits every T2 once a provisional response arrived (RFC 3261 §17.1.2.2)', () => {
    const { clock, flow, layer, user } = setup();
    const request = fixtureRequest('register-outgoing.sip');
    layer.sendRequest(request, flow, user);
    clock.advance(600);
    layer.receive(reply(request, 100), flow);
    expect(user.onProvisional).toHaveBeenCalledOnce();
    clock.advance(12_000 - 600);
    expect(flow.times).toEqual([0, 500, 1500, 5500, 9500]);
  });

  it('follows configured timers (T1 = 100, T2 = 400)', () => {
    const { clock, flow, layer, user } = setup('udp', { t1: 100, t2: 400 });
    layer.sendRequest(fixtureRequest('register-outgoing.sip'), flow, user);
    clock.advance(6400);
    expect(flow.times.slice(0, 6)).toEqual([0, 100, 300, 700, 1100, 1500]);
    expect(user.onTimeout).toHaveBeenCalledOnce();
  });

  it('absorbs retransmitted final responses for Timer K = T4, then terminates', () => {
    const { clock, flow, layer, user, stray } = setup();
    const request = fixtureRequest('register-outgoing.sip');
    const tx = layer.sendRequest(request, flow, user);
    clock.advance(100);
    const ok = reply(request, 200);
    layer.receive(ok, flow);
    expect(user.onFinal).toHaveBeenCalledExactlyOnceWith(ok, tx);
    expect(tx.state).toBe('completed');
    clock.advance(4999);
    layer.receive(reply(request, 200), flow);
    expect(layer.size).toBe(1);
    clock.advance(1);
    expect(layer.size).toBe(0);
    expect(user.onFinal).toHaveBeenCalledOnce();
    expect(stray).toHaveLength(0);
    expect(flow.sent).toHaveLength(1);
    clock.advance(60_000);
    expect(user.onTimeout).not.toHaveBeenCalled();
  });
});

describe('INVITE client transaction over UDP', () => {
  it('retransmits with Timer A doubling without cap and times out with Timer B at 64*T1', () => {
    const { clock, flow, layer, user } = setup();
    const tx = layer.sendRequest(fixtureRequest('invite-outgoing.sip'), flow, user);
    expect(tx.state).toBe('calling');
    clock.advance(31_999);
    expect(flow.times).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    clock.advance(1);
    expect(user.onTimeout).toHaveBeenCalledExactlyOnceWith(tx);
    expect(tx.error).toMatchObject({ timer: 'B' });
    expect(layer.size).toBe(0);
  });

  it('stops retransmitting and waits indefinitely once a provisional response arrived', () => {
    const { clock, flow, layer, user } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    const tx = layer.sendRequest(invite, flow, user);
    clock.advance(700);
    layer.receive(reply(invite, 180), flow);
    expect(tx.state).toBe('proceeding');
    clock.advance(100_000);
    expect(flow.times).toEqual([0, 500]);
    expect(user.onTimeout).not.toHaveBeenCalled();
    expect(user.onProvisional).toHaveBeenCalledOnce();
  });

  it('ACKs a non-2xx final response as RFC 3261 §17.1.1.3 says and re-sends the ACK on retransmissions', () => {
    const { clock, flow, layer, user } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    const tx = layer.sendRequest(invite, flow, user);
    clock.advance(200);
    layer.receive(reply(invite, 486, 'busy-tag'), flow);
    expect(tx.state).toBe('completed');
    expect(user.onFinal).toHaveBeenCalledOnce();
    expect(user.onFinal.mock.calls[0]?.[0].status).toBe(486);

    const ack = flow.sent[1]?.message as SipRequest;
    expect(ack.kind).toBe('request');
    expect(ack.method).toBe('ACK');
    expect(ack.uri).toBe(invite.uri);
    expect(ack.getAll('Via')).toEqual([invite.getAll('Via')[0]]);
    expect(ack.vias[0]?.branch).toBe('z9hG4bK74bf9');
    expect(ack.getAll('Route')).toEqual(['<sip:proxy1.example.com;lr>', '<sip:proxy2.example.com;lr>']);
    expect(ack.get('From')).toBe(invite.get('From'));
    expect(ack.to.params.tag).toBe('busy-tag');
    expect(ack.to.uri).toBe(invite.to.uri);
    expect(ack.callId).toBe(invite.callId);
    expect(ack.cseq).toEqual({ seq: 31862, method: 'ACK' });
    expect(ack.body.byteLength).toBe(0);

    clock.advance(1000);
    layer.receive(reply(invite, 486, 'busy-tag'), flow);
    layer.receive(reply(invite, 486, 'busy-tag'), flow);
    expect(flow.sent.map((s) => (s.message as SipRequest).method)).toEqual(['INVITE', 'ACK', 'ACK', 'ACK']);
    expect(flow.sent[3]?.message.toString()).toBe(ack.toString());
    expect(user.onFinal).toHaveBeenCalledOnce();
  });

  it('keeps the Completed state for Timer D = 32 s, then terminates', () => {
    const { clock, flow, layer, user } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    layer.sendRequest(invite, flow, user);
    layer.receive(reply(invite, 603), flow);
    clock.advance(31_999);
    expect(layer.size).toBe(1);
    clock.advance(1);
    expect(layer.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('passes a 2xx up, terminates at once, and leaves retransmitted 2xx to the stray-response hook', () => {
    const { clock, flow, layer, user, stray } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    const tx = layer.sendRequest(invite, flow, user);
    layer.receive(reply(invite, 200), flow);
    expect(user.onFinal).toHaveBeenCalledOnce();
    expect(tx.state).toBe('terminated');
    expect(layer.size).toBe(0);
    expect(flow.sent).toHaveLength(1);
    const again = reply(invite, 200);
    layer.receive(again, flow);
    expect(stray).toEqual([again]);
    clock.advance(64_000);
    expect(flow.sent).toHaveLength(1);
  });
});

describe('client transactions over TCP', () => {
  it.each(['register-outgoing.sip', 'invite-outgoing.sip'])(
    '%s: sends once, never retransmits, still times out at 64*T1',
    (name) => {
      const { clock, flow, layer, user } = setup('tcp');
      layer.sendRequest(fixtureRequest(name), flow, user);
      clock.advance(31_999);
      expect(flow.times).toEqual([0]);
      expect(user.onTimeout).not.toHaveBeenCalled();
      clock.advance(1);
      expect(user.onTimeout).toHaveBeenCalledOnce();
      expect(layer.size).toBe(0);
    },
  );

  it('terminates at once after the final response (Timers D and K are zero)', () => {
    const { flow, layer, user } = setup('tcp');
    const register = fixtureRequest('register-outgoing.sip');
    const invite = fixtureRequest('invite-outgoing.sip');
    layer.sendRequest(register, flow, user);
    layer.sendRequest(invite, flow, user);
    expect(layer.size).toBe(2);
    layer.receive(reply(register, 200), flow);
    layer.receive(reply(invite, 404), flow);
    expect(layer.size).toBe(0);
    expect(flow.sent.map((s) => (s.message as SipRequest).method)).toEqual(['REGISTER', 'INVITE', 'ACK']);
  });
});

describe('client transaction matching (RFC 3261 §17.1.3)', () => {
  it('does not give the INVITE the response to a CANCEL with the same branch', () => {
    const { flow, layer, user, stray } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    layer.sendRequest(invite, flow, user);
    const cancelResponse = reply(invite, 200);
    cancelResponse.set('CSeq', `${invite.cseq.seq} CANCEL`);
    layer.receive(cancelResponse, flow);
    expect(user.onFinal).not.toHaveBeenCalled();
    expect(stray).toEqual([cancelResponse]);
  });

  it('refuses to send an ACK as a transaction or a request without a branch', () => {
    const { flow, layer, user } = setup();
    const invite = fixtureRequest('invite-outgoing.sip');
    invite.set('Via', 'SIP/2.0/UDP 127.0.0.1:5070');
    expect(() => layer.sendRequest(invite, flow, user)).toThrow(/branch/);
    const ack = fixtureRequest('invite-outgoing.sip');
    ack.method = 'ACK';
    expect(() => layer.sendRequest(ack, flow, user)).toThrow(/ACK/);
  });
});

describe('client transport errors (RFC 3261 §17.1.4)', () => {
  it('reports a failing first send to the TU after sendRequest returns, and terminates', async () => {
    const { flow, layer, user } = setup('tcp');
    flow.failure = flow.closedError();
    const tx = layer.sendRequest(fixtureRequest('register-outgoing.sip'), flow, user);
    expect(user.onTransportError).not.toHaveBeenCalled();
    await flushMicrotasks();
    expect(user.onTransportError).toHaveBeenCalledOnce();
    const error = user.onTransportError.mock.calls[0]?.[1];
    expect(error).toBeInstanceOf(TransactionTransportError);
    expect(error).toMatchObject({ code: 'send-failed', cause: flow.failure });
    expect(tx.state).toBe('terminated');
    expect(layer.size).toBe(0);
  });

  it('reports a failing retransmission and stops', async () => {
    const { clock, flow, layer, user } = setup();
    layer.sendRequest(fixtureRequest('invite-outgoing.sip'), flow, user);
    flow.failure = new Error('EHOSTUNREACH');
    clock.advance(500);
    await flushMicrotasks();
    expect(user.onTransportError).toHaveBeenCalledOnce();
    clock.advance(64_000);
    expect(user.onTimeout).not.toHaveBeenCalled();
    expect(clock.pending).toBe(0);
  });

  it('reports a closed flow to pending transactions only', async () => {
    const { clock, flow, layer, user } = setup('tcp');
    const other = new FakeFlow(clock, 'tcp', 5062);
    const register = fixtureRequest('register-outgoing.sip');
    const pending = layer.sendRequest(register, flow, user);
    const elsewhere = layer.sendRequest(fixtureRequest('invite-outgoing.sip'), other, user);
    layer.flowClosed(flow, flow.closedError());
    await flushMicrotasks();
    expect(user.onTransportError).toHaveBeenCalledExactlyOnceWith(
      pending,
      expect.objectContaining({ code: 'flow-closed' }),
    );
    expect(elsewhere.state).toBe('calling');
    expect(layer.size).toBe(1);
  });

  it('fails requests sent after shutdown without touching the flow', async () => {
    const { flow, layer, user } = setup();
    layer.shutdown();
    layer.sendRequest(fixtureRequest('register-outgoing.sip'), flow, user);
    await flushMicrotasks();
    expect(user.onTransportError.mock.calls[0]?.[1]).toMatchObject({ code: 'shutdown' });
    expect(flow.sent).toHaveLength(0);
    expect(layer.size).toBe(0);
  });
});

/**
 * A {@link CallAgent} on a real stack at 127.0.0.1:5070 and a scripted peer at 127.0.0.1:5060 that speaks raw SIP
 * over a {@link FakeNetwork} under a {@link FakeClock}: the peer sees every message we send (retransmissions and
 * ACKs included) and sends exactly what a test builds, so forks, glare, lost ACKs and races can be staged.
 */
import { FakeClock } from '../../clock';
import { Dialog } from '../../dialog';
import { EngineGuard } from '../../guard';
import { createRequest, createResponse, newBranch, parseMessage, type HeaderPairs, type SipMessage, type SipRequest, type SipResponse } from '../../message';
import { SipStack } from '../../stack';
import { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint, Flow } from '../../transport/types';
import { CallAgent } from '../call/call-agent';
import type { CallAgentOptions, CallSession } from '../call/call-session-api';
import type { LineContext } from '../line-context';
import { fakeLineContext } from './fake-line-context';
import { fakeMediaFactory, fakeSdp } from './fake-session-description-handler';

export const US: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
export const PEER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const PEER_CONTACT = '<sip:peer@127.0.0.1:5060>';

export type CallRig = Awaited<ReturnType<typeof callRig>>;

export async function callRig(options: Partial<CallAgentOptions> & { noLine?: boolean } = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const reports: string[] = [];
  const guard = new EngineGuard((message) => reports.push(message));
  const stack = new SipStack({ clock, guard, transportFactory: () => net.transport(US) });
  stack.listen('udp');
  const line: LineContext = fakeLineContext(stack, { server: PEER, user: '200', password: 'secret', domain: 'test.local' });
  const media = fakeMediaFactory();
  const incoming: CallSession[] = [];
  const busy = { value: false };
  const agent = new CallAgent({
    stack,
    clock,
    guard,
    lineFor: () => (options.noLine ? undefined : line),
    busy: () => busy.value,
    createMedia: media.factory,
    onIncoming: (session) => incoming.push(session),
    ...options,
  });
  const peerTransport = net.transport(PEER);
  const flow: Flow = await peerTransport.getFlow(US);
  const received: SipMessage[] = [];
  peerTransport.on('message', (data) => received.push(parseMessage(data)));

  const flush = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await net.flush();
  };
  const advance = async (ms: number, step = 100): Promise<void> => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await flush();
    }
  };
  const send = async (message: SipMessage): Promise<void> => {
    flow.send(message.toBuffer());
    await flush();
  };
  const requests = (method: string): SipRequest[] => received.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  const responses = (method: string, status?: number): SipResponse[] =>
    received.filter((m): m is SipResponse => m.kind === 'response' && m.cseq.method === method && (status === undefined || m.status === status));

  /** The peer answers our request. */
  const respond = (request: SipRequest, status: number, opts: { toTag?: string; headers?: HeaderPairs; body?: string } = {}): Promise<void> => {
    const headers: HeaderPairs = [...(opts.headers ?? [])];
    if (opts.body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    if (status > 100 && status < 300 && request.method === 'INVITE') headers.push(['Contact', PEER_CONTACT]);
    return send(createResponse(request, status, undefined, { toTag: opts.toTag, headers, body: opts.body }));
  };

  let cseq = 0;
  /** An INVITE from the peer to line 1. */
  const invite = (opts: { callId?: string; headers?: HeaderPairs; body?: string | null; from?: string } = {}): SipRequest => {
    const headers: HeaderPairs = [
      ['Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=${newBranch()}`],
      ['Max-Forwards', '70'],
      ['From', `${opts.from ?? '"Alice" <sip:101@test.local>'};tag=peer-${++cseq}`],
      ['To', '<sip:200@test.local>'],
      ['Call-ID', opts.callId ?? `peer-call-${cseq}@127.0.0.1`],
      ['CSeq', `${cseq} INVITE`],
      ['Contact', PEER_CONTACT],
      ...(opts.headers ?? []),
    ];
    const body = opts.body === null ? undefined : (opts.body ?? fakeSdp());
    if (body !== undefined) headers.push(['Content-Type', 'application/sdp']);
    return createRequest({ method: 'INVITE', uri: 'sip:200@127.0.0.1:5070', headers, body });
  };

  /** The peer's side of a dialog: as callee of our INVITE (its To tag) or caller of its own (our 1xx/2xx). */
  const peerDialog = (ours: SipRequest | SipResponse, peerInvite: SipRequest | string): Dialog =>
    typeof peerInvite === 'string' ? Dialog.fromUasRequest(ours as SipRequest, peerInvite) : Dialog.fromUacResponse(peerInvite, ours as SipResponse);

  /** A request from the peer in `dialog`; a body is SDP unless `contentType` says otherwise. */
  const inDialog = (dialog: Dialog, method: string, opts: { headers?: HeaderPairs; body?: string; cseq?: number; contentType?: string } = {}): SipRequest => {
    const headers: HeaderPairs = [['Contact', PEER_CONTACT], ...(opts.headers ?? [])];
    if (opts.body !== undefined) headers.push(['Content-Type', opts.contentType ?? 'application/sdp']);
    return dialog.createRequest(method, { via: `SIP/2.0/UDP 127.0.0.1:5060;branch=${newBranch()}`, headers, body: opts.body, cseq: opts.cseq });
  };

  const close = async (): Promise<void> => {
    agent.close();
    await flush();
    await stack.close();
    await peerTransport.close();
  };

  return { clock, net, stack, guard, reports, line, media, incoming, busy, agent, received, flush, advance, send, requests, responses, respond, invite, peerDialog, inDialog, close };
}

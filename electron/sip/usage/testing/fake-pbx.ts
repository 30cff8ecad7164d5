/**
 * A PBX for tests of feature-code calls, built on a real {@link SipStack} over a {@link FakeNetwork}: a registrar
 * (digest, bindings not kept), a PUBLISH refuser (Asterisk answers 501 without a handler), and a callee for feature
 * codes that challenges INVITEs with 407 and then answers, rings for ever (answering CANCEL, RFC 3261 §9.2), or
 * refuses. It records every request it receives, including the ACK to its 2xx, which no transaction sees.
 */
import { checkDigestAuthorization } from '../../auth/testing/digest-check-rig';
import type { Clock } from '../../clock';
import { createRequest, createResponse, newBranch, newTag, parseMessage, type SipRequest, type SipResponse } from '../../message';
import { SipStack } from '../../stack';
import type { ServerTransaction } from '../../transaction';
import type { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint, Flow } from '../../transport/types';

export interface FakePbxOptions {
  endpoint: Endpoint;
  /** user → password for digest; REGISTER is challenged with 401, INVITE with 407. */
  users: Record<string, string>;
  realm?: string;
}

/** What the PBX does with an authenticated INVITE. */
export type InviteMode = { kind: 'answer' } | { kind: 'answer-and-bye' } | { kind: 'ring' } | { kind: 'refuse'; status: number };

const ANSWER_SDP = 'v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10000 RTP/AVP 0\r\na=sendrecv\r\n';

export class FakePbx {
  readonly stack: SipStack;
  /** Every request received, in order, with the ACKs to 2xx responses (not those to non-2xx). */
  readonly received: SipRequest[] = [];
  invite: InviteMode = { kind: 'answer' };
  /** Status for PUBLISH; default 501 as Asterisk. */
  publishStatus = 501;
  /** When set, answers PUBLISH instead of {@link publishStatus} (a FakePresenceServer's `answer`); undefined = silent. */
  publisher: ((request: SipRequest) => SipResponse | undefined) | undefined;
  private nonce = 0;

  constructor(
    network: FakeNetwork,
    clock: Clock,
    private readonly options: FakePbxOptions,
  ) {
    this.stack = new SipStack({
      clock,
      transportFactory: () => network.transport(options.endpoint),
      // The ACK to a 2xx is not a transaction: it is only seen on the wire (RFC 3261 §17.1.1.3).
      onWire: (event) => {
        if (event.direction !== 'in') return;
        const message = parseMessage(Buffer.from(event.data));
        if (message.kind !== 'request' || message.method !== 'ACK') return;
        // The ACK to a non-2xx shares the INVITE's branch and belongs to its transaction (§17.1.1.3): not recorded.
        const hopByHop = this.received.some((r) => r.method === 'INVITE' && r.vias[0]?.branch === message.vias[0]?.branch);
        if (!hopByHop) this.received.push(message);
      },
    });
    this.stack.addRequestHandler((request, tx) => {
      this.received.push(request);
      const reply = (status: number, reason?: string, headers: Array<[string, string]> = [], body?: string): void =>
        tx.respond(createResponse(request, status, reason, { toTag: newTag(), headers, body }));
      switch (request.method) {
        case 'REGISTER':
          if (!this.authorized(request)) return reply(401, 'Unauthorized', [['WWW-Authenticate', this.challenge()]]), true;
          return reply(200, 'OK', [['Contact', `${request.get('Contact') ?? ''};expires=${request.get('Expires') ?? 3600}`]]), true;
        case 'PUBLISH': {
          if (!this.publisher) return reply(this.publishStatus), true;
          const response = this.publisher(request);
          if (response) tx.respond(response);
          return true;
        }
        case 'INVITE':
          return this.onInvite(request, reply, tx), true;
        case 'CANCEL': {
          const invite = this.stack.transactions.findInviteForCancel(request);
          tx.respond(createResponse(request, invite ? 200 : 481));
          invite?.respond(createResponse(invite.request, 487, 'Request Terminated', { toTag: newTag() }));
          return true;
        }
        case 'BYE':
          return tx.respond(createResponse(request, 200, 'OK')), true;
        default:
          return false;
      }
    });
  }

  listen(): void {
    this.stack.listen(this.options.endpoint.protocol);
  }

  /** Requests received with `method`, in order. */
  requests(method: string): SipRequest[] {
    return this.received.filter((r) => r.method === method);
  }

  private onInvite(request: SipRequest, reply: (status: number, reason?: string, headers?: Array<[string, string]>) => void, tx: ServerTransaction): void {
    if (!this.authorized(proxyCredentials(request))) return reply(407, 'Proxy Authentication Required', [['Proxy-Authenticate', this.challenge()]]);
    const mode = this.invite;
    if (mode.kind === 'refuse') return reply(mode.status);
    if (mode.kind === 'ring') return reply(180, 'Ringing');
    const toTag = newTag();
    const contact = `<sip:${request.uri.replace(/^sip:([^@]+)@.*$/, '$1')}@${this.options.endpoint.host}:${this.options.endpoint.port}>`;
    const ok = createResponse(request, 200, 'OK', { toTag, headers: [['Contact', contact], ['Content-Type', 'application/sdp']], body: ANSWER_SDP });
    tx.respond(ok);
    if (mode.kind === 'answer-and-bye') this.hangUp(request, toTag, tx.flow);
  }

  /** The PBX ends the call itself (RFC 3261 §15.1.1), as Asterisk does after running a feature code. */
  private hangUp(invite: SipRequest, toTag: string, flow: Flow): void {
    const { host, port } = this.options.endpoint;
    const target = /<([^>]+)>/.exec(invite.get('Contact') ?? '')?.[1] ?? invite.uri;
    const bye = createRequest({
      method: 'BYE',
      uri: target,
      headers: [
        ['Via', `SIP/2.0/${flow.protocol.toUpperCase()} ${host}:${port};branch=${newBranch()}`],
        ['Max-Forwards', '70'],
        ['From', `${invite.get('To')};tag=${toTag}`],
        ['To', invite.get('From') ?? ''],
        ['Call-ID', invite.callId],
        ['CSeq', '1 BYE'],
      ],
    });
    this.stack.sendRequest(bye, flow, { onFinal: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined });
  }

  private challenge(): string {
    return `Digest realm="${this.realm}", nonce="pbx${++this.nonce}", qop="auth", algorithm=MD5`;
  }

  private get realm(): string {
    return this.options.realm ?? 'test.local';
  }

  private authorized(request: SipRequest): boolean {
    return checkDigestAuthorization(request, this.options.users, this.realm) !== undefined;
  }
}

/** `request` as the digest check sees it, with its Proxy-Authorization read as Authorization (RFC 3261 §22.3). */
function proxyCredentials(request: SipRequest): SipRequest {
  const view: Pick<SipRequest, 'method' | 'getAll'> = {
    method: request.method,
    getAll: (name: string) => request.getAll(name.toLowerCase() === 'authorization' ? 'Proxy-Authorization' : name),
  };
  return view as SipRequest;
}

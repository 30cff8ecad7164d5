/**
 * A registrar for tests of the registration usage, built on a real {@link SipStack} over a {@link FakeNetwork}:
 * it challenges with digest (RFC 3261 §22.4), checks the answer with an RFC 7616 check written apart from the client (`auth/testing/digest-check-rig.ts`), enforces
 * Min-Expires (§10.3 step 7) and keeps bindings, so tests exercise the client against server behaviour, not a script.
 */
import { checkDigestAuthorization } from '../../auth/testing/digest-check-rig';
import type { Clock } from '../../clock';
import { createResponse, parseNameAddr, type SipRequest } from '../../message';
import { SipStack } from '../../stack';
import type { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint } from '../../transport/types';

export interface FakeRegistrarOptions {
  endpoint: Endpoint;
  users: Record<string, string>;
  realm?: string;
  minExpires?: number;
  maxExpires?: number;
  /** `SHA-256, MD5` offers both challenges, strongest first. */
  algorithms?: Array<'MD5' | 'SHA-256'>;
}

export class FakeRegistrar {
  readonly stack: SipStack;
  /** AOR → contact → expiry in seconds. */
  readonly bindings = new Map<string, Map<string, number>>();
  readonly requests: SipRequest[] = [];
  /** When set, answers every REGISTER with this status (e.g. 503) after authentication. */
  failWith: number | undefined;
  private nonceCounter = 0;

  constructor(
    network: FakeNetwork,
    clock: Clock,
    private readonly options: FakeRegistrarOptions,
  ) {
    this.stack = new SipStack({ clock, transportFactory: () => network.transport(options.endpoint) });
    this.stack.addRequestHandler((request, tx) => {
      if (request.method !== 'REGISTER') return false;
      this.requests.push(request);
      tx.respond(this.handle(request));
      return true;
    });
  }

  /** Opens the listening transport. */
  async listen(): Promise<void> {
    this.stack.listen(this.options.endpoint.protocol);
  }

  private handle(request: SipRequest) {
    const realm = this.options.realm ?? 'test.local';
    const to = parseNameAddr(request.get('To') ?? '');
    const user = /^sips?:([^@]+)@/.exec(to.uri)?.[1] ?? '';
    if (checkDigestAuthorization(request, this.options.users, realm) !== user) {
      const algorithms = this.options.algorithms ?? ['MD5'];
      const nonce = `nonce${++this.nonceCounter}`;
      return createResponse(request, 401, 'Unauthorized', {
        toTag: 'reg1',
        headers: algorithms.map((a) => ['WWW-Authenticate', `Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=${a}`] as [string, string]),
      });
    }
    if (this.failWith) return createResponse(request, this.failWith, undefined, { toTag: 'reg1' });
    const contact = request.get('Contact') ?? '';
    const expires = Number(request.get('Expires') ?? 3600);
    if (expires > 0 && this.options.minExpires && expires < this.options.minExpires) {
      return createResponse(request, 423, 'Interval Too Brief', { toTag: 'reg1', headers: [['Min-Expires', String(this.options.minExpires)]] });
    }
    const aor = to.uri;
    const map = this.bindings.get(aor) ?? new Map<string, number>();
    const uri = parseNameAddr(contact).uri;
    const granted = Math.min(expires, this.options.maxExpires ?? expires);
    if (granted === 0) map.delete(uri);
    else map.set(uri, granted);
    this.bindings.set(aor, map);
    return createResponse(request, 200, 'OK', {
      toTag: 'reg1',
      headers: [...map.entries()].map(([c, e]) => ['Contact', `<${c}>;expires=${e}`] as [string, string]),
    });
  }
}

/**
 * An event state compositor (RFC 3903 §6) for tests of the publication usage, built on a real {@link SipStack} over
 * a {@link FakeNetwork}: it challenges with digest, checks the event package, resolves SIP-If-Match (412 for an
 * entity it does not hold), enforces Min-Expires (423), issues a new entity-tag on every accepted PUBLISH, keeps
 * one body per entity, forgets everything on demand (a restart), refuses PUBLISH outright (501) or stays silent.
 */
import { checkDigestAuthorization } from '../../auth/testing/digest-check-rig';
import type { Clock } from '../../clock';
import { createResponse, newTag, type HeaderPairs, type SipRequest, type SipResponse } from '../../message';
import { SipStack } from '../../stack';
import type { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint } from '../../transport/types';

export interface FakePresenceServerOptions {
  endpoint: Endpoint;
  /** user → password; when given, PUBLISHes without valid credentials are challenged with 401. */
  users?: Record<string, string>;
  realm?: string;
  minExpires?: number;
  maxExpires?: number;
  /** Event packages accepted; others get 489 (RFC 3903 §6 step 2). Default `presence`. */
  events?: string[];
}

/** One published entity (RFC 3903 §2: event state identified by its entity-tag). */
export interface PublishedEntity {
  etag: string;
  aor: string;
  body: string;
  contentType: string;
  /** Granted lifetime in seconds. */
  expires: number;
  /** Clock ms when it lapses. */
  expiresAt: number;
}

export class FakePresenceServer {
  readonly stack: SipStack;
  /** Every PUBLISH received, in order (challenged ones too). */
  readonly requests: SipRequest[] = [];
  /** Final responses sent, in order. */
  readonly responses: SipResponse[] = [];
  /** Entities by entity-tag. */
  readonly entities = new Map<string, PublishedEntity>();
  /** When set, answers every authenticated PUBLISH with this status and these headers (e.g. 501). */
  failWith: { status: number; headers?: HeaderPairs } | undefined;
  /** Never answers a PUBLISH. */
  silent = false;
  private nonceCounter = 0;
  private etagCounter = 0;

  constructor(
    network: FakeNetwork,
    private readonly clock: Clock,
    private readonly options: FakePresenceServerOptions,
  ) {
    this.stack = new SipStack({ clock, transportFactory: () => network.transport(options.endpoint) });
    this.stack.addRequestHandler((request, tx) => {
      if (request.method !== 'PUBLISH') return false;
      const response = this.answer(request);
      if (response) tx.respond(response);
      return true;
    });
  }

  /**
   * Records a PUBLISH and returns the answer (undefined while {@link silent}); lets another fake (a
   * {@link FakePbx} that also registers the line) hand its PUBLISHes to this compositor.
   */
  answer(request: SipRequest): SipResponse | undefined {
    this.requests.push(request);
    if (this.silent) return undefined;
    const response = this.handle(request);
    this.responses.push(response);
    return response;
  }

  listen(): void {
    this.stack.listen(this.options.endpoint.protocol);
  }

  /** Forgets every entity, as a server restarted without persistent state: conditional PUBLISHes then get 412. */
  forget(): void {
    this.entities.clear();
  }

  /** Live entities of `aor`. */
  entitiesOf(aor: string): PublishedEntity[] {
    const now = this.clock.now();
    return [...this.entities.values()].filter((e) => e.aor === aor && e.expiresAt > now);
  }

  private handle(request: SipRequest): SipResponse {
    const reply = (status: number, reason?: string, headers?: HeaderPairs): SipResponse =>
      createResponse(request, status, reason, { toTag: newTag(), headers });
    if (this.options.users && !this.authorized(request)) {
      const challenge = `Digest realm="${this.realm}", nonce="nonce${++this.nonceCounter}", qop="auth", algorithm=MD5`;
      return reply(401, 'Unauthorized', [['WWW-Authenticate', challenge]]);
    }
    if (this.failWith) return reply(this.failWith.status, undefined, this.failWith.headers);
    const event = request.get('Event')?.split(';')[0]?.trim() ?? '';
    if (!(this.options.events ?? ['presence']).includes(event)) return reply(489, 'Bad Event', [['Allow-Events', 'presence']]);
    const now = this.clock.now();
    const ifMatch = request.get('SIP-If-Match')?.trim();
    const previous = ifMatch === undefined ? undefined : this.entities.get(ifMatch);
    if (ifMatch !== undefined && (!previous || previous.expiresAt <= now || previous.aor !== request.uri)) {
      return reply(412, 'Conditional Request Failed');
    }
    const expires = Number(request.get('Expires') ?? 3600);
    if (expires > 0 && this.options.minExpires && expires < this.options.minExpires) {
      return reply(423, 'Interval Too Brief', [['Min-Expires', String(this.options.minExpires)]]);
    }
    const body = request.bodyText;
    // RFC 3903 §6 step 4: an initial PUBLISH must carry the state.
    if (!previous && body === '') return reply(400, 'Missing Body');
    if (previous) this.entities.delete(previous.etag);
    if (expires === 0) {
      return reply(200, 'OK', [['SIP-ETag', previous?.etag ?? ''], ['Expires', '0']]);
    }
    const granted = Math.min(expires, this.options.maxExpires ?? expires);
    const entity: PublishedEntity = {
      etag: `etag${++this.etagCounter}`,
      aor: request.uri,
      body: body === '' ? previous!.body : body,
      contentType: body === '' ? previous!.contentType : (request.get('Content-Type') ?? ''),
      expires: granted,
      expiresAt: now + granted * 1000,
    };
    this.entities.set(entity.etag, entity);
    return reply(200, 'OK', [['SIP-ETag', entity.etag], ['Expires', String(granted)]]);
  }

  private get realm(): string {
    return this.options.realm ?? 'test.local';
  }

  private authorized(request: SipRequest): boolean {
    return checkDigestAuthorization(request, this.options.users ?? {}, this.realm) !== undefined;
  }
}

/**
 * A notifier for tests of the subscriber usage, built on a real {@link SipStack} over a {@link FakeNetwork}: it
 * challenges with digest, enforces Min-Expires, creates a dialog per accepted SUBSCRIBE (with Record-Route when
 * proxies are configured), sends NOTIFYs before or after its 2xx (RFC 6665 §4.1.2.4), terminates with any reason,
 * answers 481 for dialogs it forgot (a restart), or stays silent (timeouts).
 */
import { checkDigestAuthorization } from '../../auth/testing/digest-check-rig';
import type { Clock } from '../../clock';
import { createRequest, createResponse, newBranch, newTag, parseNameAddr, type HeaderPairs, type SipRequest, type SipResponse } from '../../message';
import { SipStack } from '../../stack';
import type { ServerTransaction } from '../../transaction';
import type { FakeNetwork } from '../../transport/testing/fake-network';
import type { Endpoint, Flow } from '../../transport/types';

export interface FakeNotifierOptions {
  endpoint: Endpoint;
  /** user → password; when given, SUBSCRIBEs without valid credentials are challenged with 401. */
  users?: Record<string, string>;
  realm?: string;
  minExpires?: number;
  maxExpires?: number;
  /**
   * Record-Route values as the SUBSCRIBE collected them (proxy nearest the notifier first); copied into the 2xx,
   * and reversed into NOTIFYs, which travel the other way.
   */
  recordRoute?: string[];
  /**
   * An existing stack to answer on instead of a new one at `endpoint` — e.g. a FakeRegistrar's, so one endpoint is
   * registrar and notifier like a PBX (a line sends its SUBSCRIBEs over its registration's flow).
   */
  stack?: SipStack;
}

/** The notifier's side of one subscription dialog. */
export interface NotifierDialog {
  callId: string;
  /** Notifier's tag (To tag of the 2xx, From tag of NOTIFYs). */
  localTag: string;
  /** Subscriber's From tag. */
  remoteTag: string;
  /** Subscriber's Contact. */
  remoteTarget: string;
  /** The SUBSCRIBE's From value, the To of NOTIFYs. */
  subscriberFrom: string;
  /** URI subscribed to, the From URI of NOTIFYs. */
  resource: string;
  event: string;
  flow: Flow;
  cseq: number;
  subscribes: SipRequest[];
}

export interface NotifyOptions {
  state: 'active' | 'pending' | 'terminated';
  reason?: string;
  expires?: number;
  retryAfter?: number;
  body?: string;
  contentType?: string;
  /** CSeq to use instead of the next one (a late or duplicated NOTIFY). */
  cseq?: number;
  event?: string;
  callId?: string;
}

export class FakeNotifier {
  readonly stack: SipStack;
  /** Every SUBSCRIBE received, in order. */
  readonly requests: SipRequest[] = [];
  /** Live dialogs by Call-ID. */
  readonly dialogs = new Map<string, NotifierDialog>();
  /** Responses to our NOTIFYs, in order (undefined: timeout or transport error). */
  readonly notifyResponses: Array<SipResponse | undefined> = [];
  /** When set, answers every new SUBSCRIBE (after authentication) with this status and these headers. */
  failWith: { status: number; headers?: HeaderPairs } | undefined;
  /** Never answers a SUBSCRIBE. */
  silent = false;
  /** Sends the first NOTIFY and waits for its answer before the 2xx. */
  notifyFirst = false;
  /** Sends a NOTIFY after every accepted SUBSCRIBE, as RFC 6665 §4.2.1.2 requires; off to test Timer N. */
  autoNotify = true;
  initialState: 'active' | 'pending' = 'active';
  /** Status for in-dialog SUBSCRIBEs of dialogs it does not know (481; some servers answer 404). */
  forgottenStatus = 481;
  private nonceCounter = 0;
  private version = 0;

  constructor(
    network: FakeNetwork,
    clock: Clock,
    private readonly options: FakeNotifierOptions,
  ) {
    this.stack = options.stack ?? new SipStack({ clock, transportFactory: () => network.transport(options.endpoint) });
    this.stack.addRequestHandler((request, tx) => {
      if (request.method !== 'SUBSCRIBE') return false;
      this.requests.push(request);
      if (!this.silent) this.handle(request, tx);
      return true;
    });
  }

  listen(): void {
    this.stack.listen(this.options.endpoint.protocol);
  }

  /** The dialog created last. */
  get lastDialog(): NotifierDialog {
    const last = [...this.dialogs.values()].at(-1);
    if (!last) throw new Error('FakeNotifier has no dialog');
    return last;
  }

  /** Forgets every dialog, as a notifier restarted without persistent state: in-dialog requests then get 481. */
  forget(): void {
    this.dialogs.clear();
  }

  /** Builds a NOTIFY in `dialog` (RFC 6665 §4.2.1.4); a terminated one ends the dialog here. */
  buildNotify(dialog: NotifierDialog, options: NotifyOptions): SipRequest {
    const { host, port } = this.options.endpoint;
    let state: string = options.state;
    if (options.reason) state += `;reason=${options.reason}`;
    if (options.expires !== undefined) state += `;expires=${options.expires}`;
    if (options.retryAfter !== undefined) state += `;retry-after=${options.retryAfter}`;
    const headers: HeaderPairs = [['Via', `SIP/2.0/${dialog.flow.protocol.toUpperCase()} ${host}:${port};branch=${newBranch()}`], ['Max-Forwards', '70']];
    for (const route of [...(this.options.recordRoute ?? [])].reverse()) headers.push(['Record-Route', route]);
    headers.push(
      ['From', `<${dialog.resource}>;tag=${dialog.localTag}`],
      ['To', dialog.subscriberFrom],
      ['Call-ID', options.callId ?? dialog.callId],
      ['CSeq', `${options.cseq ?? ++dialog.cseq} NOTIFY`],
      ['Contact', `<sip:notifier@${host}:${port}>`],
      ['Event', options.event ?? dialog.event],
      ['Subscription-State', state],
    );
    const body = options.body ?? (options.state === 'terminated' ? '' : this.defaultBody(dialog));
    if (body) headers.push(['Content-Type', options.contentType ?? 'application/dialog-info+xml']);
    if (options.state === 'terminated') this.dialogs.delete(dialog.callId);
    return createRequest({ method: 'NOTIFY', uri: dialog.remoteTarget, headers, body });
  }

  /** Sends a NOTIFY in a transaction and resolves with the subscriber's answer. */
  notify(dialog: NotifierDialog, options: NotifyOptions): Promise<SipResponse | undefined> {
    return this.send(dialog, this.buildNotify(dialog, options));
  }

  /** Sends an already built NOTIFY in a new client transaction (its branch must be unused). */
  send(dialog: NotifierDialog, notify: SipRequest): Promise<SipResponse | undefined> {
    return new Promise((resolve) => {
      const done = (response: SipResponse | undefined): void => {
        this.notifyResponses.push(response);
        resolve(response);
      };
      this.stack.sendRequest(notify, dialog.flow, {
        onFinal: (response) => done(response),
        onTimeout: () => done(undefined),
        onTransportError: () => done(undefined),
      });
    });
  }

  private handle(request: SipRequest, tx: ServerTransaction): void {
    if (this.options.users && !this.authorized(request)) {
      const nonce = `nonce${++this.nonceCounter}`;
      const challenge = `Digest realm="${this.realm}", nonce="${nonce}", qop="auth", algorithm=MD5`;
      tx.respond(createResponse(request, 401, 'Unauthorized', { toTag: newTag(), headers: [['WWW-Authenticate', challenge]] }));
      return;
    }
    const expires = Number(request.get('Expires') ?? 3600);
    const toTag = request.to.params.tag;
    if (typeof toTag === 'string') return this.inDialog(request, tx, toTag, expires);
    if (this.failWith) {
      tx.respond(createResponse(request, this.failWith.status, undefined, { toTag: newTag(), headers: this.failWith.headers }));
      return;
    }
    if (this.options.minExpires && expires > 0 && expires < this.options.minExpires) {
      tx.respond(createResponse(request, 423, 'Interval Too Brief', { toTag: newTag(), headers: [['Min-Expires', String(this.options.minExpires)]] }));
      return;
    }
    const dialog: NotifierDialog = {
      callId: request.callId,
      localTag: newTag(),
      remoteTag: request.from.params.tag ?? '',
      remoteTarget: parseNameAddr(request.get('Contact') ?? '').uri,
      subscriberFrom: request.get('From') ?? '',
      resource: request.uri,
      event: request.get('Event') ?? '',
      flow: tx.flow,
      cseq: 0,
      subscribes: [request],
    };
    this.dialogs.set(dialog.callId, dialog);
    const granted = this.grant(expires);
    const ok = this.ok(request, dialog, granted);
    if (this.notifyFirst) {
      void this.notify(dialog, { state: this.initialState, expires: granted }).then(() => tx.respond(ok));
      return;
    }
    tx.respond(ok);
    if (this.autoNotify) void this.notify(dialog, { state: this.initialState, expires: granted });
  }

  private inDialog(request: SipRequest, tx: ServerTransaction, toTag: string, expires: number): void {
    const dialog = this.dialogs.get(request.callId);
    if (!dialog || dialog.localTag !== toTag) {
      tx.respond(createResponse(request, this.forgottenStatus, this.forgottenStatus === 481 ? 'Subscription Does Not Exist' : undefined));
      return;
    }
    dialog.subscribes.push(request);
    const granted = this.grant(expires);
    tx.respond(this.ok(request, dialog, granted));
    if (!this.autoNotify) return;
    // RFC 6665 §4.2.1.2: every accepted SUBSCRIBE, un-SUBSCRIBE included, is followed by a NOTIFY.
    void this.notify(dialog, granted === 0 ? { state: 'terminated', reason: 'timeout' } : { state: this.initialState, expires: granted });
  }

  private ok(request: SipRequest, dialog: NotifierDialog, granted: number): SipResponse {
    const { host, port } = this.options.endpoint;
    const headers: HeaderPairs = (this.options.recordRoute ?? []).map((r): [string, string] => ['Record-Route', r]);
    headers.push(['Contact', `<sip:notifier@${host}:${port}>`], ['Expires', String(granted)]);
    return createResponse(request, 200, 'OK', { toTag: dialog.localTag, headers });
  }

  private grant(expires: number): number {
    return Math.min(expires, this.options.maxExpires ?? expires);
  }

  private defaultBody(dialog: NotifierDialog): string {
    return `<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${this.version++}" state="full" entity="${dialog.resource}"/>\n`;
  }

  private get realm(): string {
    return this.options.realm ?? 'test.local';
  }

  private authorized(request: SipRequest): boolean {
    return checkDigestAuthorization(request, this.options.users ?? {}, this.realm) !== undefined;
  }
}

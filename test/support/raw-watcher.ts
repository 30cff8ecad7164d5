// A minimal SUBSCRIBE/NOTIFY watcher over UDP on 127.0.0.1, independent of the app's subscriber: it proves what the
// PBX (or the flood notifier) sends, so the integration tests of the app have a trustworthy baseline.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { DigestSession } from '../../electron/sip/auth';
import {
  createRequest,
  createResponse,
  newBranch,
  newCallId,
  newTag,
  parseMessage,
  parseNameAddr,
  type SipRequest,
  type SipResponse,
} from '../../electron/sip/message';
import { waitFor } from './wait';

/** Options for {@link startRawWatcher}. */
export interface RawWatcherOptions {
  /** UDP port on 127.0.0.1 that receives every SUBSCRIBE (initial and in-dialog): the PBX or a test notifier. */
  serverPort: number;
  /** Watcher identity `sip:user@domain`; defaults `reception` and `test.local`. */
  user?: string;
  domain?: string;
  /** When given, 401/407 challenges are answered (RFC 3261 §22.2, §22.3). */
  password?: string;
}

/** One NOTIFY as received (retransmissions included, flagged). */
export interface WatcherNotify {
  callId: string;
  event: string;
  /** Raw `Subscription-State` value, e.g. `active;expires=3599`. */
  subscriptionState: string;
  contentType: string;
  body: string;
  cseq: number;
  /** Same Call-ID and CSeq as an earlier NOTIFY: a UDP retransmission (answered 200 again). */
  duplicate: boolean;
  receivedAt: number;
  request: SipRequest;
}

/** Options for {@link RawWatcher.subscribe}. */
export interface WatcherSubscribeOptions {
  /** Resource URI, e.g. `sip:101@test.local` or a list URI. */
  uri: string;
  event: 'dialog' | 'presence';
  /** Adds `Supported: eventlist` and multipart/RLMI to Accept (RFC 4662 §5). */
  eventlist?: boolean;
  /** Default 3600. */
  expires?: number;
}

/** A subscription dialog (RFC 6665 §4.1) as far as the watcher tracks it. */
export interface WatcherSubscription {
  readonly callId: string;
  readonly uri: string;
  readonly event: string;
  /** Final response status of the initial SUBSCRIBE. */
  readonly status: number;
  readonly response: SipResponse;
  /** NOTIFYs of this subscription so far, in arrival order. */
  notifies(): WatcherNotify[];
}

/** A running watcher. */
export interface RawWatcher {
  readonly port: number;
  /** Every NOTIFY received, all subscriptions, in arrival order. */
  readonly notifies: WatcherNotify[];
  /** Sends SUBSCRIBE (answering digest challenges) and resolves with the final response; never throws on 4xx. */
  subscribe(opts: WatcherSubscribeOptions): Promise<WatcherSubscription>;
  /** In-dialog SUBSCRIBE with Expires: 0 (RFC 6665 §4.1.2.3); resolves with its final status. */
  unsubscribe(sub: WatcherSubscription): Promise<number>;
  /** Resolves with the first NOTIFY (already received or later) that matches. */
  waitForNotify(
    what: string,
    match: (n: WatcherNotify) => boolean,
    timeoutMs?: number,
  ): Promise<WatcherNotify>;
  stop(): Promise<void>;
}

const T1 = 500;
const T2 = 4000;
const ACCEPT = {
  dialog: 'application/dialog-info+xml',
  presence: 'application/pidf+xml',
} as const;

interface Dialog {
  callId: string;
  uri: string;
  event: string;
  localTag: string;
  remoteTag?: string;
  remoteTarget?: string;
  routeSet: string[];
  cseq: number;
  session?: DigestSession;
  received: WatcherNotify[];
  seenCseqs: Set<number>;
}

class Watcher implements RawWatcher {
  readonly notifies: WatcherNotify[] = [];
  private readonly dialogs = new Map<string, Dialog>();
  private readonly pending = new Map<string, (response: SipResponse) => void>();
  private readonly user: string;
  private readonly domain: string;

  constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly opts: RawWatcherOptions,
  ) {
    this.user = opts.user ?? 'reception';
    this.domain = opts.domain ?? 'test.local';
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
  }

  private onMessage(data: Buffer, rinfo: RemoteInfo): void {
    let message;
    try {
      message = parseMessage(data);
    } catch {
      return;
    }
    if (message.kind === 'response') {
      if (message.status < 200) return;
      const branch = message.vias[0]?.branch ?? '';
      this.pending.get(branch)?.(message);
      return;
    }
    const dialog = this.dialogs.get(message.callId);
    const matches = dialog && message.to.params['tag'] === dialog.localTag;
    if (message.method !== 'NOTIFY' || !matches) {
      // RFC 6665 §4.1.3: a NOTIFY that matches no subscription gets 481.
      const status = message.method === 'NOTIFY' ? 481 : 501;
      this.socket.send(createResponse(message, status).toBuffer(), rinfo.port, rinfo.address);
      return;
    }
    this.socket.send(createResponse(message, 200).toBuffer(), rinfo.port, rinfo.address);
    dialog.remoteTag ??= message.from.params['tag'] ?? undefined;
    const cseq = message.cseq.seq;
    const notify: WatcherNotify = {
      callId: message.callId,
      event: message.get('Event') ?? '',
      subscriptionState: message.get('Subscription-State') ?? '',
      contentType: message.get('Content-Type') ?? '',
      body: message.bodyText,
      cseq,
      duplicate: dialog.seenCseqs.has(cseq),
      receivedAt: Date.now(),
      request: message,
    };
    dialog.seenCseqs.add(cseq);
    dialog.received.push(notify);
    this.notifies.push(notify);
  }

  /** Client non-INVITE transaction over UDP (RFC 3261 §17.1.2): timer E from T1 doubling to T2, timeout at 64*T1. */
  private transact(request: SipRequest): Promise<SipResponse> {
    const branch = request.vias[0]?.branch ?? '';
    const bytes = request.toBuffer();
    return new Promise((resolve, reject) => {
      let interval = T1;
      let timer: NodeJS.Timeout;
      const send = (): void => this.socket.send(bytes, this.opts.serverPort, '127.0.0.1');
      const retransmit = (): void => {
        send();
        interval = Math.min(interval * 2, T2);
        timer = setTimeout(retransmit, interval);
      };
      const timeout = setTimeout(() => {
        clearTimeout(timer);
        this.pending.delete(branch);
        reject(new Error(`${request.method} ${request.uri}: no final response within 64*T1`));
      }, 64 * T1);
      this.pending.set(branch, (response) => {
        clearTimeout(timer);
        clearTimeout(timeout);
        this.pending.delete(branch);
        resolve(response);
      });
      send();
      timer = setTimeout(retransmit, interval);
    });
  }

  /** Sends `request`, answering challenges with fresh CSeq and branch each time until a final non-challenge. */
  private async send(dialog: Dialog, request: SipRequest): Promise<SipResponse> {
    for (;;) {
      dialog.session?.prepare(request);
      const response = await this.transact(request);
      const challenged = response.status === 401 || response.status === 407;
      if (!challenged || !dialog.session || dialog.session.authorize(request, response) !== 'retry')
        return response;
      dialog.cseq += 1;
      request.set('CSeq', `${dialog.cseq} SUBSCRIBE`);
      request.set('Via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${newBranch()};rport`);
    }
  }

  private subscribeRequest(
    dialog: Dialog,
    uri: string,
    expires: number,
    extra: Array<[string, string]>,
  ): SipRequest {
    const to = dialog.remoteTag ? `<${dialog.uri}>;tag=${dialog.remoteTag}` : `<${dialog.uri}>`;
    return createRequest({
      method: 'SUBSCRIBE',
      uri,
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${newBranch()};rport`],
        ...dialog.routeSet.map((r): [string, string] => ['Route', r]),
        ['Max-Forwards', '70'],
        ['From', `<sip:${this.user}@${this.domain}>;tag=${dialog.localTag}`],
        ['To', to],
        ['Call-ID', dialog.callId],
        ['CSeq', `${dialog.cseq} SUBSCRIBE`],
        ['Contact', `<sip:${this.user}@127.0.0.1:${this.port}>`],
        ['Event', dialog.event],
        ['Expires', String(expires)],
        ...extra,
        ['User-Agent', 'raw-watcher'],
      ],
    });
  }

  async subscribe(opts: WatcherSubscribeOptions): Promise<WatcherSubscription> {
    const dialog: Dialog = {
      callId: newCallId('127.0.0.1'),
      uri: opts.uri,
      event: opts.event,
      localTag: newTag(),
      routeSet: [],
      cseq: 1,
      session:
        this.opts.password === undefined
          ? undefined
          : new DigestSession({ username: this.user, password: this.opts.password }),
      received: [],
      seenCseqs: new Set(),
    };
    this.dialogs.set(dialog.callId, dialog);
    const accept = opts.eventlist
      ? `${ACCEPT[opts.event]}, application/rlmi+xml, multipart/related`
      : ACCEPT[opts.event];
    const extra: Array<[string, string]> = [['Accept', accept]];
    if (opts.eventlist) extra.push(['Supported', 'eventlist']);
    const request = this.subscribeRequest(dialog, opts.uri, opts.expires ?? 3600, extra);
    const response = await this.send(dialog, request);
    if (response.status >= 200 && response.status < 300) {
      dialog.remoteTag = response.to.params['tag'] ?? dialog.remoteTag;
      // RFC 3261 §12.1.2: the UAC's route set is the Record-Route list reversed.
      dialog.routeSet = response.getAll('Record-Route').reverse();
      const contact = response.get('Contact');
      if (contact !== undefined) dialog.remoteTarget = parseNameAddr(contact).uri;
    }
    return {
      callId: dialog.callId,
      uri: opts.uri,
      event: opts.event,
      status: response.status,
      response,
      notifies: () => [...dialog.received],
    };
  }

  async unsubscribe(sub: WatcherSubscription): Promise<number> {
    const dialog = this.dialogs.get(sub.callId);
    if (!dialog?.remoteTarget) throw new Error(`subscription ${sub.callId} has no established dialog`);
    dialog.cseq += 1;
    const request = this.subscribeRequest(dialog, dialog.remoteTarget, 0, [
      ['Accept', ACCEPT[sub.event as keyof typeof ACCEPT]],
    ]);
    return (await this.send(dialog, request)).status;
  }

  async waitForNotify(
    what: string,
    match: (n: WatcherNotify) => boolean,
    timeoutMs = 15_000,
  ): Promise<WatcherNotify> {
    // waitFor resolves only with a truthy value, i.e. a found NOTIFY.
    return (await waitFor(what, () => this.notifies.find(match), timeoutMs, 20)) as WatcherNotify;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Binds a UDP socket on 127.0.0.1 (OS-chosen port, 4 MB receive buffer for floods) and returns a watcher that
 * answers every in-dialog NOTIFY with 200 at once (duplicates included) and records it.
 */
export function startRawWatcher(opts: RawWatcherOptions): Promise<RawWatcher> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(new Watcher(socket, socket.address().port, opts));
    });
  });
}

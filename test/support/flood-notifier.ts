// A scripted dialog-event notifier for the NOTIFY flood test (issue 3): it accepts SUBSCRIBEs for Event: dialog
// (RFC 6665, RFC 4235) on 127.0.0.1 and then fires full-state dialog-info NOTIFYs at the subscriber as fast as the
// test asks, retransmitting over UDP like a real notifier, and reports which final state each resource really has.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  createResponse,
  newBranch,
  newTag,
  parseMessage,
  parseNameAddr,
  parseUri,
  type SipRequest,
} from '../../electron/sip/message';
import { dialogInfoBody, nextDialogState, type FloodDialogState, type FloodState } from './flood-bodies';
import { waitFor } from './wait';

export type { FloodState } from './flood-bodies';

/** Options for {@link startFloodNotifier}. */
export interface FloodNotifierOptions {
  /** UDP port on 127.0.0.1; default 0 (OS-chosen). */
  port?: number;
}

/** Options for {@link FloodNotifier.flood}. */
export interface FloodOptions {
  /** NOTIFYs to send, spread round-robin over the subscriptions. */
  total: number;
  /** Pacing: the sends are spread evenly over this time. */
  durationMs: number;
}

/** Outcome of {@link FloodNotifier.flood}, once every NOTIFY got a final response or timed out (64*T1). */
export interface FloodResult {
  /** Distinct NOTIFYs sent (retransmissions not counted). */
  sent: number;
  /** NOTIFYs answered with 200. */
  answered: number;
  /** NOTIFYs answered with a non-2xx final response. */
  failed: number;
  /** NOTIFYs never answered within 64*T1. */
  timedOut: number;
  /** Retransmissions sent (timer E, RFC 3261 §17.1.2.2). */
  retransmitted: number;
  /** Time from the first send until the last send. */
  sendMs: number;
  /** Time from the first send until the last flood NOTIFY got its final response. */
  settledMs: number;
  /** Send → 200 OK of the flood's NOTIFYs, first transmission to answer (ms), 50th and 99th percentile. */
  answerP50Ms: number;
  answerP99Ms: number;
  /**
   * The 99th percentile of the NOTIFYs sent after the flood's first second, when it lasts longer than two: a peer
   * whose code the flood finds cold (not yet compiled by the JIT) answers its first second late, and this tells the
   * steady state apart. NaN for shorter floods.
   */
  answerP99AfterFirstSecondMs: number;
  /** Per subscribed URI, the state and dialog-info version of the last NOTIFY sent: the tile's true final state. */
  finalStates: Map<string, { version: number; state: FloodState }>;
}

/** A running notifier. */
export interface FloodNotifier {
  readonly port: number;
  /** Active subscriptions. */
  subscriptions(): number;
  waitForSubscriptions(n: number, timeoutMs?: number): Promise<void>;
  flood(opts: FloodOptions): Promise<FloodResult>;
  stop(): Promise<void>;
}

const T1 = 500;
const T2 = 4000;
const EXPIRES = 3600;

interface Subscription {
  callId: string;
  aor: string;
  localTag: string;
  /** Subscriber's From header value (with its tag): the To of our NOTIFYs. */
  remote: string;
  target: string;
  dest: { port: number; address: string };
  routes: string[];
  event: string;
  cseq: number;
  lastSubscribeCseq: number;
  version: number;
  state: FloodDialogState;
  expiresAt: number;
}

interface Transaction {
  bytes: Buffer;
  dest: { port: number; address: string };
  timer: NodeJS.Timeout;
  interval: number;
  deadline: number;
  flood: boolean;
  /** `performance.now()` of the first transmission. */
  sentAt: number;
}

/** Only ever sends to loopback: the Contact when it names a 127/8 address, else the SUBSCRIBE's source. */
function destination(contactUri: string, rinfo: RemoteInfo): { port: number; address: string } {
  try {
    const uri = parseUri(contactUri);
    if (/^127\.\d+\.\d+\.\d+$/.test(uri.host)) return { address: uri.host, port: uri.port ?? 5060 };
  } catch {
    // Unparseable Contact: answer where the request came from.
  }
  return { address: rinfo.address, port: rinfo.port };
}

class Notifier implements FloodNotifier {
  private readonly subs = new Map<string, Subscription>();
  private readonly transactions = new Map<string, Transaction>();
  private stats = { answered: 0, failed: 0, timedOut: 0, retransmitted: 0 };
  /** Flood transactions not yet completed (a counter: scanning the table per answer is quadratic in a flood). */
  private floodInFlight = 0;
  private answerMs: number[] = [];
  /** Answer times of the NOTIFYs sent after the flood's first second (see `answerP99AfterFirstSecondMs`). */
  private answerMsAfterFirstSecond: number[] = [];
  private floodStartedAt = 0;
  private settled: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
  }

  subscriptions(): number {
    return this.subs.size;
  }

  async waitForSubscriptions(n: number, timeoutMs = 15_000): Promise<void> {
    await waitFor(`${n} subscriptions`, () => this.subs.size >= n, timeoutMs, 10);
  }

  private onMessage(data: Buffer, rinfo: RemoteInfo): void {
    let message;
    try {
      message = parseMessage(data);
    } catch {
      return;
    }
    if (message.kind === 'response') {
      if (message.status >= 200) this.complete(message.vias[0]?.branch ?? '', message.status);
      return;
    }
    this.onRequest(message, rinfo);
  }

  private reply(
    request: SipRequest,
    rinfo: RemoteInfo,
    status: number,
    headers: Array<[string, string]> = [],
    toTag?: string,
  ): void {
    const response = createResponse(request, status, undefined, { toTag, headers });
    this.socket.send(response.toBuffer(), rinfo.port, rinfo.address);
  }

  private onRequest(request: SipRequest, rinfo: RemoteInfo): void {
    if (request.method === 'ACK') return;
    if (request.method !== 'SUBSCRIBE') return this.reply(request, rinfo, 501);
    const event = request.get('Event') ?? '';
    if (event.split(';')[0]?.trim().toLowerCase() !== 'dialog') {
      return this.reply(request, rinfo, 489, [['Allow-Events', 'dialog']]);
    }
    const expires = Math.min(Number(request.get('Expires') ?? EXPIRES), EXPIRES);
    const toTag = request.to.params['tag'];
    let sub = this.subs.get(request.callId);
    if (toTag && (!sub || sub.localTag !== toTag)) return this.reply(request, rinfo, 481);
    if (sub && request.cseq.seq <= sub.lastSubscribeCseq) {
      // A retransmitted SUBSCRIBE: answer it again, nothing else changes.
      return this.reply(request, rinfo, 200, [['Expires', String(expires)]], sub.localTag);
    }
    if (!sub) {
      const contact = parseNameAddr(request.get('Contact') ?? `<${request.from.uri}>`).uri;
      sub = {
        callId: request.callId,
        aor: parseNameAddr(request.get('To') ?? '').uri,
        localTag: newTag(),
        remote: request.get('From') ?? '',
        target: contact,
        dest: destination(contact, rinfo),
        routes: request.getAll('Record-Route'),
        event,
        cseq: 0,
        lastSubscribeCseq: 0,
        version: -1,
        state: { state: 'idle' },
        expiresAt: 0,
      };
      this.subs.set(sub.callId, sub);
    }
    sub.lastSubscribeCseq = request.cseq.seq;
    sub.expiresAt = Date.now() + expires * 1000;
    this.reply(
      request,
      rinfo,
      200,
      [
        ['Expires', String(expires)],
        ['Contact', `<sip:flood@127.0.0.1:${this.port}>`],
      ],
      sub.localTag,
    );
    // RFC 6665 §4.2.1.2/§4.2.1.4: every accepted SUBSCRIBE (initial, refresh, removal) triggers a NOTIFY.
    this.notify(sub, sub.state, false, expires === 0);
    if (expires === 0) this.subs.delete(sub.callId);
  }

  /** Sends one in-dialog NOTIFY as a client transaction (timer E retransmissions until answered or 64*T1). */
  private notify(sub: Subscription, state: FloodDialogState, flood: boolean, final = false): void {
    sub.version += 1;
    sub.cseq += 1;
    sub.state = state;
    const body = dialogInfoBody(sub.aor, sub.version, state);
    const branch = newBranch();
    const remaining = Math.max(0, Math.round((sub.expiresAt - Date.now()) / 1000));
    const subState = final ? 'terminated;reason=timeout' : `active;expires=${remaining}`;
    const routes = sub.routes.map((r) => `Route: ${r}\r\n`).join('');
    const text =
      `NOTIFY ${sub.target} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport\r\n${routes}` +
      `Max-Forwards: 70\r\nFrom: <${sub.aor}>;tag=${sub.localTag}\r\nTo: ${sub.remote}\r\n` +
      `Call-ID: ${sub.callId}\r\nCSeq: ${sub.cseq} NOTIFY\r\nContact: <sip:flood@127.0.0.1:${this.port}>\r\n` +
      `Event: ${sub.event}\r\nSubscription-State: ${subState}\r\n` +
      `Content-Type: application/dialog-info+xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const bytes = Buffer.from(text, 'utf8');
    const tx: Transaction = {
      bytes,
      dest: sub.dest,
      interval: T1,
      deadline: Date.now() + 64 * T1,
      flood,
      sentAt: performance.now(),
      timer: setTimeout(() => this.retransmit(branch), T1),
    };
    this.transactions.set(branch, tx);
    if (flood) this.floodInFlight += 1;
    this.socket.send(bytes, tx.dest.port, tx.dest.address);
  }

  private retransmit(branch: string): void {
    const tx = this.transactions.get(branch);
    if (!tx || this.stopped) return;
    if (Date.now() >= tx.deadline) return this.complete(branch, 408);
    if (tx.flood) this.stats.retransmitted += 1;
    this.socket.send(tx.bytes, tx.dest.port, tx.dest.address);
    tx.interval = Math.min(tx.interval * 2, T2);
    tx.timer = setTimeout(() => this.retransmit(branch), Math.min(tx.interval, tx.deadline - Date.now()));
  }

  /** Ends a transaction: 200 answered, other finals failed, 408 (our timer F) timed out. */
  private complete(branch: string, status: number): void {
    const tx = this.transactions.get(branch);
    if (!tx) return;
    clearTimeout(tx.timer);
    this.transactions.delete(branch);
    if (tx.flood) {
      this.floodInFlight -= 1;
      if (status === 408) this.stats.timedOut += 1;
      else if (status >= 200 && status < 300) {
        this.stats.answered += 1;
        const ms = performance.now() - tx.sentAt;
        this.answerMs.push(ms);
        if (tx.sentAt >= this.floodStartedAt + 1000) this.answerMsAfterFirstSecond.push(ms);
      } else this.stats.failed += 1;
    }
    if (this.settled && this.floodInFlight === 0) this.settled();
  }

  async flood(opts: FloodOptions): Promise<FloodResult> {
    const subs = [...this.subs.values()];
    if (subs.length === 0) throw new Error('flood() needs at least one subscription');
    this.stats = { answered: 0, failed: 0, timedOut: 0, retransmitted: 0 };
    this.answerMs = [];
    this.answerMsAfterFirstSecond = [];
    const start = Date.now();
    const startedAt = performance.now();
    this.floodStartedAt = startedAt;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(
          opts.total,
          Math.ceil((opts.total * (Date.now() - start + 1)) / opts.durationMs),
        );
        for (; sent < due && !this.stopped; sent++) {
          const sub = subs[sent % subs.length] as Subscription;
          this.notify(sub, nextDialogState(sub.state), true);
        }
        if (sent >= opts.total || this.stopped) resolve();
        else setTimeout(tick, 2);
      };
      tick();
    });
    const sendMs = Date.now() - start;
    await new Promise<void>((resolve) => {
      this.settled = resolve;
      if (this.floodInFlight === 0) resolve();
    });
    this.settled = undefined;
    const settledMs = performance.now() - startedAt;
    const percentile = (values: number[], p: number): number => {
      const sorted = values.sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    };
    const at = (p: number): number => percentile(this.answerMs, p);
    const afterFirstSecond = sendMs > 2000 ? percentile(this.answerMsAfterFirstSecond, 0.99) : NaN;
    const finalStates = new Map(
      subs.map((s) => [s.aor, { version: s.version, state: s.state.state }] as const),
    );
    return { sent, ...this.stats, sendMs, settledMs, answerP50Ms: at(0.5), answerP99Ms: at(0.99), answerP99AfterFirstSecondMs: afterFirstSecond, finalStates };
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const tx of this.transactions.values()) clearTimeout(tx.timer);
    this.transactions.clear();
    this.floodInFlight = 0;
    this.settled?.();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Starts the notifier on 127.0.0.1 with large socket buffers (a flood of 5,000 datagrams must not be dropped by
 * our own kernel queue). SUBSCRIBEs for Event: dialog get 200 and an initial full-state NOTIFY (version 0, idle).
 */
export function startFloodNotifier(opts: FloodNotifierOptions = {}): Promise<FloodNotifier> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(new Notifier(socket, socket.address().port));
    });
  });
}

/**
 * The SIP stack: transports below, the transaction layer above them, and the hooks usages need (pjsip's endpoint).
 * It parses incoming bytes once, hands messages to the transaction layer, answers requests that no usage claims,
 * and reports every message sent and received to the trace. Usages (registration now; subscription, publication and
 * call later) sit on top and never touch transports directly. Every new request goes to the user-agent core
 * ({@link SipStack.core}, `ua-core/`), which routes it to a dialog usage or a method handler and answers the rest.
 */
import type { Clock } from './clock';
import { engineGuard, type EngineGuard } from './guard';
import { createResponse, parseMessage, SipParseError, type SipRequest, type SipResponse } from './message';
import { badRequestFor } from './message/bad-request';
import { TransactionLayer, type ClientTransaction, type ClientTransactionUser, type ServerTransaction, type TimerConfig } from './transaction';
import { createTransport } from './transport';
import type { Flow, TlsOptions, Transport, TransportError, TransportProtocol } from './transport/types';
import { UserAgentCore } from './ua-core';

/** One message on the wire, as the trace sees it. */
export interface WireEvent {
  direction: 'in' | 'out';
  flow: Flow;
  data: Uint8Array;
  time: number;
}

/**
 * A raw request hook for peers that are not this app's user agent (test servers, benchmark peers): returns true when
 * it handled (answered) the request. Product usages register with {@link SipStack.core} instead.
 */
export type RequestHandler = (request: SipRequest, tx: ServerTransaction) => boolean;

/**
 * A dialog usage's hook for messages outside any transaction: the ACK for a 2xx (RFC 3261 §13.3.1.4) or a 2xx that
 * arrived after the INVITE client transaction ended (a retransmission, or a second fork, §13.2.2.4). Returns true
 * when it took the message.
 */
export type StrayMessageListener<M> = (message: M, flow: Flow) => boolean;

export interface SipStackOptions {
  clock: Clock;
  timers?: Partial<TimerConfig>;
  userAgent?: string;
  /** Creates the transport for a protocol; defaults to the real UDP/TCP/TLS transports on 0.0.0.0. */
  transportFactory?: (protocol: TransportProtocol) => Transport;
  onWire?: (event: WireEvent) => void;
  /**
   * Problems worth a log line that are not errors of the caller (malformed input, stray responses). The text before
   * the first `:` names the kind of problem and never contains received bytes, so a log can rate-limit by it.
   */
  onWarning?: (message: string) => void;
  /** Where escaped errors end (see guard.ts); defaults to the process-wide {@link engineGuard}. */
  guard?: EngineGuard;
}

export class SipStack {
  readonly userAgent: string;
  readonly transactions: TransactionLayer;
  /** Contains every callback the stack runs for the event loop; its count is the number of bugs met. */
  readonly guard: EngineGuard;
  /** The stack's clock: the given one, with every timer callback run inside {@link guard}. */
  readonly clock: Clock;
  /** The user-agent core: the dialog table and per-method handlers every usage of this stack registers with. */
  readonly core: UserAgentCore;
  private readonly transports = new Map<TransportProtocol, Transport>();
  private readonly handlers: RequestHandler[] = [];
  private readonly flowClosedListeners = new Set<(flow: Flow, error?: TransportError) => void>();
  private readonly ackListeners = new Set<StrayMessageListener<SipRequest>>();
  private readonly strayResponseListeners = new Set<StrayMessageListener<SipResponse>>();
  private readonly traced = new WeakMap<Flow, Flow>();
  private closed = false;

  constructor(private readonly options: SipStackOptions) {
    this.userAgent = options.userAgent ?? 'Attendant Console';
    this.guard = options.guard ?? engineGuard;
    this.clock = this.guard.clock(options.clock);
    this.core = new UserAgentCore({ userAgent: this.userAgent });
    this.transactions = new TransactionLayer({
      clock: this.clock,
      guard: this.guard,
      timers: options.timers,
      onRequest: (request, tx) => this.dispatchRequest(request, tx),
      onAck: (ack, flow) => this.offerStray(this.ackListeners, ack, flow),
      onStrayResponse: (response, flow) => {
        if (!this.offerStray(this.strayResponseListeners, response, flow)) this.warn(`stray response dropped: ${response.status} for Call-ID ${response.callId}`);
      },
    });
  }

  /** Opens (or reuses) a flow to a target; the returned flow traces what it sends. */
  async getFlow(target: { protocol: TransportProtocol; host: string; port: number }, tls?: TlsOptions): Promise<Flow> {
    const flow = await this.transport(target.protocol).getFlow({ host: target.host, port: target.port }, tls);
    return this.wrap(flow);
  }

  /**
   * Creates the transport for `protocol` now rather than on the first outgoing flow, so a stack that only answers
   * (a test server, a benchmark peer) hears requests. Returns the transport for binding details.
   */
  listen(protocol: TransportProtocol): Transport {
    return this.transport(protocol);
  }

  /** Errors that escaped a usage, a timer or a transport callback since start (see {@link EngineGuard}). */
  get internalErrors(): number {
    return this.guard.internalErrors;
  }

  sendRequest(request: SipRequest, flow: Flow, user: ClientTransactionUser): ClientTransaction {
    return this.transactions.sendRequest(request, flow, user);
  }

  /**
   * Registers a raw handler for incoming requests, asked in order before the user-agent core — only for peers that
   * answer whatever they are sent (test servers, benchmark peers). Returns the remover.
   */
  addRequestHandler(handler: RequestHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** Hears ACKs outside any transaction (the ACK for a 2xx, RFC 3261 §13.3.1.4). Returns the remover. */
  onAck(listener: StrayMessageListener<SipRequest>): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /** Hears responses no client transaction took (2xx retransmissions and forks, RFC 3261 §13.2.2.4). Returns the remover. */
  onStrayResponse(listener: StrayMessageListener<SipResponse>): () => void {
    this.strayResponseListeners.add(listener);
    return () => this.strayResponseListeners.delete(listener);
  }

  onFlowClosed(listener: (flow: Flow, error?: TransportError) => void): () => void {
    this.flowClosedListeners.add(listener);
    return () => this.flowClosedListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transactions.shutdown();
    this.core.close();
    await Promise.all([...this.transports.values()].map((t) => t.close().catch(() => undefined)));
    this.transports.clear();
  }

  private transport(protocol: TransportProtocol): Transport {
    let transport = this.transports.get(protocol);
    if (!transport) {
      if (this.closed) throw new Error('SIP stack used after close');
      const factory = this.options.transportFactory ?? ((p) => createTransport(p, { clock: this.clock, guard: this.guard }));
      transport = factory(protocol);
      transport.on('message', this.guard.wrap('receive', (data: Buffer, flow: Flow) => this.receive(data, flow)));
      transport.on('flowClosed', (flow, error) => {
        const wrapped = this.traced.get(flow) ?? flow;
        this.guard.run('flow closed', () => this.transactions.flowClosed(wrapped, error));
        for (const listener of this.flowClosedListeners) this.guard.run('flow closed listener', () => listener(wrapped, error));
      });
      this.transports.set(protocol, transport);
    }
    return transport;
  }

  private wrap(flow: Flow): Flow {
    let wrapped = this.traced.get(flow);
    if (!wrapped) {
      const onWire = this.options.onWire;
      const clock = this.options.clock;
      wrapped = {
        id: flow.id,
        protocol: flow.protocol,
        reliable: flow.reliable,
        local: flow.local,
        remote: flow.remote,
        send(data: Uint8Array) {
          flow.send(data);
          onWire?.({ direction: 'out', flow: wrapped!, data, time: clock.wallNow() });
        },
      };
      this.traced.set(flow, wrapped);
    }
    return wrapped;
  }

  private receive(data: Buffer, rawFlow: Flow): void {
    const flow = this.wrap(rawFlow);
    this.options.onWire?.({ direction: 'in', flow, data, time: this.options.clock.wallNow() });
    let message;
    try {
      message = parseMessage(data);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.refuse(data, flow, error);
      return;
    }
    this.transactions.receive(message, flow);
  }

  /**
   * A message the parser refused: answered 400 when it is a request whose Via, From, To, Call-ID and CSeq can be
   * copied safely (RFC 3261 §8.2.6, §21.4.1), so the sender stops retransmitting; dropped otherwise (§18.3 for a
   * datagram). Either way it is reported as a warning.
   */
  private refuse(data: Buffer, flow: Flow, error: SipParseError): void {
    const response = badRequestFor(data);
    let answered = false;
    if (response) {
      try {
        this.transactions.sendStateless(response, flow);
        answered = true;
      } catch {
        // The flow is gone: nothing to answer on, and nothing else to do.
      }
    }
    this.warn(`malformed SIP message ${answered ? 'answered 400' : 'dropped'}: from ${flow.remote.host}:${flow.remote.port}: ${error.message}`);
  }

  /**
   * Offers a new request to the raw handlers in order, then to the user-agent core, which answers whatever no usage
   * takes. A usage that throws has a bug: the guard reports it and the request gets 500 (RFC 3261 §21.5.1) if the
   * usage left it unanswered, so the peer does not wait for Timer F.
   */
  private dispatchRequest(request: SipRequest, tx: ServerTransaction): void {
    for (const handler of this.handlers) {
      let failed = true;
      const claimed = this.guard.run('request handler', () => {
        const result = handler(request, tx);
        failed = false;
        return result;
      });
      if (failed) return this.answerAfterBug(request, tx);
      if (claimed) return;
    }
    let failed = true;
    this.guard.run('request handler', () => {
      this.core.receive(request, tx);
      failed = false;
    });
    if (failed) this.answerAfterBug(request, tx);
  }

  /** Offers a message outside any transaction to each listener until one takes it; a throwing listener is a bug. */
  private offerStray<M>(listeners: Set<StrayMessageListener<M>>, message: M, flow: Flow): boolean {
    for (const listener of listeners) if (this.guard.run('stray message listener', () => listener(message, flow))) return true;
    return false;
  }

  private answerAfterBug(request: SipRequest, tx: ServerTransaction): void {
    if (!tx.lastResponse || tx.lastResponse.status < 200) this.guard.run('500 after a failed handler', () => tx.respond(createResponse(request, 500, 'Server Internal Error')));
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}

import { TransportEmitter, flowId, hostPort } from '../transport-emitter';
import { TransportError, type Endpoint, type Flow, type Transport, type TransportProtocol } from '../types';

/** One message that crossed (or was dropped by) a {@link FakeNetwork}. */
export interface FakeDatagram {
  data: Buffer;
  /** `data` as UTF-8, for readable assertions. */
  text: string;
  from: Endpoint;
  to: Endpoint;
}

/** Decides whether a message is delivered; return false to drop it. */
export type FakeFilter = (data: Buffer, from: Endpoint, to: Endpoint) => boolean;

/**
 * In-memory network linking {@link FakeTransport}s, for testing the layers above the transport without sockets.
 * Delivery is asynchronous (a microtask), like a real network; loss is injected with {@link FakeNetwork.dropNext}
 * or {@link FakeNetwork.setFilter} so retransmission timers can be exercised.
 */
export class FakeNetwork {
  /** Every message handed to the network and not dropped, in send order. */
  readonly sent: FakeDatagram[] = [];
  /** Every message dropped by `dropNext`, the filter, or for lack of a receiver. */
  readonly dropped: FakeDatagram[] = [];
  private readonly transports = new Map<string, FakeTransport>();
  private dropCount = 0;
  private filter: FakeFilter | undefined;

  /** Registers an agent's transport at `endpoint`; one transport per protocol, host and port. */
  transport(endpoint: Endpoint): FakeTransport {
    const key = endpointKey(endpoint);
    if (this.transports.has(key)) throw new Error(`FakeNetwork: ${key} is already registered`);
    const transport = new FakeTransport(this, { ...endpoint });
    this.transports.set(key, transport);
    return transport;
  }

  /** Drops the next `count` messages sent by anyone. */
  dropNext(count = 1): void {
    this.dropCount += count;
  }

  /** Installs (or with `undefined` removes) a predicate deciding delivery of each message. */
  setFilter(filter: FakeFilter | undefined): void {
    this.filter = filter;
  }

  /** Resolves once every delivery queued so far, and any they trigger in turn, has run. */
  flush(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** @internal */
  lookup(protocol: TransportProtocol, host: string, port: number): FakeTransport | undefined {
    return this.transports.get(endpointKey({ protocol, host, port }));
  }

  /** @internal */
  unregister(transport: FakeTransport): void {
    const key = endpointKey(transport.endpoint);
    if (this.transports.get(key) === transport) this.transports.delete(key);
  }

  /** @internal */
  carry(flow: FakeFlow, data: Buffer): void {
    const datagram: FakeDatagram = { data, text: data.toString('utf8'), from: flow.local, to: flow.remote };
    if (this.dropCount > 0) {
      this.dropCount--;
      this.dropped.push(datagram);
      return;
    }
    if (this.filter && !this.filter(data, flow.local, flow.remote)) {
      this.dropped.push(datagram);
      return;
    }
    this.sent.push(datagram);
    queueMicrotask(() => {
      const peer = this.lookup(flow.remote.protocol, flow.remote.host, flow.remote.port);
      if (peer) peer.receive(flow.local, data);
      else this.dropped.push(datagram);
    });
  }
}

/** A flow between two fake endpoints. */
export class FakeFlow implements Flow {
  readonly id: string;
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** @internal */
  closed = false;

  constructor(
    private readonly network: FakeNetwork,
    local: Endpoint,
    remote: Endpoint,
  ) {
    this.protocol = local.protocol;
    this.reliable = local.protocol !== 'udp';
    this.local = { ...local };
    this.remote = { ...remote };
    this.id = flowId(this.protocol, local, remote);
  }

  send(data: Uint8Array): void {
    if (this.closed) throw new TransportError(`${this.id} is closed`, 'closed', this.remote);
    this.network.carry(this, Buffer.from(data));
  }
}

/** An in-memory {@link Transport} registered on a {@link FakeNetwork}. */
export class FakeTransport extends TransportEmitter implements Transport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  private readonly flows = new Map<string, FakeFlow>();
  private closed = false;

  constructor(
    private readonly network: FakeNetwork,
    readonly endpoint: Endpoint,
  ) {
    super();
    this.protocol = endpoint.protocol;
    this.reliable = endpoint.protocol !== 'udp';
  }

  /** Connection-oriented flows need a registered peer ('connect-failed' otherwise); UDP flows never fail here. */
  async getFlow(remote: { host: string; port: number }): Promise<Flow> {
    if (this.closed) throw new TransportError('transport is closed', 'closed', remote);
    const existing = this.flows.get(hostPort(remote.host, remote.port));
    if (existing) return existing;
    if (this.reliable && !this.network.lookup(this.protocol, remote.host, remote.port)) {
      throw new TransportError(
        `connect to ${hostPort(remote.host, remote.port)} refused`,
        'connect-failed',
        remote,
      );
    }
    return this.flowTo(remote);
  }

  /**
   * Ends the flow to `remote` as if the connection broke, reporting `error` here; for TCP/TLS the peer sees its
   * side close too.
   */
  closeFlow(remote: { host: string; port: number }, error?: TransportError): void {
    const flow = this.flows.get(hostPort(remote.host, remote.port));
    if (!flow) return;
    this.drop(flow, error);
    if (this.reliable)
      this.network.lookup(this.protocol, remote.host, remote.port)?.peerClosed(this.endpoint);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.network.unregister(this);
    for (const flow of [...this.flows.values()]) {
      this.drop(flow);
      if (this.reliable)
        this.network.lookup(this.protocol, flow.remote.host, flow.remote.port)?.peerClosed(this.endpoint);
    }
  }

  /** @internal Delivers a message from `from` to this transport's listeners. */
  receive(from: Endpoint, data: Buffer): void {
    if (this.closed) return;
    this.emitMessage(data, this.flowTo(from));
  }

  /** @internal The peer closed its side of a connection. */
  peerClosed(remote: Endpoint): void {
    const flow = this.flows.get(hostPort(remote.host, remote.port));
    if (flow) this.drop(flow);
  }

  private flowTo(remote: { host: string; port: number }): FakeFlow {
    const key = hostPort(remote.host, remote.port);
    let flow = this.flows.get(key);
    if (!flow) {
      flow = new FakeFlow(this.network, this.endpoint, {
        protocol: this.protocol,
        host: remote.host,
        port: remote.port,
      });
      this.flows.set(key, flow);
    }
    return flow;
  }

  private drop(flow: FakeFlow, error?: TransportError): void {
    flow.closed = true;
    this.flows.delete(hostPort(flow.remote.host, flow.remote.port));
    this.emitFlowClosed(flow, error);
  }
}

function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.protocol}:${hostPort(endpoint.host, endpoint.port)}`;
}

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { engineGuard, type EngineGuard } from '../guard';
import { TransportEmitter, flowId, hostPort } from './transport-emitter';
import { TransportError, type Endpoint, type Flow, type Transport } from './types';

/** Options for {@link UdpTransport}. */
export interface UdpTransportOptions {
  /** Address to bind. Default `0.0.0.0` (all IPv4 interfaces). */
  host?: string;
  /** Port to bind. Default 0 (kernel-chosen). */
  port?: number;
  /** Requested SO_RCVBUF; bursts of NOTIFYs (one per watched extension) must not be dropped. Default 8 MiB. */
  recvBufferSize?: number;
  /** Contains errors thrown while a datagram is handled; defaults to the process-wide guard. */
  guard?: EngineGuard;
  /** Most flows kept in the cache; the least recently used goes first. Default {@link UDP_MAX_FLOWS}. */
  maxFlows?: number;
}

/**
 * Default bound of the flow cache. Any datagram, from any (spoofable) source address, creates a flow: without a
 * bound a stream of forged sources grows the cache forever (issue 7, "memory stays bounded"). A console talks to
 * a handful of peers, so 4096 is far above real use.
 */
export const UDP_MAX_FLOWS = 4096;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The socket's address lookup. Node's default (`dns.lookup`) answers an IP literal on the next tick, so every
 * datagram sent would wait for an extra tick; flows always name an IP, answered here at once. Names still resolve.
 */
function lookupLiteral(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/** Empty and CRLF-only datagrams are keep-alives (RFC 5626 §3.5.1). */
function isKeepAlive(data: Buffer): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0x0d && data[i] !== 0x0a) return false;
  return true;
}

/** One remote host:port over the shared socket. */
class UdpFlow implements Flow {
  readonly id: string;
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  readonly local: Endpoint;
  readonly remote: Endpoint;

  constructor(
    local: { host: string; port: number },
    remote: { host: string; port: number },
    private readonly transport: UdpTransport,
  ) {
    this.local = { protocol: 'udp', ...local };
    this.remote = { protocol: 'udp', ...remote };
    this.id = flowId('udp', local, remote);
  }

  /** @internal Completion callback of every datagram this flow sends (one function, not one per datagram). */
  readonly onSent = (err: Error | null): void => {
    if (err) this.transport.sendFailed(this, err);
  };

  send(data: Uint8Array): void {
    this.transport.sendTo(this, data);
  }
}

/**
 * SIP over UDP (RFC 3261 §18): one bound socket, a cached {@link Flow} per remote host:port. A flow's local host
 * is the address the kernel would send from towards that remote, so Via and Contact name a reachable address.
 *
 * The cache is bounded (least recently used out), and evicting a flow someone still holds is harmless: a UDP flow
 * is only an address pair over the shared socket, with no state of its own. Whoever holds it (a registration, a
 * transaction, the stack's `traced` WeakMap) keeps sending through it, and the next datagram from that peer gets
 * a new flow with the same `id`, which is what every layer matches flows by. Eviction is therefore not a close:
 * no `flowClosed` is emitted, as that would fail the transactions and registrations on the flow.
 */
export class UdpTransport extends TransportEmitter implements Transport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  private socket: Socket | undefined;
  private bound: { host: string; port: number } | undefined;
  private starting: Promise<this> | undefined;
  /** By host:port, least recently used first (a Map keeps insertion order; a hit re-inserts). */
  private readonly flows = new Map<string, UdpFlow>();
  private readonly maxFlows: number;
  /** The flow of the last datagram received: a flood of NOTIFYs comes from one peer, so this saves a key per datagram. */
  private lastFlow: UdpFlow | undefined;
  private readonly resolving = new Map<string, Promise<UdpFlow>>();
  private closed = false;
  private readonly guard: EngineGuard;

  constructor(private readonly options: UdpTransportOptions = {}) {
    super();
    this.guard = options.guard ?? engineGuard;
    this.maxFlows = Math.max(1, options.maxFlows ?? UDP_MAX_FLOWS);
  }

  /** How many flows the cache holds. */
  get flowCount(): number {
    return this.flows.size;
  }

  /** Binds the socket; idempotent. Incoming datagrams are only received once started. */
  start(): Promise<this> {
    this.starting ??= this.bind();
    return this.starting;
  }

  /** The bound address and port. */
  get localAddress(): Endpoint {
    // Reading addresses before start() is a programming error, not a network condition.
    if (!this.bound) throw new Error('UDP transport not started');
    return { protocol: 'udp', ...this.bound };
  }

  /** Receive buffer size the kernel actually granted (Linux reports twice the usable size). */
  get recvBufferSize(): number {
    if (!this.socket) throw new Error('UDP transport not started');
    return this.socket.getRecvBufferSize();
  }

  async getFlow(remote: { host: string; port: number }): Promise<Flow> {
    if (this.closed) throw new TransportError('transport is closed', 'closed', remote);
    await this.start();
    return this.flowFor(remote.host, remote.port);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    const flows = [...this.flows.values()];
    this.flows.clear();
    this.lastFlow = undefined;
    for (const flow of flows) this.emitFlowClosed(flow);
  }

  /** @internal Sends for a flow; errors after the datagram left the process end that flow. */
  sendTo(flow: UdpFlow, data: Uint8Array): void {
    const socket = this.socket;
    if (this.closed || !socket)
      throw new TransportError(`${flow.id}: transport is closed`, 'closed', flow.remote);
    try {
      socket.send(data, flow.remote.port, flow.remote.host, flow.onSent);
    } catch (err) {
      throw new TransportError(
        `${flow.id}: send failed: ${(err as Error).message}`,
        'write-failed',
        flow.remote,
      );
    }
  }

  /** @internal A datagram of `flow` failed after it left the process: the flow ends. */
  sendFailed(flow: UdpFlow, err: Error): void {
    const key = hostPort(flow.remote.host, flow.remote.port);
    if (this.flows.get(key) === flow) this.flows.delete(key);
    if (this.lastFlow === flow) this.lastFlow = undefined;
    this.emitFlowClosed(
      flow,
      new TransportError(`${flow.id}: send failed: ${err.message}`, 'write-failed', flow.remote),
    );
  }

  private async bind(): Promise<this> {
    if (this.closed) throw new TransportError('transport is closed', 'closed');
    const host = this.options.host ?? '0.0.0.0';
    const port = this.options.port ?? 0;
    const socket = createSocket({ type: isIPv6(host) || host === '::' ? 'udp6' : 'udp4', lookup: lookupLiteral });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.close();
        reject(
          new TransportError(`cannot bind UDP ${hostPort(host, port)}: ${err.message}`, 'connect-failed', {
            host,
            port,
          }),
        );
      });
      socket.bind(port, host, () => resolve());
    });
    try {
      socket.setRecvBufferSize(this.options.recvBufferSize ?? 8 * 1024 * 1024);
    } catch {
      // The kernel may refuse the size (e.g. a container's limits); the granted size stays readable via the getter.
    }
    // ICMP errors surface here on some platforms; the affected sends report through their callbacks.
    socket.on('error', () => {});
    socket.on('message', this.guard.wrap('UDP receive', (data: Buffer, rinfo: RemoteInfo) => this.receive(data, rinfo)));
    const address = socket.address();
    this.bound = { host: address.address, port: address.port };
    this.socket = socket;
    return this;
  }

  private receive(data: Buffer, rinfo: RemoteInfo): void {
    if (isKeepAlive(data)) return;
    const last = this.lastFlow;
    if (last !== undefined && last.remote.port === rinfo.port && last.remote.host === rinfo.address) {
      this.emitMessage(data, last);
      return;
    }
    const cached = this.touch(hostPort(rinfo.address, rinfo.port));
    if (cached) {
      this.lastFlow = cached;
      this.emitMessage(data, cached);
      return;
    }
    // Resolution of a new flow is asynchronous; later datagrams await the same promise, so order is preserved.
    this.flowFor(rinfo.address, rinfo.port).then(
      (flow) => this.guard.run('UDP receive', () => this.emitMessage(data, flow)),
      () => {},
    );
  }

  private flowFor(host: string, port: number): Promise<UdpFlow> {
    const key = hostPort(host, port);
    const cached = this.touch(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.resolving.get(key);
    if (!pending) {
      pending = this.localHostFor(host, port)
        .then((localHost) => {
          if (this.closed) throw new TransportError('transport is closed', 'closed', { host, port });
          const flow = new UdpFlow({ host: localHost, port: this.localAddress.port }, { host, port }, this);
          this.flows.set(key, flow);
          this.evictOverflow();
          return flow;
        })
        .finally(() => this.resolving.delete(key));
      this.resolving.set(key, pending);
    }
    return pending;
  }

  /**
   * The cached flow of `key`, marked most recently used. Datagrams from the peer of `lastFlow` skip this to keep
   * the flood path at two comparisons, so that flow's age can be stale: at worst it is evicted and made again.
   */
  private touch(key: string): UdpFlow | undefined {
    const flow = this.flows.get(key);
    if (flow) {
      this.flows.delete(key);
      this.flows.set(key, flow);
    }
    return flow;
  }

  /** Drops the least recently used flows over the bound; see the class comment for why that is safe. */
  private evictOverflow(): void {
    for (const [key, flow] of this.flows) {
      if (this.flows.size <= this.maxFlows) return;
      this.flows.delete(key);
      if (this.lastFlow === flow) this.lastFlow = undefined;
    }
  }

  /** Asks the routing table which source address reaches `host`; connecting a UDP socket sends nothing. */
  private async localHostFor(host: string, port: number): Promise<string> {
    const bound = this.localAddress.host;
    if (!WILDCARDS.has(bound)) return bound;
    const probe = createSocket({ type: bound === '::' ? 'udp6' : 'udp4' });
    try {
      return await new Promise<string>((resolve, reject) => {
        probe.once('error', reject);
        probe.connect(port, host, () => resolve(probe.address().address));
      });
    } catch (err) {
      throw new TransportError(
        `no route to ${hostPort(host, port)}: ${(err as Error).message}`,
        'connect-failed',
        { host, port },
      );
    } finally {
      probe.close();
    }
  }
}

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
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
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

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

  send(data: Uint8Array): void {
    this.transport.sendTo(this, data);
  }
}

/**
 * SIP over UDP (RFC 3261 §18): one bound socket, a cached {@link Flow} per remote host:port. A flow's local host
 * is the address the kernel would send from towards that remote, so Via and Contact name a reachable address.
 */
export class UdpTransport extends TransportEmitter implements Transport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  private socket: Socket | undefined;
  private bound: { host: string; port: number } | undefined;
  private starting: Promise<this> | undefined;
  private readonly flows = new Map<string, UdpFlow>();
  private readonly resolving = new Map<string, Promise<UdpFlow>>();
  private closed = false;

  constructor(private readonly options: UdpTransportOptions = {}) {
    super();
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
    for (const flow of flows) this.emitFlowClosed(flow);
  }

  /** @internal Sends for a flow; errors after the datagram left the process end that flow. */
  sendTo(flow: UdpFlow, data: Uint8Array): void {
    const socket = this.socket;
    if (this.closed || !socket)
      throw new TransportError(`${flow.id}: transport is closed`, 'closed', flow.remote);
    try {
      socket.send(data, flow.remote.port, flow.remote.host, (err) => {
        if (!err) return;
        if (this.flows.get(hostPort(flow.remote.host, flow.remote.port)) === flow)
          this.flows.delete(hostPort(flow.remote.host, flow.remote.port));
        this.emitFlowClosed(
          flow,
          new TransportError(`${flow.id}: send failed: ${err.message}`, 'write-failed', flow.remote),
        );
      });
    } catch (err) {
      throw new TransportError(
        `${flow.id}: send failed: ${(err as Error).message}`,
        'write-failed',
        flow.remote,
      );
    }
  }

  private async bind(): Promise<this> {
    if (this.closed) throw new TransportError('transport is closed', 'closed');
    const host = this.options.host ?? '0.0.0.0';
    const port = this.options.port ?? 0;
    const socket = createSocket({ type: isIPv6(host) || host === '::' ? 'udp6' : 'udp4' });
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
    socket.on('message', (data, rinfo) => this.receive(data, rinfo));
    const address = socket.address();
    this.bound = { host: address.address, port: address.port };
    this.socket = socket;
    return this;
  }

  private receive(data: Buffer, rinfo: RemoteInfo): void {
    // Empty and CRLF-only datagrams are keep-alives (RFC 5626 §3.5.1); nothing to deliver.
    if (data.every((byte) => byte === 0x0d || byte === 0x0a)) return;
    const cached = this.flows.get(hostPort(rinfo.address, rinfo.port));
    if (cached) {
      this.emitMessage(data, cached);
      return;
    }
    // Resolution of a new flow is asynchronous; later datagrams await the same promise, so order is preserved.
    this.flowFor(rinfo.address, rinfo.port).then(
      (flow) => this.emitMessage(data, flow),
      () => {},
    );
  }

  private flowFor(host: string, port: number): Promise<UdpFlow> {
    const key = hostPort(host, port);
    const cached = this.flows.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.resolving.get(key);
    if (!pending) {
      pending = this.localHostFor(host, port)
        .then((localHost) => {
          if (this.closed) throw new TransportError('transport is closed', 'closed', { host, port });
          const flow = new UdpFlow({ host: localHost, port: this.localAddress.port }, { host, port }, this);
          this.flows.set(key, flow);
          return flow;
        })
        .finally(() => this.resolving.delete(key));
      this.resolving.set(key, pending);
    }
    return pending;
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

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { StreamTransport, type StreamTransportOptions } from './stream-transport';
import { hostPort } from './transport-emitter';
import { TransportError, type Endpoint, type Flow, type TlsOptions } from './types';

/** Options for {@link TcpTransport}. */
export interface TcpTransportOptions extends StreamTransportOptions {
  /** Also accept incoming connections here; each becomes a flow (responses reuse it, RFC 3261 §18.2.2). */
  listen?: { host: string; port: number };
}

/** SIP over TCP (RFC 3261 §18). Listening starts with {@link TcpTransport.start} or the first `getFlow`. */
export class TcpTransport extends StreamTransport {
  readonly protocol = 'tcp' as const;
  protected readonly readyEvent = 'connect' as const;
  private server: Server | undefined;
  private starting: Promise<this> | undefined;

  constructor(private readonly options: TcpTransportOptions = {}) {
    super(options);
  }

  override async getFlow(remote: { host: string; port: number }, tls?: TlsOptions): Promise<Flow> {
    await this.start();
    return super.getFlow(remote, tls);
  }

  /** Opens the listening socket if `listen` was given; idempotent. */
  start(): Promise<this> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<this> {
    const listen = this.options.listen;
    if (!listen) return this;
    const server = createServer(this.guard.wrap('TCP accept', (socket: Socket) => this.accept(socket)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new TransportError(
            `cannot listen on ${hostPort(listen.host, listen.port)}: ${err.message}`,
            'connect-failed',
            listen,
          ),
        ),
      );
      server.listen(listen.port, listen.host, () => resolve());
    });
    // Accept errors (e.g. out of descriptors) affect one connection attempt, not the transport.
    server.on('error', () => {});
    this.server = server;
    return this;
  }

  /** The address actually listened on (with the kernel-chosen port when 0 was asked for). */
  get listenAddress(): Endpoint | undefined {
    const address = this.server?.address();
    if (!address || typeof address === 'string') return undefined;
    return { protocol: 'tcp', host: address.address, port: address.port };
  }

  protected dial(remote: { host: string; port: number }): Socket {
    return createConnection({ host: remote.host, port: remote.port });
  }

  protected override async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (!socket.remoteAddress || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    try {
      this.adopt(socket, hostPort(socket.remoteAddress, socket.remotePort), false);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
    }
  }
}

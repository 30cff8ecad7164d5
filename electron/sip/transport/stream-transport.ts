import type { Socket } from 'node:net';
import { SystemClock, type Clock } from '../clock';
import { engineGuard, type EngineGuard } from '../guard';
import { StreamConnection } from './stream-connection';
import { TransportEmitter, hostPort } from './transport-emitter';
import { TransportError, type Flow, type TlsOptions, type Transport } from './types';

/** Options shared by the TCP and TLS transports. */
export interface StreamTransportOptions {
  /** Timer source for connect timeouts and keep-alives; tests pass a FakeClock. */
  clock?: Clock;
  /** Time allowed for the TCP connect (and TLS handshake). Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** CRLFCRLF ping after this much silence on an outgoing connection (RFC 5626 §4.4.1). Default 30 000; 0 = off. */
  keepAliveIntervalMs?: number;
  /** Close the flow if nothing arrives this long after a ping. Default 10 000 ms. */
  keepAliveTimeoutMs?: number;
  /** Header section cap per message; a larger one closes the connection. Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Body cap per message; a larger Content-Length closes the connection. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Contains errors thrown while a connection's bytes are handled; defaults to the process-wide guard. */
  guard?: EngineGuard;
}

/**
 * Connection management common to TCP and TLS: one connection per remote (reused, RFC 3261 §18.1.1 / §18.2.2),
 * concurrent `getFlow` calls share one connect attempt, and a connect that outlives its timeout is abandoned.
 */
export abstract class StreamTransport extends TransportEmitter implements Transport {
  abstract readonly protocol: 'tcp' | 'tls';
  readonly reliable = true;
  protected readonly clock: Clock;
  protected readonly guard: EngineGuard;
  private readonly connectTimeoutMs: number;
  private readonly flows = new Map<string, StreamConnection>();
  private readonly connecting = new Map<string, Promise<StreamConnection>>();
  private readonly live = new Set<StreamConnection>();
  private closing = false;

  constructor(private readonly streamOptions: StreamTransportOptions = {}) {
    super();
    this.clock = streamOptions.clock ?? new SystemClock();
    this.guard = streamOptions.guard ?? engineGuard;
    this.connectTimeoutMs = streamOptions.connectTimeoutMs ?? 10_000;
  }

  getFlow(remote: { host: string; port: number }, tls?: TlsOptions): Promise<Flow> {
    if (this.closing) return Promise.reject(new TransportError('transport is closed', 'closed', remote));
    const key = this.flowKey(remote, tls);
    const open = this.flows.get(key);
    if (open?.open) return Promise.resolve(open);
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = this.connect(remote, tls)
        .then((socket) => this.adopt(socket, key, true))
        .finally(() => this.connecting.delete(key));
      this.connecting.set(key, pending);
    }
    return pending;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const connection of [...this.live]) connection.close();
    await this.stopListening();
  }

  /** Starts a connection attempt; the socket must emit `readyEvent` once usable. */
  protected abstract dial(remote: { host: string; port: number }, tls: TlsOptions | undefined): Socket;
  protected abstract readonly readyEvent: 'connect' | 'secureConnect';

  /** Checks a socket that reached `readyEvent`; returns the reason to refuse it, if any. */
  protected verify(
    _socket: Socket,
    _remote: { host: string; port: number },
    _tls: TlsOptions | undefined,
  ): TransportError | undefined {
    return undefined;
  }

  /** Maps a socket error during connect to a {@link TransportError}. */
  protected connectError(err: Error, remote: { host: string; port: number }): TransportError {
    return new TransportError(
      `connect to ${hostPort(remote.host, remote.port)} failed: ${err.message}`,
      'connect-failed',
      remote,
    );
  }

  /** Distinguishes connections to one remote that must not be shared (TLS: different trust settings). */
  protected flowKey(remote: { host: string; port: number }, _tls: TlsOptions | undefined): string {
    return hostPort(remote.host, remote.port);
  }

  protected async stopListening(): Promise<void> {}

  /** Wraps a connected socket as a flow; incoming connections never send keep-alive pings (RFC 5626 §4.4.1). */
  protected adopt(socket: Socket, key: string, outgoing: boolean): StreamConnection {
    if (this.closing) {
      socket.destroy();
      throw new TransportError('transport is closed', 'closed');
    }
    const o = this.streamOptions;
    const connection = new StreamConnection(socket, {
      protocol: this.protocol,
      clock: this.clock,
      guard: this.guard,
      keepAliveIntervalMs: outgoing ? (o.keepAliveIntervalMs ?? 30_000) : 0,
      keepAliveTimeoutMs: o.keepAliveTimeoutMs ?? 10_000,
      maxHeaderBytes: o.maxHeaderBytes,
      maxBodyBytes: o.maxBodyBytes,
      onMessage: (data, flow) => this.emitMessage(data, flow),
      onClose: (flow, error) => {
        if (this.flows.get(key) === flow) this.flows.delete(key);
        this.live.delete(flow);
        this.emitFlowClosed(flow, error);
      },
    });
    const previous = this.flows.get(key);
    if (!previous?.open) this.flows.set(key, connection);
    this.live.add(connection);
    return connection;
  }

  private connect(remote: { host: string; port: number }, tls: TlsOptions | undefined): Promise<Socket> {
    return new Promise((resolve, reject) => {
      let socket: Socket;
      try {
        socket = this.dial(remote, tls);
      } catch (err) {
        reject(err instanceof TransportError ? err : this.connectError(err as Error, remote));
        return;
      }
      const cleanup = (): void => {
        this.clock.clearTimeout(timer);
        socket.off('error', onError);
        socket.off(this.readyEvent, onReady);
      };
      const fail = (error: TransportError): void => {
        cleanup();
        // A late error from the abandoned socket must not become an uncaught exception.
        socket.on('error', () => {});
        socket.destroy();
        reject(error);
      };
      const onError = (err: Error): void => fail(this.connectError(err, remote));
      const onReady = (): void => {
        const refusal = this.verify(socket, remote, tls);
        if (refusal) return fail(refusal);
        cleanup();
        resolve(socket);
      };
      const timer = this.clock.setTimeout(
        () =>
          fail(
            new TransportError(
              `connect to ${hostPort(remote.host, remote.port)} timed out after ${this.connectTimeoutMs} ms`,
              'timeout',
              remote,
            ),
          ),
        this.connectTimeoutMs,
      );
      socket.once('error', onError);
      socket.once(this.readyEvent, onReady);
    });
  }
}

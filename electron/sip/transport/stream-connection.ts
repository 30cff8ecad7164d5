import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../clock';
import type { EngineGuard } from '../guard';
import { FramingError, StreamFramer } from './stream-framer';
import { flowId } from './transport-emitter';
import { TransportError, type Endpoint, type Flow, type TransportProtocol } from './types';

const PING = Buffer.from('\r\n\r\n');
const PONG = Buffer.from('\r\n');

export interface StreamConnectionOptions {
  protocol: Extract<TransportProtocol, 'tcp' | 'tls'>;
  clock: Clock;
  /** Where an error thrown while received bytes are handled ends (the connection is closed first). */
  guard: EngineGuard;
  /** Send a CRLFCRLF ping after this long without receiving anything; 0 disables (RFC 5626 §4.4.1). */
  keepAliveIntervalMs: number;
  /** Close the flow when nothing arrives this long after a ping. */
  keepAliveTimeoutMs: number;
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
  onMessage: (data: Buffer, flow: StreamConnection) => void;
  onClose: (flow: StreamConnection, error?: TransportError) => void;
}

/**
 * One TCP or TLS connection as a {@link Flow}: frames incoming bytes into messages, answers and sends CRLF
 * keep-alives, and reports its end exactly once. The socket must already be connected (and, for TLS, verified).
 */
export class StreamConnection implements Flow {
  readonly id: string;
  readonly protocol: 'tcp' | 'tls';
  readonly reliable = true;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  private readonly framer: StreamFramer;
  private lastReceived: number;
  private keepAliveTimer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: StreamConnectionOptions,
  ) {
    this.protocol = options.protocol;
    this.local = { protocol: this.protocol, host: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.remote = { protocol: this.protocol, host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.id = flowId(this.protocol, this.local, this.remote);
    this.framer = new StreamFramer({
      maxHeaderBytes: options.maxHeaderBytes,
      maxBodyBytes: options.maxBodyBytes,
      onKeepAlive: (signal) => {
        if (signal === 'ping') this.write(PONG);
      },
    });
    this.lastReceived = options.clock.now();
    socket.setNoDelay(true);
    socket.on('data', options.guard.wrap(`${this.protocol} receive`, (chunk: Buffer) => this.receive(chunk)));
    socket.on('error', (err) =>
      this.close(new TransportError(`${this.id}: ${err.message}`, 'closed', this.remote)),
    );
    socket.on('close', () => this.close());
    this.scheduleKeepAlive();
  }

  /** Whether the connection can still carry messages. */
  get open(): boolean {
    return !this.closed;
  }

  send(data: Uint8Array): void {
    if (this.closed || !this.socket.writable)
      throw new TransportError(`${this.id} is closed`, 'closed', this.remote);
    this.write(data);
  }

  /** Ends the connection; `error` says why it failed. Idempotent: only the first call reports `flowClosed`. */
  close(error?: TransportError): void {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimeout(this.keepAliveTimer);
    this.options.clock.clearTimeout(this.pongTimer);
    this.socket.destroy();
    this.options.onClose(this, error);
  }

  private write(data: Uint8Array): void {
    this.socket.write(data, (err) => {
      if (err)
        this.close(
          new TransportError(`${this.id}: write failed: ${err.message}`, 'write-failed', this.remote),
        );
    });
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    // Any bytes prove the peer alive, a pong included (RFC 5626 §4.4.1).
    this.lastReceived = this.options.clock.now();
    if (this.pongTimer) {
      this.options.clock.clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      this.scheduleKeepAlive();
    }
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (err) {
      // The framer's state is unknown after a throw, so the connection ends either way; only a FramingError is
      // expected (RFC 3261 §18.3: a stream cannot resynchronise), anything else is a bug for the guard.
      const reason = err instanceof FramingError ? 'framing error' : 'internal error';
      const error = new TransportError(`${this.id}: ${reason}: ${(err as Error).message}`, 'closed', this.remote);
      error.cause = err;
      this.close(error);
      if (!(err instanceof FramingError)) throw err;
      return;
    }
    for (const message of messages) {
      if (this.closed) return;
      this.options.onMessage(message, this);
    }
  }

  /** Checks for idleness once per interval after the last received byte; only silence triggers a ping. */
  private scheduleKeepAlive(): void {
    const interval = this.options.keepAliveIntervalMs;
    if (interval <= 0 || this.closed) return;
    this.options.clock.clearTimeout(this.keepAliveTimer);
    const due = this.lastReceived + interval - this.options.clock.now();
    this.keepAliveTimer = this.options.clock.setTimeout(() => this.keepAliveDue(), Math.max(0, due));
  }

  private keepAliveDue(): void {
    this.keepAliveTimer = undefined;
    if (this.closed) return;
    if (this.options.clock.now() - this.lastReceived < this.options.keepAliveIntervalMs) {
      this.scheduleKeepAlive();
      return;
    }
    this.write(PING);
    this.pongTimer = this.options.clock.setTimeout(() => {
      this.pongTimer = undefined;
      this.close(
        new TransportError(
          `${this.id}: no keep-alive pong within ${this.options.keepAliveTimeoutMs} ms`,
          'timeout',
          this.remote,
        ),
      );
    }, this.options.keepAliveTimeoutMs);
  }
}

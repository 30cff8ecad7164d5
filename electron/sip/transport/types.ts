/**
 * Transport layer contract (RFC 3261 §18). A transport moves whole SIP messages as bytes; it knows nothing of
 * their meaning beyond stream framing. Everything above talks to a {@link Flow}: one path to one remote peer
 * (a UDP 5-tuple, or one TCP/TLS connection), whose `local` endpoint is the real address used in Via and Contact.
 */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

export interface Endpoint {
  protocol: TransportProtocol;
  host: string;
  port: number;
}

/** Options for TLS flows: verification is on unless a specific certificate is pinned. */
export interface TlsOptions {
  /** PEM of CA certificates to trust in addition to (or instead of) the system store. */
  ca?: string;
  /** SHA-256 fingerprint (hex, colons optional) of the one self-signed server certificate accepted. */
  fingerprint256?: string;
  /** SNI / name checked against the certificate; defaults to the target host. */
  servername?: string;
}

/** One path to a remote peer. */
export interface Flow {
  /** Stable id, e.g. `tcp:127.0.0.1:40312->127.0.0.1:5060`. */
  readonly id: string;
  readonly protocol: TransportProtocol;
  /** Reliable transports (TCP, TLS) never retransmit at the transaction layer (RFC 3261 §17.1.1.2). */
  readonly reliable: boolean;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** Sends one serialized message. Throws {@link TransportError} when the flow is closed or the write fails. */
  send(data: Uint8Array): void;
}

export interface TransportEvents {
  /** A complete SIP message (framed for streams) arrived on `flow`. */
  message: (data: Buffer, flow: Flow) => void;
  /** A flow closed; `error` is set when it failed. */
  flowClosed: (flow: Flow, error?: TransportError) => void;
}

/** A transport for one protocol. */
export interface Transport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  /** Returns an open flow to `remote`, reusing an existing connection when one is open. */
  getFlow(remote: { host: string; port: number }, tls?: TlsOptions): Promise<Flow>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  close(): Promise<void>;
}

/** An expected transport failure: connection refused or reset, TLS verification failed, write after close. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly code: 'connect-failed' | 'closed' | 'tls-verify-failed' | 'write-failed' | 'timeout',
    readonly remote?: { host: string; port: number },
  ) {
    super(message);
  }
}

/** Expected transaction failures, reported to the transaction user (RFC 3261 §17.1.1.2, §17.1.2.2, §17.1.4). */

/** No final response before Timer B/F, or no ACK before Timer H. */
export class TransactionTimeoutError extends Error {
  override readonly name = 'TransactionTimeoutError';
  readonly code = 'timeout';
  constructor(
    message: string,
    /** The RFC 3261 timer that fired. */
    readonly timer: 'B' | 'F' | 'H',
  ) {
    super(message);
  }
}

export type TransactionTransportErrorCode = 'send-failed' | 'flow-closed' | 'shutdown';

/** The flow failed under the transaction: a send threw, or the transport reported the flow closed. */
export class TransactionTransportError extends Error {
  override readonly name = 'TransactionTransportError';
  constructor(
    message: string,
    readonly code: TransactionTransportErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

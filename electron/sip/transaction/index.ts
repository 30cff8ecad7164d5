/** SIP transaction layer (RFC 3261 §17): client and server transactions, matching, timers. */
export { TransactionLayer, type TransactionLayerOptions } from './transaction-layer';
export { ClientTransaction, buildAck, type ClientTransactionUser } from './client-transaction';
export { ServerTransaction, type ServerTransactionUser } from './server-transaction';
export type { TransactionState } from './transaction';
export {
  TransactionTimeoutError,
  TransactionTransportError,
  type TransactionTransportErrorCode,
} from './errors';
export {
  DEFAULT_TIMER_CONFIG,
  TRYING_DELAY_MS,
  resolveTimerConfig,
  timerDurations,
  type TimerConfig,
} from './timers';
export { isRfc3261Branch } from './matching';

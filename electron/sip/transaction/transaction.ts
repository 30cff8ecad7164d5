/**
 * What client and server transactions share: state, named timers on the injected clock, writing to the flow, and
 * handing the layer a single "terminated" notice so it can forget the transaction.
 */
import type { Clock, TimerHandle } from '../clock';
import type { SipMessage } from '../message/types';
import type { Flow } from '../transport/types';
import { TransactionTransportError } from './errors';
import type { TimerConfig } from './timers';

/** Union of the states of RFC 3261 §17 figures 5–8, plus `accepted` from RFC 6026 §7.1. */
export type TransactionState =
  'calling' | 'trying' | 'proceeding' | 'completed' | 'accepted' | 'confirmed' | 'terminated';

/** What a transaction needs from its layer. */
export interface TransactionContext {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  /**
   * Serializes `message` onto `flow` and reports it to the trace hook; returns the bytes written. Throws whatever
   * the flow throws.
   */
  write(message: SipMessage, flow: Flow): Uint8Array;
  /**
   * Hands a non-INVITE server transaction that reached Completed on an unreliable flow to the layer for Timer J
   * (RFC 3261 §17.2.2), as a compact record: `ms` from now the record is dropped and marked gone.
   */
  complete(tx: Transaction, response: SipMessage, bytes: Uint8Array, ms: number): CompletedRecord;
  /** Drops a record handed over by {@link complete} before its time (the transaction was terminated). */
  dropCompleted(record: CompletedRecord): void;
  /** Called exactly once when a transaction reaches Terminated. */
  terminated(tx: Transaction): void;
  /** Runs a transaction-user callback after the current call stack, so callers never see re-entrant callbacks. */
  defer(callback: () => void): void;
}

/**
 * What is left of a non-INVITE server transaction in Completed (RFC 3261 §17.2.2): the response to repeat for each
 * retransmitted request until Timer J. Holding this instead of the transaction keeps the request, its parsed views
 * and the response message collectable while tens of thousands of transactions wait out their 32 s.
 */
export interface CompletedRecord {
  readonly key: string;
  readonly flow: Flow;
  /** The final response as written, re-sent as is. */
  readonly bytes: Uint8Array;
  /** The response message, kept only when the layer reports writes to an `onSend` hook. */
  readonly response: SipMessage | undefined;
  /** Clock time at which Timer J fires. */
  readonly due: number;
  /** Set once the record was dropped: the transaction is then Terminated. */
  gone: boolean;
}

/** Base of every transaction. */
export abstract class Transaction {
  protected current: TransactionState;
  /** Created on the first timer: most server transactions never start one. */
  private handles: Map<string, TimerHandle> | undefined;

  protected constructor(
    /** Matching key (see `matching.ts`); unique among live transactions. */
    readonly key: string,
    /** The flow the request travels on; responses and retransmissions use it too. */
    readonly flow: Flow,
    protected readonly ctx: TransactionContext,
    initial: TransactionState,
  ) {
    this.current = initial;
  }

  get state(): TransactionState {
    return this.current;
  }

  get terminated(): boolean {
    return this.state === 'terminated';
  }

  /** Moves to Terminated at once, without telling the transaction user (used by shutdown and by the subclasses). */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.current = 'terminated';
    if (this.handles) {
      for (const handle of this.handles.values()) this.ctx.clock.clearTimeout(handle);
      this.handles.clear();
    }
    this.ctx.terminated(this);
  }

  /** The flow failed: each kind of transaction decides whom to tell. */
  abstract flowFailed(error: TransactionTransportError): void;

  /** (Re)starts timer `name`; a duration of 0 runs `fire` synchronously, which is how reliable flows skip a state. */
  protected startTimer(name: string, ms: number, fire: () => void): void {
    this.stopTimer(name);
    if (this.current === 'terminated') return;
    if (ms <= 0) {
      fire();
      return;
    }
    const handles = (this.handles ??= new Map());
    const handle = this.ctx.clock.setTimeout(() => {
      handles.delete(name);
      fire();
    }, ms);
    handles.set(name, handle);
  }

  protected stopTimer(name: string): void {
    if (!this.handles) return;
    this.ctx.clock.clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }

  /** Writes a message; a throwing flow becomes a {@link TransactionTransportError} reported via {@link flowFailed}. */
  protected write(message: SipMessage): boolean {
    return this.writeBytes(message) !== undefined;
  }

  /** {@link write}, returning the bytes written, or undefined when the flow failed. */
  protected writeBytes(message: SipMessage): Uint8Array | undefined {
    try {
      return this.ctx.write(message, this.flow);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.flowFailed(
        new TransactionTransportError(`send failed on ${this.flow.id}: ${reason}`, 'send-failed', {
          cause: error,
        }),
      );
      return undefined;
    }
  }
}

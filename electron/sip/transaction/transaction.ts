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
  /** Serializes `message` onto `flow` and reports it to the trace hook. Throws whatever the flow throws. */
  write(message: SipMessage, flow: Flow): void;
  /** Called exactly once when a transaction reaches Terminated. */
  terminated(tx: Transaction): void;
  /** Runs a transaction-user callback after the current call stack, so callers never see re-entrant callbacks. */
  defer(callback: () => void): void;
}

/** Base of every transaction. */
export abstract class Transaction {
  protected current: TransactionState;
  private readonly handles = new Map<string, TimerHandle>();

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
    return this.current === 'terminated';
  }

  /** Moves to Terminated at once, without telling the transaction user (used by shutdown and by the subclasses). */
  terminate(): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    for (const handle of this.handles.values()) this.ctx.clock.clearTimeout(handle);
    this.handles.clear();
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
    const handle = this.ctx.clock.setTimeout(() => {
      this.handles.delete(name);
      fire();
    }, ms);
    this.handles.set(name, handle);
  }

  protected stopTimer(name: string): void {
    this.ctx.clock.clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }

  /** Writes a message; a throwing flow becomes a {@link TransactionTransportError} reported via {@link flowFailed}. */
  protected write(message: SipMessage): boolean {
    try {
      this.ctx.write(message, this.flow);
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.flowFailed(
        new TransactionTransportError(`send failed on ${this.flow.id}: ${reason}`, 'send-failed', {
          cause: error,
        }),
      );
      return false;
    }
  }
}

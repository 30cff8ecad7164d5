/**
 * Server transactions (RFC 3261 §17.2): the INVITE state machine of figure 7 with RFC 6026's Accepted state, and
 * the non-INVITE one of figure 8. Created by the layer for each new request; the transaction user answers through
 * {@link ServerTransaction.respond}.
 */
import { createResponse } from '../message/sip-message';
import type { SipRequest, SipResponse } from '../message/types';
import type { Flow } from '../transport/types';
import { TransactionTimeoutError, type TransactionTransportError } from './errors';
import { TRYING_DELAY_MS, timerDurations } from './timers';
import { Transaction, type CompletedRecord, type TransactionContext, type TransactionState } from './transaction';

/** Optional callbacks a transaction user sets on a server transaction (`tx.user = {...}`) to learn of failures. */
export interface ServerTransactionUser {
  /** Timer H fired: no ACK came for our non-2xx final response to an INVITE (RFC 3261 §17.2.1). */
  onTimeout?(tx: ServerTransaction): void;
  /** A response could not be sent, or the flow closed, before the transaction had done its job (§17.2.4). */
  onTransportError?(tx: ServerTransaction, error: TransactionTransportError): void;
}

/** A server transaction as the transaction user sees it. */
export abstract class ServerTransaction extends Transaction {
  readonly method: string;
  /** Set by the transaction user to hear about timeouts and transport failures. */
  user: ServerTransactionUser | undefined;
  /** The latest response sent (also what is re-sent when the request is retransmitted). */
  lastResponse: SipResponse | undefined;
  /** Why the transaction failed, when it did. */
  error: TransactionTimeoutError | TransactionTransportError | undefined;

  /** @internal Built by the layer. */
  constructor(
    key: string,
    readonly request: SipRequest,
    flow: Flow,
    ctx: TransactionContext,
    initial: 'proceeding' | 'trying',
  ) {
    super(key, flow, ctx, initial);
    this.method = request.method;
  }

  /**
   * Sends a response on the request's flow. Responses the state machine no longer accepts (a second final
   * response, anything after Terminated) are discarded, as RFC 3261 §17.2.1 and §17.2.2 require.
   */
  abstract respond(response: SipResponse): void;

  /** @internal Starts the timers that run before the TU answers. */
  abstract start(): void;

  /** @internal A retransmission or ACK matched this transaction; false when it is not absorbed (passed up). */
  abstract receiveRequest(request: SipRequest): boolean;

  /** True once a failure no longer matters to the TU (final response delivered or ACK received). */
  protected abstract get settled(): boolean;

  /** @internal */
  flowFailed(error: TransactionTransportError): void {
    if (this.terminated) return;
    const settled = this.settled;
    this.terminate();
    if (settled) return;
    this.error = error;
    this.ctx.defer(() => this.user?.onTransportError?.(this, error));
  }

  protected get durations() {
    return timerDurations(this.ctx.timers, this.flow.reliable);
  }
}

/** INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 §7.1 (figure 7 as amended). */
export class InviteServerTransaction extends ServerTransaction {
  start(): void {
    this.startTimer('trying', TRYING_DELAY_MS, () => {
      if (this.current === 'proceeding' && !this.lastResponse)
        this.send(createResponse(this.request, 100, 'Trying'));
    });
  }

  respond(response: SipResponse): void {
    const status = response.status;
    if (this.current === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §8.5: the TU retransmits its 2xx through the transaction while in Accepted.
      this.send(response);
      return;
    }
    if (this.current !== 'proceeding') return;
    this.stopTimer('trying');
    if (!this.send(response) || status < 200) return;
    if (status < 300) {
      this.current = 'accepted';
      this.startTimer('L', this.durations.l, () => this.terminate());
      return;
    }
    this.current = 'completed';
    if (!this.flow.reliable) this.scheduleG(this.ctx.timers.t1);
    this.startTimer('H', this.durations.h, () => {
      this.error = new TransactionTimeoutError('no ACK for the final response to INVITE within timer H', 'H');
      this.terminate();
      this.user?.onTimeout?.(this);
    });
  }

  /** Timer G doubles up to T2 (RFC 3261 §17.2.1). */
  private scheduleG(ms: number): void {
    this.startTimer('G', ms, () => {
      if (this.current === 'completed' && this.lastResponse && this.send(this.lastResponse)) {
        this.scheduleG(Math.min(ms * 2, this.ctx.timers.t2));
      }
    });
  }

  receiveRequest(request: SipRequest): boolean {
    if (request.method === 'ACK') {
      if (this.current === 'completed') {
        this.current = 'confirmed';
        this.stopTimer('G');
        this.stopTimer('H');
        this.startTimer('I', this.durations.i, () => this.terminate());
        return true;
      }
      // Only an RFC 2543 peer's ACK for a 2xx can match here (RFC 3261 ACKs for 2xx carry a new branch): the
      // dialog wants it (RFC 6026 §7.1: ACKs in Accepted go to the TU).
      return this.current !== 'accepted';
    }
    // A retransmitted INVITE: repeat the last provisional or the non-2xx final; in Accepted the TU's own 2xx
    // retransmissions cover it (RFC 6026 §7.1), and in Confirmed there is nothing to say.
    if ((this.current === 'proceeding' || this.current === 'completed') && this.lastResponse)
      this.send(this.lastResponse);
    return true;
  }

  protected get settled(): boolean {
    return this.current === 'confirmed';
  }

  private send(response: SipResponse): boolean {
    this.lastResponse = response;
    return this.write(response);
  }
}

/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2 (figure 8). On an unreliable flow, Completed is handed to the
 * layer as a {@link CompletedRecord} (the response bytes, re-sent for each retransmission until Timer J), so the
 * layer does not hold this object, its request or one clock timer per transaction for 32 s.
 */
export class NonInviteServerTransaction extends ServerTransaction {
  private record: CompletedRecord | undefined;

  override get state(): TransactionState {
    return this.record?.gone ? 'terminated' : this.current;
  }

  start(): void {
    // Nothing runs before the TU answers: a non-INVITE server never sends 100 on its own (RFC 4320 §4.1).
  }

  respond(response: SipResponse): void {
    if (this.current !== 'trying' && this.current !== 'proceeding') return;
    this.lastResponse = response;
    const bytes = this.writeBytes(response);
    if (bytes === undefined) return;
    if (response.status < 200) {
      this.current = 'proceeding';
      return;
    }
    this.current = 'completed';
    // Timer J is zero on reliable transports: the state is skipped (§17.2.2).
    const j = this.flow.reliable ? 0 : timerDurations(this.ctx.timers, false).j;
    if (j <= 0) this.terminate();
    else this.record = this.ctx.complete(this, response, bytes, j);
  }

  override terminate(): void {
    if (this.state === 'terminated') return;
    super.terminate();
    if (this.record) this.ctx.dropCompleted(this.record);
  }

  receiveRequest(): boolean {
    // In Trying the TU has not answered yet, so a retransmission is simply absorbed (RFC 3261 §17.2.2).
    if (this.current !== 'trying' && this.lastResponse) this.write(this.lastResponse);
    return true;
  }

  protected get settled(): boolean {
    return this.current === 'completed';
  }
}

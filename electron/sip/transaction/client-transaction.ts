/**
 * Client transactions (RFC 3261 §17.1): the INVITE state machine of figure 5 and the non-INVITE one of figure 6.
 * Created only by {@link TransactionLayer.sendRequest}; the transaction user sees them through
 * {@link ClientTransactionUser} callbacks.
 */
import { createRequest } from '../message/sip-message';
import type { SipRequest, SipResponse } from '../message/types';
import type { Flow } from '../transport/types';
import { TransactionTimeoutError, type TransactionTransportError } from './errors';
import { timerDurations } from './timers';
import { Transaction, type TransactionContext } from './transaction';

/**
 * The transaction user of a client transaction (a usage or the dialog layer). Exactly one of `onFinal`,
 * `onTimeout` and `onTransportError` is called once per transaction, `onProvisional` any number of times before.
 */
export interface ClientTransactionUser {
  /** A 1xx response (RFC 3261 §17.1.1.2, §17.1.2.2). */
  onProvisional?(response: SipResponse, tx: ClientTransaction): void;
  /**
   * The first final response. For INVITE, a 2xx terminates the transaction at once (RFC 3261 §17.1.1.2): the TU
   * sends the ACK, and later 2xx retransmissions reach `onStrayResponse` of the layer. Non-2xx are ACKed here.
   */
  onFinal(response: SipResponse, tx: ClientTransaction): void;
  /** Timer B or F fired; `tx.error` holds the {@link TransactionTimeoutError}. Treat as 408 (RFC 3261 §8.1.3.1). */
  onTimeout(tx: ClientTransaction): void;
  /** The flow failed before a final response arrived (RFC 3261 §17.1.4). Called after `sendRequest` returns. */
  onTransportError(tx: ClientTransaction, error: TransactionTransportError): void;
}

/** A client transaction as the transaction user sees it. */
export abstract class ClientTransaction extends Transaction {
  /** Method of the request (CSeq method). */
  readonly method: string;
  /** Top Via branch of the request. */
  readonly branch: string;
  /** The latest response received, provisional or final. */
  lastResponse: SipResponse | undefined;
  /** Why the transaction failed, when it did. */
  error: TransactionTimeoutError | TransactionTransportError | undefined;
  private finalSeen = false;

  /** @internal Built by the layer. */
  constructor(
    key: string,
    readonly request: SipRequest,
    flow: Flow,
    ctx: TransactionContext,
    protected readonly user: ClientTransactionUser,
    branch: string,
    initial: 'calling' | 'trying',
  ) {
    super(key, flow, ctx, initial);
    this.method = request.method;
    this.branch = branch;
  }

  /** @internal Sends the request and starts the timers. */
  abstract start(): void;

  /** @internal Handles a matching response; false when the transaction does not want it (it goes to the layer). */
  abstract receiveResponse(response: SipResponse): boolean;

  /** @internal */
  flowFailed(error: TransactionTransportError): void {
    if (this.terminated) return;
    this.terminate();
    // After a final response the TU already has its answer; a dead flow only cuts the absorb phase short.
    if (this.finalSeen) return;
    this.error = error;
    this.ctx.defer(() => this.user.onTransportError(this, error));
  }

  protected get durations() {
    return timerDurations(this.ctx.timers, this.flow.reliable);
  }

  protected provisional(response: SipResponse): void {
    this.lastResponse = response;
    this.current = 'proceeding';
    this.user.onProvisional?.(response, this);
  }

  /** Records the final response before anything is sent, so a send failure is not reported on top of it. */
  protected recordFinal(response: SipResponse): void {
    this.finalSeen = true;
    this.lastResponse = response;
  }

  protected final(response: SipResponse): void {
    this.recordFinal(response);
    this.user.onFinal(response, this);
  }

  protected timeout(timer: 'B' | 'F'): void {
    this.error = new TransactionTimeoutError(
      `no final response to ${this.method} within timer ${timer}`,
      timer,
    );
    this.terminate();
    this.user.onTimeout(this);
  }
}

/** INVITE client transaction, RFC 3261 §17.1.1 (figure 5). */
export class InviteClientTransaction extends ClientTransaction {
  private ack: SipRequest | undefined;

  start(): void {
    if (!this.write(this.request)) return;
    if (!this.flow.reliable) this.scheduleA(this.ctx.timers.t1);
    this.startTimer('B', this.durations.transactionTimeout, () => this.timeout('B'));
  }

  /** Timer A doubles without cap (RFC 3261 §17.1.1.2), unlike E and G. */
  private scheduleA(ms: number): void {
    this.startTimer('A', ms, () => {
      if (this.current === 'calling' && this.write(this.request)) this.scheduleA(ms * 2);
    });
  }

  receiveResponse(response: SipResponse): boolean {
    const status = response.status;
    const active = this.current === 'calling' || this.current === 'proceeding';
    if (status < 200) {
      if (!active) return true;
      // In Proceeding the INVITE waits for the final response however long it takes; the TU CANCELs if it must.
      this.stopTimer('A');
      this.stopTimer('B');
      this.provisional(response);
      return true;
    }
    if (status < 300) {
      // 2xx after a non-2xx (forking) is not ours: it goes to the layer's onStrayResponse like any late 2xx.
      if (!active) return false;
      this.terminate();
      this.final(response);
      return true;
    }
    if (active) {
      this.stopTimer('A');
      this.stopTimer('B');
      this.current = 'completed';
      this.recordFinal(response);
      this.ack = buildAck(this.request, response);
      this.write(this.ack);
      this.startTimer('D', this.durations.d, () => this.terminate());
      this.final(response);
      return true;
    }
    // A retransmitted final response means our ACK was lost: send it again (RFC 3261 §17.1.1.2).
    if (this.current === 'completed' && this.ack) this.write(this.ack);
    return true;
  }
}

/** Non-INVITE client transaction, RFC 3261 §17.1.2 (figure 6). */
export class NonInviteClientTransaction extends ClientTransaction {
  start(): void {
    if (!this.write(this.request)) return;
    if (!this.flow.reliable) this.scheduleE(this.ctx.timers.t1);
    this.startTimer('F', this.durations.transactionTimeout, () => this.timeout('F'));
  }

  /** Timer E doubles up to T2 in Trying and is T2 flat in Proceeding (RFC 3261 §17.1.2.2). */
  private scheduleE(ms: number): void {
    this.startTimer('E', ms, () => {
      if (this.current !== 'trying' && this.current !== 'proceeding') return;
      if (!this.write(this.request)) return;
      const { t2 } = this.ctx.timers;
      this.scheduleE(this.current === 'proceeding' ? t2 : Math.min(ms * 2, t2));
    });
  }

  receiveResponse(response: SipResponse): boolean {
    const active = this.current === 'trying' || this.current === 'proceeding';
    if (!active) return true;
    if (response.status < 200) {
      this.provisional(response);
      return true;
    }
    this.stopTimer('E');
    this.stopTimer('F');
    this.current = 'completed';
    this.startTimer('K', this.durations.k, () => this.terminate());
    this.final(response);
    return true;
  }
}

/**
 * The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): same Request-URI, Call-ID, From, CSeq number and top
 * Via (so the same branch) as the INVITE, To from the response (it carries the tag), and the INVITE's Route set.
 */
export function buildAck(invite: SipRequest, response: SipResponse): SipRequest {
  const topVia = invite.getAll('Via')[0];
  const headers: Array<[string, string]> = [];
  if (topVia !== undefined) headers.push(['Via', topVia]);
  for (const route of invite.getAll('Route')) headers.push(['Route', route]);
  headers.push(
    ['Max-Forwards', invite.get('Max-Forwards') ?? '70'],
    ['From', invite.get('From') ?? ''],
    ['To', response.get('To') ?? invite.get('To') ?? ''],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} ACK`],
  );
  return createRequest({ method: 'ACK', uri: invite.uri, headers });
}

/**
 * The transaction layer (RFC 3261 §17), between the transport and the transaction users (dialog layer and usages),
 * in pjsip's layering: transport < transaction < dialog < usage. It owns every client and server transaction,
 * matches incoming messages to them (§17.1.3, §17.2.3) and passes up only what a transaction user must see.
 *
 * Contract with the layers above (stable; usages plug in on top without changing this file):
 * - Requests go out with {@link TransactionLayer.sendRequest}; the request must carry its top Via with a branch.
 *   ACK for a 2xx and 2xx retransmissions outside a transaction go out with {@link TransactionLayer.sendStateless}.
 * - A new request arrives at `onRequest` with its server transaction; the TU answers with `tx.respond()`.
 * - An ACK that matches no server transaction (the ACK for a 2xx, RFC 3261 §17.2.3) arrives at `onAck`.
 * - A response that matches no client transaction (e.g. 2xx retransmissions after the INVITE transaction ended,
 *   or 2xx from a second fork) arrives at `onStrayResponse`; the dialog layer ACKs those.
 * - Callbacks to a transaction user about a failed send run in a microtask, never inside the caller's call.
 */
import type { Clock } from '../clock';
import { engineGuard, type EngineGuard } from '../guard';
import type { SipMessage, SipRequest, SipResponse } from '../message/types';
import type { Flow } from '../transport/types';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransaction,
  type ClientTransactionUser,
} from './client-transaction';
import { CompletedRecords } from './completed-records';
import { TransactionTransportError } from './errors';
import { cancelTargetKey, clientKey, requestKey, responseKey } from './matching';
import {
  InviteServerTransaction,
  NonInviteServerTransaction,
  type ServerTransaction,
} from './server-transaction';
import { resolveTimerConfig, type TimerConfig } from './timers';
import type { CompletedRecord, Transaction, TransactionContext } from './transaction';

export interface TransactionLayerOptions {
  clock: Clock;
  /** Runs the deferred transaction-user callbacks; defaults to the process-wide guard. */
  guard?: EngineGuard;
  /** T1/T2/T4 overrides; every other timer derives from them. */
  timers?: Partial<TimerConfig>;
  /** A new request (including CANCEL, which is its own transaction) with the server transaction to answer on. */
  onRequest: (request: SipRequest, tx: ServerTransaction) => void;
  /** An ACK outside any transaction: the ACK for a 2xx, which belongs to the dialog (RFC 3261 §13.3.1.4). */
  onAck?: (ack: SipRequest, flow: Flow) => void;
  /** A response no client transaction wants (RFC 3261 §17.1.3 found no match, or a 2xx after the INVITE ended). */
  onStrayResponse?: (response: SipResponse, flow: Flow) => void;
  /** Every message the layer writes, after the flow accepted it (the SIP trace hooks in here). */
  onSend?: (message: SipMessage, flow: Flow) => void;
  /** A received message dropped because it cannot belong to any transaction (no Via, no CSeq). */
  onDrop?: (message: SipMessage, flow: Flow, reason: string) => void;
}

export class TransactionLayer {
  /** Effective T1/T2/T4, for transaction users that run their own RFC timers (2xx retransmission, §13.3.1.4). */
  readonly timers: TimerConfig;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  /** Non-INVITE server transactions in Completed on unreliable flows (Timer J), handed over by the transactions. */
  private readonly completed: CompletedRecords;
  private readonly ctx: TransactionContext;
  private closed = false;

  constructor(private readonly options: TransactionLayerOptions) {
    this.timers = resolveTimerConfig(options.timers);
    this.completed = new CompletedRecords(options.clock);
    const guard = options.guard ?? engineGuard;
    this.ctx = {
      clock: options.clock,
      timers: this.timers,
      write: (message, flow) => this.write(message, flow),
      complete: (tx, response, bytes, ms) => this.complete(tx, response, bytes, ms),
      dropCompleted: (record) => this.completed.drop(record),
      terminated: (tx) => this.forget(tx),
      // A throw in a microtask would be an uncaught exception: the transaction user's bug stays contained.
      defer: (callback) => queueMicrotask(() => guard.run('transaction user callback', callback)),
    };
  }

  /** Live transactions, client and server. */
  get size(): number {
    return this.clients.size + this.servers.size + this.completed.size;
  }

  /**
   * Starts a client transaction for `request` on `flow` and sends it. A request without a top Via branch, an ACK
   * (not a transaction, RFC 3261 §17.1.1.3) or a branch already in use is a caller bug and throws. After
   * {@link shutdown} the transaction fails at once with a `shutdown` transport error.
   */
  sendRequest(request: SipRequest, flow: Flow, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new Error('ACK is not a transaction: use sendStateless');
    const branch = request.vias[0]?.branch;
    if (!branch) throw new Error(`${request.method} has no top Via branch`);
    const key = clientKey(branch, request.method);
    if (this.clients.has(key))
      throw new Error(`branch ${branch} is already used by a live ${request.method} transaction`);
    const Kind = request.method === 'INVITE' ? InviteClientTransaction : NonInviteClientTransaction;
    const tx = new Kind(
      key,
      request,
      flow,
      this.ctx,
      user,
      branch,
      request.method === 'INVITE' ? 'calling' : 'trying',
    );
    if (this.closed) {
      tx.flowFailed(new TransactionTransportError('transaction layer is shut down', 'shutdown'));
      return tx;
    }
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /**
   * Writes a message outside any transaction: the ACK for a 2xx and the TU's 2xx retransmissions (RFC 3261
   * §13.3.1.4, §17.1.1.3). Throws {@link TransactionTransportError} when the flow refuses it.
   */
  sendStateless(message: SipMessage, flow: Flow): void {
    try {
      this.write(message, flow);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TransactionTransportError(`send failed on ${flow.id}: ${reason}`, 'send-failed', {
        cause: error,
      });
    }
  }

  /** Entry point for every parsed message from the transport. */
  receive(message: SipMessage, flow: Flow): void {
    if (this.closed) return;
    if (message.kind === 'response') return this.receiveResponse(message, flow);
    const key = requestKey(message);
    if (key === undefined)
      return this.options.onDrop?.(message, flow, 'request without a usable Via or CSeq');
    const existing = this.servers.get(key);
    if (existing) {
      if (existing.receiveRequest(message)) return;
    } else {
      const record = this.completed.get(key);
      if (record !== undefined) return this.repeat(record);
    }
    if (message.method === 'ACK') {
      this.options.onAck?.(message, flow);
      return;
    }
    const Kind = message.method === 'INVITE' ? InviteServerTransaction : NonInviteServerTransaction;
    const tx = new Kind(key, message, flow, this.ctx, message.method === 'INVITE' ? 'proceeding' : 'trying');
    this.servers.set(key, tx);
    tx.start();
    this.options.onRequest(message, tx);
  }

  /** The INVITE server transaction a CANCEL targets (RFC 3261 §9.2), if it is still live. */
  findInviteForCancel(cancel: SipRequest): ServerTransaction | undefined {
    const key = cancelTargetKey(cancel);
    return key === undefined ? undefined : this.servers.get(key);
  }

  /**
   * The transport reports `flow` closed: every transaction on it fails with a `flow-closed` transport error
   * (RFC 3261 §17.1.4, §17.2.4); transactions that already delivered their result end quietly.
   */
  flowClosed(flow: Flow, error?: Error): void {
    const message = `flow ${flow.id} closed${error ? `: ${error.message}` : ''}`;
    for (const tx of [...this.clients.values(), ...this.servers.values()]) {
      if (tx.flow === flow || tx.flow.id === flow.id)
        tx.flowFailed(new TransactionTransportError(message, 'flow-closed', { cause: error }));
    }
    // Completed transactions have delivered their result: they end quietly, as `flowFailed` does for them.
    this.completed.dropFlow(flow);
  }

  /** Stops every timer and forgets every transaction without telling their users; later requests fail at once. */
  shutdown(): void {
    this.closed = true;
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
    this.completed.clear();
  }

  private receiveResponse(response: SipResponse, flow: Flow): void {
    const key = responseKey(response);
    if (key === undefined)
      return this.options.onDrop?.(response, flow, 'response without a Via branch or CSeq');
    const tx = this.clients.get(key);
    if (tx && tx.receiveResponse(response)) return;
    this.options.onStrayResponse?.(response, flow);
  }

  private write(message: SipMessage, flow: Flow): Uint8Array {
    const bytes = message.toBuffer();
    flow.send(bytes);
    this.options.onSend?.(message, flow);
    return bytes;
  }

  private complete(tx: Transaction, response: SipMessage, bytes: Uint8Array, ms: number): CompletedRecord {
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    return this.completed.add(tx.key, tx.flow, this.options.onSend ? response : undefined, bytes, ms);
  }

  /** A retransmitted request in Completed: the same response again (RFC 3261 §17.2.2); a failed send ends it. */
  private repeat(record: CompletedRecord): void {
    try {
      record.flow.send(record.bytes);
    } catch {
      this.completed.drop(record);
      return;
    }
    if (record.response) this.options.onSend?.(record.response, record.flow);
  }

  private forget(tx: Transaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }
}

/**
 * Routes incoming NOTIFYs to the subscription they belong to (RFC 6665 §4.1.2.4): one request handler per
 * {@link SipStack}, one Map lookup per NOTIFY, no body parsing. A NOTIFY that matches nothing is answered 481 and
 * changes nothing (§4.1.3). The BLF must answer ≥ 20,000 NOTIFY/s, so this path does the minimum: read Call-ID and
 * the To tag (both already split out by the parser), look up, hand over.
 */
import { createResponse, type SipRequest } from '../message';
import type { SipStack } from '../stack';
import type { ServerTransaction } from '../transaction';

/**
 * What the router delivers to: one subscription attempt (one Call-ID and From tag of ours). The target MUST answer
 * the transaction synchronously inside {@link NotifyTarget.onNotify}.
 */
export interface NotifyTarget {
  readonly callId: string;
  /** Our From tag of the SUBSCRIBE, which the notifier echoes as the NOTIFY's To tag. */
  readonly localTag: string;
  onNotify(request: SipRequest, tx: ServerTransaction): void;
}

/** Counters for the diagnostics view. */
export interface SubscriptionRouterStats {
  matched: number;
  /** Answered 481: no subscription with that Call-ID and To tag. */
  unmatched: number;
}

const routers = new WeakMap<SipStack, SubscriptionRouter>();

/**
 * Exactly one per stack: a second router's handler would never see a NOTIFY, because the first answers 481 to
 * every NOTIFY it cannot place. Use {@link SubscriptionRouter.forStack}, or construct it once per stack yourself.
 */
export class SubscriptionRouter {
  readonly stats: SubscriptionRouterStats = { matched: 0, unmatched: 0 };
  /**
   * Keyed by Call-ID alone, the local tag compared after the lookup: we mint a fresh random Call-ID for every
   * subscription attempt, so the Call-ID is already unique and no key string is built per NOTIFY.
   */
  private readonly targets = new Map<string, NotifyTarget>();
  private readonly removeHandler: () => void;

  constructor(stack: SipStack) {
    this.removeHandler = stack.addRequestHandler((request, tx) => this.route(request, tx));
  }

  /** The router of `stack`, created on first use, so every usage of a stack shares the one handler. */
  static forStack(stack: SipStack): SubscriptionRouter {
    let router = routers.get(stack);
    if (!router) {
      router = new SubscriptionRouter(stack);
      routers.set(stack, router);
    }
    return router;
  }

  /** Number of registered targets. */
  get size(): number {
    return this.targets.size;
  }

  /** Starts delivering NOTIFYs for `target`. A Call-ID registered twice is a bug in the caller. */
  add(target: NotifyTarget): void {
    const existing = this.targets.get(target.callId);
    if (existing && existing !== target) throw new Error(`Call-ID ${target.callId} is already routed to another subscription`);
    this.targets.set(target.callId, target);
  }

  /** Stops delivering for `target`; later NOTIFYs for it get 481. */
  remove(target: NotifyTarget): void {
    if (this.targets.get(target.callId) === target) this.targets.delete(target.callId);
  }

  /** Removes the stack handler (the stack is going away). */
  close(): void {
    this.removeHandler();
    this.targets.clear();
  }

  private route(request: SipRequest, tx: ServerTransaction): boolean {
    if (request.method !== 'NOTIFY') return false;
    const target = this.targets.get(request.callId);
    if (target !== undefined && request.to.params.tag === target.localTag) {
      this.stats.matched++;
      target.onNotify(request, tx);
      return true;
    }
    this.stats.unmatched++;
    tx.respond(createResponse(request, 481, 'Subscription Does Not Exist'));
    return true;
  }
}

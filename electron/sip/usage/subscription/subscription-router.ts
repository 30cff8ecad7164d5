/**
 * The subscriber's view of the user-agent core's dialog table (RFC 6665 §4.1.2.4): each subscription attempt
 * registers its dialog there — early, from the SUBSCRIBE's Call-ID and our From tag, until the first NOTIFY or 2xx
 * fixes the remote tag ({@link SubscriptionRouter.confirm}) — with one route: NOTIFY with its Event package and `id`.
 * The core answers 481 to a NOTIFY that matches no subscription and changes nothing (§4.1.3). Several
 * subscriptions may share a Call-ID (a REFER subscription in a call dialog, RFC 6665 §4.5.2): the Event tells them
 * apart. The BLF must answer ≥ 20,000 NOTIFY/s, so this path does the minimum: nested Map lookups, no body parsing.
 */
import type { SipRequest } from '../../message';
import type { SipStack } from '../../stack';
import type { ServerTransaction } from '../../transaction';
import type { DialogRegistration, UserAgentCore } from '../../ua-core';

/**
 * What the router delivers to: one subscription attempt (one Call-ID and From tag of ours, one Event). The target
 * MUST answer the transaction synchronously inside {@link NotifyTarget.onNotify}.
 */
export interface NotifyTarget {
  readonly callId: string;
  /** Our From tag of the SUBSCRIBE, which the notifier echoes as the NOTIFY's To tag. */
  readonly localTag: string;
  /** The Event package and `id` subscribed to (RFC 6665 §8.2.1). */
  readonly event: { readonly type: string; readonly id?: string };
  onNotify(request: SipRequest, tx: ServerTransaction): void;
}

/** Counters for the diagnostics view. */
export interface SubscriptionRouterStats {
  matched: number;
  /** Answered 481 by the core: no dialog with that Call-ID and tags (counted for the whole stack). */
  unmatched: number;
}

const routers = new WeakMap<SipStack, SubscriptionRouter>();

/** One per stack by convention ({@link SubscriptionRouter.forStack}); every router shares the stack's core. */
export class SubscriptionRouter {
  private readonly core: UserAgentCore;
  private readonly registrations = new Map<NotifyTarget, DialogRegistration>();
  private matched = 0;

  constructor(stack: SipStack) {
    this.core = stack.core;
  }

  /** The router of `stack`, created on first use, so every usage of a stack shares it. */
  static forStack(stack: SipStack): SubscriptionRouter {
    let router = routers.get(stack);
    if (!router) {
      router = new SubscriptionRouter(stack);
      routers.set(stack, router);
    }
    return router;
  }

  get stats(): SubscriptionRouterStats {
    return { matched: this.matched, unmatched: this.core.stats.unknownDialog };
  }

  /** Number of registered targets. */
  get size(): number {
    return this.registrations.size;
  }

  /**
   * Starts delivering NOTIFYs for `target` from any remote tag (an early subscription dialog). Adding it again is a
   * no-op; another target with the same Call-ID, tag and Event throws `RouteConflictError` (a caller bug).
   */
  add(target: NotifyTarget): void {
    if (this.registrations.has(target)) return;
    const registration = this.core.dialogs.register(
      { callId: target.callId, localTag: target.localTag },
      {
        routes: [{ method: 'NOTIFY', event: target.event.type, id: target.event.id }],
        onRequest: (request, tx) => {
          this.matched++;
          target.onNotify(request, tx);
        },
      },
    );
    this.registrations.set(target, registration);
  }

  /** The dialog is established with `remoteTag` (RFC 6665 §4.1.2.4): NOTIFYs from other forks get 481 from now on. */
  confirm(target: NotifyTarget, remoteTag: string): void {
    this.registrations.get(target)?.confirm(remoteTag);
  }

  /** Stops delivering for `target`; later NOTIFYs for it get 481. */
  remove(target: NotifyTarget): void {
    this.registrations.get(target)?.remove();
    this.registrations.delete(target);
  }

  /** Removes every registration (the stack is going away). */
  close(): void {
    for (const registration of this.registrations.values()) registration.remove();
    this.registrations.clear();
  }
}

/** Public shapes of the subscriber usage (RFC 6665 §4.1); the behaviour is in `subscription.ts`. */
import type { Clock } from '../../clock';
import type { Resolve } from '../requests';
import type { SubscriptionRouter } from './subscription-router';
import type { SubstateValue } from './notify-headers';

export interface SubscriptionStatus {
  state: 'subscribing' | 'active' | 'pending' | 'terminated' | 'failed' | 'retrying';
  /** Status of the last final response that decided the state (2xx, or the failure). */
  sipStatus?: number;
  /** Reason phrase of a failure, the termination reason token (`rejected`, `noresource`, …), or `unsubscribed`. */
  reason?: string;
  /** Epoch ms of the next retry (states `retrying` and `failed`). */
  nextRetryAt?: number;
  /** Epoch ms when the subscription expires unless refreshed. */
  expiresAt?: number;
}

export interface SubscriptionConfig {
  event: string;
  /** URI subscribed to; also the To of the SUBSCRIBE. */
  target: string;
  /** Every body type the caller parses, in order of preference. */
  accept: string[];
  /** Requested duration in seconds; default 600 (`DEFAULT_SUBSCRIPTION_EXPIRES`). */
  expires?: number;
  /** Adds `Supported: eventlist` (RFC 4662 §4) for a resource list URI. */
  eventList?: boolean;
}

export interface SubscriptionDeps {
  clock: Clock;
  router: SubscriptionRouter;
  random?: () => number;
  /** First retry delay; doubles per failure up to `retryMaxSeconds`, ±20 % jitter. Default 30. */
  retryBaseSeconds?: number;
  /** Default 1800. */
  retryMaxSeconds?: number;
  /** RFC 3263 lookup for a next hop that is a name; tests inject it. */
  resolve?: Resolve;
}

/** A NOTIFY as the layer above needs it; the body is not parsed here. */
export interface NotifyEvent {
  body: Uint8Array;
  contentType: string;
  state: SubstateValue;
  reason?: string;
  cseq: number;
}

/**
 * Something the notifier did that only lost subscription state explains — in practice a PBX restart: an in-dialog
 * refresh answered 481 or 404 (RFC 6665 §4.1.2.2: the subscription no longer exists), or a NOTIFY whose CSeq went
 * far backwards within the dialog (RFC 3261 §12.2.2: CSeq only grows in a dialog; a notifier counting afresh lost
 * its dialog state). The subscription heals itself; the sign tells the layer above that its siblings on the same
 * server are likely gone too.
 */
export interface NotifierResetSign {
  kind: 'dialog-gone' | 'cseq-backwards';
  /** The refresh's final status (`dialog-gone`). */
  sipStatus?: number;
  detail: string;
}

export interface SubscriptionUser {
  onNotify(notify: NotifyEvent): void;
  onStatus(status: SubscriptionStatus): void;
  /** Optional: told of every {@link NotifierResetSign}, after the subscription acted on it. */
  onResetSign?(sign: NotifierResetSign): void;
}

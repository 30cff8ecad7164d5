/**
 * The two header fields a subscriber reads from every NOTIFY (RFC 6665 §8.2.1 Event, §8.2.3 Subscription-State),
 * parsed without regular expressions or intermediate arrays: they run once per NOTIFY, tens of thousands a second
 * in a flood.
 */

/** Substates a subscriber acts on (RFC 6665 §4.1.3). */
export type SubstateValue = 'active' | 'pending' | 'terminated';

/** Reasons of a terminated subscription (RFC 6665 §4.2.2); anything else is kept as written. */
export type TerminationReason = 'deactivated' | 'probation' | 'rejected' | 'timeout' | 'giveup' | 'noresource' | 'invariant';

export interface SubscriptionStateHeader {
  state: SubstateValue;
  /** Lower-cased `reason` parameter. */
  reason?: string;
  /** Seconds the notifier still grants (`expires`), for active and pending. */
  expires?: number;
  /** Seconds before re-subscribing (`retry-after`), for terminated. */
  retryAfter?: number;
}

/**
 * Parses a Subscription-State value. A missing or unknown substate is read as `active`: the notifier is evidently
 * sending state, and treating it otherwise would throw away a good subscription because of a peer's typo. (RFC 6665
 * requires the header; the NOTIFY is still answered 200, see the interop guide.)
 */
export function parseSubscriptionState(value: string | undefined): SubscriptionStateHeader {
  if (value === undefined) return { state: 'active' };
  const semi = value.indexOf(';');
  const token = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const state: SubstateValue = token === 'pending' || token === 'terminated' ? token : 'active';
  const result: SubscriptionStateHeader = { state };
  let at = semi;
  while (at >= 0) {
    const next = value.indexOf(';', at + 1);
    const segment = value.slice(at + 1, next < 0 ? undefined : next);
    const eq = segment.indexOf('=');
    if (eq > 0) {
      const name = segment.slice(0, eq).trim().toLowerCase();
      const raw = segment.slice(eq + 1).trim();
      if (name === 'reason') result.reason = raw.toLowerCase();
      else if (name === 'expires' || name === 'retry-after') {
        const seconds = Number(raw);
        if (raw !== '' && Number.isInteger(seconds) && seconds >= 0) {
          if (name === 'expires') result.expires = seconds;
          else result.retryAfter = seconds;
        }
      }
    }
    at = next;
  }
  return result;
}

/** Event type and `id` parameter of an Event header value (RFC 6665 §8.2.1). */
export interface EventHeader {
  type: string;
  id?: string;
}

export function parseEvent(value: string): EventHeader {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim();
  if (semi < 0) return { type };
  const match = /;\s*id\s*=\s*([^;\s]+)/i.exec(value.slice(semi));
  return match ? { type, id: match[1] } : { type };
}

/**
 * Whether a NOTIFY's Event matches the subscription's (RFC 6665 §4.1.2.4, §8.2.1): same event type and the same
 * `id`, or neither has one. Types are compared ignoring case so a PBX writing `Dialog` is not dropped; a NOTIFY
 * without any Event header is accepted for the same reason (the Call-ID and tags already matched).
 */
export function eventMatches(value: string | undefined, ours: EventHeader): boolean {
  if (value === undefined) return true;
  if (value.length === ours.type.length && ours.id === undefined) return value.toLowerCase() === ours.type.toLowerCase();
  const theirs = parseEvent(value);
  return theirs.type.toLowerCase() === ours.type.toLowerCase() && theirs.id === ours.id;
}

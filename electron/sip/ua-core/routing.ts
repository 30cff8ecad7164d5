/**
 * How the user-agent core matches an in-dialog request to a usage: by method and, for SUBSCRIBE and NOTIFY, by the
 * Event header's package and `id` parameter (RFC 6665 §4.1.2.4, §8.2.1). Runs once per NOTIFY in a flood, so the
 * common case (an Event without parameters) compares strings without parsing.
 */
import type { SipRequest } from '../message';

/** Which in-dialog requests a usage takes. */
export interface UsageRoute {
  /** The method, as written on the wire (`BYE`, `NOTIFY`, …). */
  readonly method: string;
  /** SUBSCRIBE/NOTIFY: the event package (compared ignoring case); absent takes every package of the method. */
  readonly event?: string;
  /** The Event `id` parameter (RFC 6665 §8.2.1); absent matches only a request without one. */
  readonly id?: string;
}

/** Methods whose requests are routed by their Event header as well (RFC 6665 §8.2.1). */
export function routedByEvent(method: string): boolean {
  return method === 'NOTIFY' || method === 'SUBSCRIBE';
}

/** Event package and `id` parameter of an Event header value (RFC 6665 §8.2.1). */
export interface EventKey {
  readonly type: string;
  readonly id?: string;
}

/** Parses an Event header value into package and `id`; the package keeps its case. */
export function parseEventKey(value: string): EventKey {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim();
  if (semi < 0) return { type };
  const match = /;\s*id\s*=\s*([^;\s]+)/i.exec(value.slice(semi));
  return match ? { type, id: match[1] } : { type };
}

/**
 * Whether `request` is one `route` takes. A SUBSCRIBE/NOTIFY without any Event header matches every route of its
 * method: the Call-ID and tags already matched, and refusing a peer's omission would drop a good subscription.
 */
export function routeMatches(route: UsageRoute, request: SipRequest): boolean {
  if (route.method !== request.method) return false;
  if (route.event === undefined || !routedByEvent(request.method)) return true;
  const value = request.get('Event');
  if (value === undefined) return true;
  if (route.id === undefined && value.length === route.event.length) return value.toLowerCase() === route.event.toLowerCase();
  const theirs = parseEventKey(value);
  return theirs.type.toLowerCase() === route.event.toLowerCase() && theirs.id === route.id;
}

/** Whether two routes of one dialog would take the same requests (a conflict the table refuses). */
export function routesOverlap(a: UsageRoute, b: UsageRoute): boolean {
  if (a.method !== b.method) return false;
  if (a.event === undefined || b.event === undefined || !routedByEvent(a.method)) return true;
  return a.event.toLowerCase() === b.event.toLowerCase() && a.id === b.id;
}

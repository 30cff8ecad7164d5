/**
 * Where an in-dialog request goes (RFC 3261 §12.2.1.1, §16.12 loose vs strict routing) and which hop it is sent to
 * (§8.1.2). Pure functions over URIs, so the dialog and every usage apply the same rules.
 */
import { formatUri, parseNameAddr, parseUri } from '../message';
import type { SipUri } from '../message';
import type { TransportProtocol } from '../transport/types';

/** Request-URI and Route header values of a request sent within a dialog. */
export interface RequestTarget {
  uri: string;
  routes: string[];
}

/**
 * The URI inside a Route/Record-Route value (`<sip:p;lr>;foo` → `sip:p;lr`). The grammar requires name-addr there
 * (RFC 3261 §20.30); a bare value is taken as a whole URI, so its `;lr` stays with it.
 */
export function routeUri(value: string): string {
  const trimmed = value.trim();
  return trimmed.includes('<') ? parseNameAddr(trimmed).uri : trimmed;
}

/** A route element is a loose router when its URI carries `lr` (RFC 3261 §19.1.1, §16.12). */
export function isLooseRoute(value: string): boolean {
  try {
    return 'lr' in parseUri(routeUri(value)).params;
  } catch {
    // An unparseable route cannot be treated as a strict router (its URI would become the Request-URI).
    return true;
  }
}

/**
 * RFC 3261 §12.2.1.1: with an empty route set the Request-URI is the remote target and there is no Route; when the
 * first route is a loose router the Request-URI is the remote target and Route is the whole route set; with a strict
 * router first, the Request-URI is that router's URI (without parameters a Request-URI may not carry) and Route is
 * the rest of the route set followed by the remote target.
 */
export function requestTarget(routeSet: readonly string[], remoteTarget: string): RequestTarget {
  const first = routeSet[0];
  if (first === undefined) return { uri: remoteTarget, routes: [] };
  if (isLooseRoute(first)) return { uri: remoteTarget, routes: routeSet.map(asRouteValue) };
  return {
    uri: requestUriOf(routeUri(first)),
    routes: [...routeSet.slice(1).map(asRouteValue), `<${remoteTarget}>`],
  };
}

/**
 * The URI whose host the request is sent to (RFC 3261 §8.1.2): the first route when there is a route set (with a
 * strict router that URI is also the Request-URI), else the remote target.
 */
export function nextHopUri(routeSet: readonly string[], remoteTarget: string): string {
  const first = routeSet[0];
  return first === undefined ? remoteTarget : routeUri(first);
}

/** Transport, host and port (undefined: let RFC 3263 SRV decide) of a next-hop URI. */
export interface HopTarget {
  protocol: TransportProtocol;
  host: string;
  port?: number;
}

/**
 * Where to send for a next-hop URI: `;transport=` when given, TLS for `sips:` (RFC 3261 §26.2.2), else the
 * transport the line already uses (a local policy RFC 3263 §4.1 allows when NAPTR is not consulted).
 * Throws {@link import('../message').SipParseError} for a URI that cannot be parsed.
 */
export function hopTarget(uri: string, defaultProtocol: TransportProtocol): HopTarget {
  const parsed = parseUri(uri);
  const transport = parsed.params.transport?.toLowerCase();
  const protocol: TransportProtocol =
    parsed.scheme === 'sips' ? 'tls' : transport === 'udp' || transport === 'tcp' || transport === 'tls' ? transport : defaultProtocol;
  const target: HopTarget = { protocol, host: parsed.host };
  if (parsed.port !== undefined) target.port = parsed.port;
  return target;
}

/** Route set entries are written as name-addr so URI parameters such as `;lr` stay with the URI (§20.34). */
function asRouteValue(value: string): string {
  const trimmed = value.trim();
  return trimmed.includes('<') ? trimmed : `<${trimmed}>`;
}

/** RFC 3261 §19.1.1 table: `method` and URI headers are not allowed in a Request-URI. */
function requestUriOf(uri: string): string {
  let parsed: SipUri;
  try {
    parsed = parseUri(uri);
  } catch {
    return uri;
  }
  const params = { ...parsed.params };
  delete params.method;
  return formatUri({ ...parsed, params, headers: {} });
}

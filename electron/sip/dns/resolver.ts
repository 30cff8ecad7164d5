/**
 * Locating SIP servers (RFC 3263 §4): turns a `host[:port]` and a transport into an ordered list of targets to try.
 * NAPTR is skipped because the line's transport is configured (RFC 3263 §4.1 lets the client choose it); SRV is
 * used when no port is given (§4.2), then A/AAAA. The caller fails over to the next target on a timeout or a
 * transport error (§4.3).
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { TransportProtocol } from '../transport/types';

export interface ResolvedTarget {
  protocol: TransportProtocol;
  host: string;
  port: number;
  /** Name the certificate must match for TLS (the SRV target or the configured host, RFC 5922 §4). */
  serverName: string;
}

/** The DNS calls the resolver needs; injected so tests run without a name server. */
export interface DnsLookup {
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  lookup(host: string): Promise<string[]>;
}

/** An expected failure: the name does not resolve to any address. */
export class DnsResolutionError extends Error {
  override readonly name = 'DnsResolutionError';
  constructor(
    message: string,
    readonly host: string,
  ) {
    super(message);
  }
}

export const systemDns: DnsLookup = {
  resolveSrv: (name) => dns.resolveSrv(name),
  lookup: async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address),
};

/** Splits `host[:port]`, accepting `[v6]:port`. */
export function splitHostPort(value: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined };
  const idx = value.lastIndexOf(':');
  if (idx > 0 && value.indexOf(':') === idx) return { host: value.slice(0, idx), port: Number(value.slice(idx + 1)) };
  return { host: value };
}

const defaultPort = (protocol: TransportProtocol): number => (protocol === 'tls' ? 5061 : 5060);
const srvPrefix = (protocol: TransportProtocol): string =>
  protocol === 'tls' ? '_sips._tcp.' : protocol === 'tcp' ? '_sip._tcp.' : '_sip._udp.';

/**
 * Orders SRV records by priority, then weight-randomly within a priority (RFC 2782). `random` is injectable so
 * tests are deterministic.
 */
export function orderSrv<T extends { priority: number; weight: number }>(records: T[], random = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const ordered: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...byPriority.get(priority)!];
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      let pick = random() * total;
      let index = pool.findIndex((r) => (pick -= r.weight) < 0);
      if (index < 0) index = 0;
      ordered.push(pool.splice(index, 1)[0]!);
    }
  }
  return ordered;
}

/**
 * Resolves `hostPort` for `protocol` into targets in the order to try them. Throws {@link DnsResolutionError}
 * when nothing resolves.
 */
export async function resolveTargets(
  hostPort: string,
  protocol: TransportProtocol,
  lookup: DnsLookup = systemDns,
): Promise<ResolvedTarget[]> {
  const { host, port } = splitHostPort(hostPort);
  if (isIP(host)) return [{ protocol, host, port: port ?? defaultPort(protocol), serverName: host }];

  const targets: ResolvedTarget[] = [];
  if (port === undefined) {
    const srv = await lookup.resolveSrv(srvPrefix(protocol) + host).catch(() => []);
    for (const record of orderSrv(srv)) {
      const addresses = await lookup.lookup(record.name).catch(() => []);
      for (const address of addresses) targets.push({ protocol, host: address, port: record.port, serverName: record.name });
    }
  }
  if (targets.length === 0) {
    const addresses = await lookup.lookup(host).catch(() => []);
    for (const address of addresses)
      targets.push({ protocol, host: address, port: port ?? defaultPort(protocol), serverName: host });
  }
  if (targets.length === 0) throw new DnsResolutionError(`${host} does not resolve to any address`, host);
  return targets;
}

import { describe, expect, it } from 'vitest';
import { DnsResolutionError, orderSrv, resolveTargets, splitHostPort, type DnsLookup } from './resolver';

function fakeDns(srv: Record<string, Array<{ name: string; port: number; priority: number; weight: number }>>, a: Record<string, string[]>): DnsLookup {
  return {
    resolveSrv: async (name) => {
      if (!srv[name]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      return srv[name]!;
    },
    lookup: async (host) => {
      if (!a[host]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      return a[host]!;
    },
  };
}

describe('splitHostPort', () => {
  it('splits names, IPv4 and bracketed IPv6', () => {
    expect(splitHostPort('pbx.example.com')).toEqual({ host: 'pbx.example.com' });
    expect(splitHostPort('127.0.0.1:5070')).toEqual({ host: '127.0.0.1', port: 5070 });
    expect(splitHostPort('[::1]:5061')).toEqual({ host: '::1', port: 5061 });
    expect(splitHostPort('[::1]')).toEqual({ host: '::1' });
  });
});

describe('resolveTargets (RFC 3263)', () => {
  it('uses an IP literal as is, with the transport default port', async () => {
    expect(await resolveTargets('127.0.0.1', 'tls', fakeDns({}, {}))).toEqual([
      { protocol: 'tls', host: '127.0.0.1', port: 5061, serverName: '127.0.0.1' },
    ]);
  });

  it('follows SRV in priority order and fails over across every address', async () => {
    const dns = fakeDns(
      {
        '_sip._tcp.example.com': [
          { name: 'b.example.com', port: 5080, priority: 20, weight: 0 },
          { name: 'a.example.com', port: 5070, priority: 10, weight: 0 },
        ],
      },
      { 'a.example.com': ['127.0.0.2', '127.0.0.3'], 'b.example.com': ['127.0.0.4'] },
    );
    const targets = await resolveTargets('example.com', 'tcp', dns);
    expect(targets.map((t) => `${t.host}:${t.port}`)).toEqual(['127.0.0.2:5070', '127.0.0.3:5070', '127.0.0.4:5080']);
    expect(targets[0]!.serverName).toBe('a.example.com');
  });

  it('skips SRV when a port is given and falls back to A records without SRV', async () => {
    const dns = fakeDns({ '_sip._udp.example.com': [{ name: 'x.example.com', port: 9, priority: 1, weight: 0 }] }, { 'example.com': ['127.0.0.9'] });
    expect((await resolveTargets('example.com:5099', 'udp', dns)).map((t) => t.port)).toEqual([5099]);
    const noSrv = fakeDns({}, { 'example.com': ['127.0.0.9'] });
    expect((await resolveTargets('example.com', 'udp', noSrv))[0]).toMatchObject({ host: '127.0.0.9', port: 5060 });
  });

  it('throws a typed error when nothing resolves', async () => {
    await expect(resolveTargets('nowhere.invalid', 'udp', fakeDns({}, {}))).rejects.toBeInstanceOf(DnsResolutionError);
  });
});

describe('orderSrv', () => {
  it('picks by weight within a priority', () => {
    const records = [
      { name: 'light', priority: 1, weight: 1 },
      { name: 'heavy', priority: 1, weight: 99 },
    ];
    expect(orderSrv(records, () => 0.5).map((r) => r.name)).toEqual(['heavy', 'light']);
    expect(orderSrv(records, () => 0.001).map((r) => r.name)).toEqual(['light', 'heavy']);
  });
});

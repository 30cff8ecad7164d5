import { describe, expect, it } from 'vitest';
import { createTransport } from './create-transport';
import { TcpTransport } from './tcp-transport';
import { TlsTransport } from './tls-transport';
import { UdpTransport } from './udp-transport';

describe('createTransport', () => {
  it('builds the transport for each protocol with its reliability', async () => {
    const udp = createTransport('udp', { host: '127.0.0.1' });
    const tcp = createTransport('tcp');
    const tls = createTransport('tls');
    expect(udp).toBeInstanceOf(UdpTransport);
    expect(tcp).toBeInstanceOf(TcpTransport);
    expect(tls).toBeInstanceOf(TlsTransport);
    expect([udp, tcp, tls].map((t) => [t.protocol, t.reliable])).toEqual([
      ['udp', false],
      ['tcp', true],
      ['tls', true],
    ]);
    const flow = await udp.getFlow({ host: '127.0.0.1', port: 9 });
    expect(flow.local.host).toBe('127.0.0.1');
    expect(flow.local.port).toBeGreaterThan(0);
    await Promise.all([udp.close(), tcp.close(), tls.close()]);
  });
});

import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportError, type Flow } from './types';
import { UdpTransport } from './udp-transport';

const open: UdpTransport[] = [];
async function udp(host = '127.0.0.1', recvBufferSize?: number, maxFlows?: number): Promise<UdpTransport> {
  const transport = await new UdpTransport({ host, port: 0, recvBufferSize, maxFlows }).start();
  open.push(transport);
  return transport;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function collect(transport: UdpTransport): { data: string; flow: Flow }[] {
  const received: { data: string; flow: Flow }[] = [];
  transport.on('message', (data, flow) => received.push({ data: data.toString(), flow }));
  return received;
}

describe('UdpTransport', () => {
  it('sends both ways and reports the flows from each side', async () => {
    const a = await udp();
    const b = await udp();
    const atB = collect(b);
    const atA = collect(a);
    const flow = await a.getFlow({ host: '127.0.0.1', port: b.localAddress.port });
    expect(flow).toMatchObject({
      protocol: 'udp',
      reliable: false,
      local: { host: '127.0.0.1', port: a.localAddress.port },
    });
    expect(flow.id).toBe(`udp:127.0.0.1:${a.localAddress.port}->127.0.0.1:${b.localAddress.port}`);
    expect(await a.getFlow({ host: '127.0.0.1', port: b.localAddress.port })).toBe(flow);

    flow.send(Buffer.from('OPTIONS sip:b SIP/2.0\r\n\r\n'));
    await vi.waitFor(() => expect(atB).toHaveLength(1));
    const back = atB[0]!.flow;
    expect(atB[0]!.data).toBe('OPTIONS sip:b SIP/2.0\r\n\r\n');
    expect(back.remote).toEqual({ protocol: 'udp', host: '127.0.0.1', port: a.localAddress.port });
    expect(back.local).toEqual({ protocol: 'udp', host: '127.0.0.1', port: b.localAddress.port });

    back.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'));
    await vi.waitFor(() => expect(atA).toHaveLength(1));
    expect(atA[0]).toEqual({ data: 'SIP/2.0 200 OK\r\n\r\n', flow });
  });

  it('reports the real source address when bound to the wildcard address', async () => {
    const any = await udp('0.0.0.0');
    const peer = await udp();
    expect(any.localAddress.host).toBe('0.0.0.0');
    const flow = await any.getFlow({ host: '127.0.0.1', port: peer.localAddress.port });
    expect(flow.local).toEqual({ protocol: 'udp', host: '127.0.0.1', port: any.localAddress.port });
  });

  it('ignores empty and CRLF keep-alive datagrams', async () => {
    const b = await udp();
    const received = collect(b);
    const raw = createSocket('udp4');
    const send = (text: string) =>
      new Promise<void>((resolve, reject) =>
        raw.send(Buffer.from(text), b.localAddress.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    try {
      await send('');
      await send('\r\n\r\n');
      await send('\r\n');
      await send('INFO sip:b SIP/2.0\r\n\r\n');
      await vi.waitFor(() => expect(received).toHaveLength(1));
      expect(received[0]!.data).toBe('INFO sip:b SIP/2.0\r\n\r\n');
    } finally {
      raw.close();
    }
  });

  it('asks for a large receive buffer and reports what the kernel granted', async () => {
    const t = await udp('127.0.0.1', 256 * 1024);
    expect(t.recvBufferSize).toBeGreaterThanOrEqual(200 * 1024);
    const small = await udp('127.0.0.1', 16 * 1024);
    expect(small.recvBufferSize).toBeLessThan(t.recvBufferSize);
  });

  it('refuses to send after close and reports the flows as closed', async () => {
    const a = await udp();
    const b = await udp();
    const flow = await a.getFlow({ host: '127.0.0.1', port: b.localAddress.port });
    const closed: Flow[] = [];
    a.on('flowClosed', (f) => closed.push(f));
    await a.close();
    expect(closed).toEqual([flow]);
    expect(() => flow.send(Buffer.from('x'))).toThrow(TransportError);
    await expect(a.getFlow({ host: '127.0.0.1', port: b.localAddress.port })).rejects.toMatchObject({
      code: 'closed',
    });
  });

  it('bounds its flow cache against forged sources, evicting the least recently used without closing it', async () => {
    const t = await udp('127.0.0.1', undefined, 4);
    const peer = await udp();
    const atPeer = collect(peer);
    const received = collect(t);
    const closed: Flow[] = [];
    t.on('flowClosed', (f) => closed.push(f));
    const held = await t.getFlow({ host: '127.0.0.1', port: peer.localAddress.port });
    const kept = await t.getFlow({ host: '127.0.0.1', port: 1 });
    // Twelve sources, as spoofed datagrams would be; `kept` is used between them and so stays.
    const sockets = Array.from({ length: 12 }, () => createSocket('udp4'));
    try {
      for (const [i, socket] of sockets.entries()) {
        await new Promise<void>((resolve, reject) =>
          socket.send(Buffer.from(`INFO sip:${i} SIP/2.0\r\n\r\n`), t.localAddress.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
        );
        await vi.waitFor(() => expect(received).toHaveLength(i + 1));
        expect(await t.getFlow({ host: '127.0.0.1', port: 1 })).toBe(kept);
        expect(t.flowCount).toBeLessThanOrEqual(4);
      }
    } finally {
      sockets.forEach((socket) => socket.close());
    }
    expect(new Set(received.map((r) => r.flow.remote.port)).size).toBe(12);
    // The oldest, `held`, is out of the cache but not closed: it still sends, and a new flow has its id.
    expect(closed).toEqual([]);
    const again = await t.getFlow({ host: '127.0.0.1', port: peer.localAddress.port });
    expect(again).not.toBe(held);
    expect(again.id).toBe(held.id);
    held.send(Buffer.from('OPTIONS sip:peer SIP/2.0\r\n\r\n'));
    await vi.waitFor(() => expect(atPeer).toHaveLength(1));
  });
});

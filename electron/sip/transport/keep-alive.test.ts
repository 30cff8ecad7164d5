import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock';
import { TcpTransport } from './tcp-transport';
import type { Flow, TransportError } from './types';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Connects a TcpTransport on a FakeClock to a 127.0.0.1 server and exposes the server's side of the connection. */
async function setup(): Promise<{
  clock: FakeClock;
  flow: Flow;
  server: Socket;
  seen: () => string;
  closed: { flow: Flow; error?: TransportError }[];
}> {
  let serverSide: Socket | undefined;
  const chunks: Buffer[] = [];
  const server = createServer((socket) => {
    serverSide = socket;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clock = new FakeClock();
  const transport = new TcpTransport({ clock, keepAliveIntervalMs: 30_000, keepAliveTimeoutMs: 10_000 });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => transport.close());
  const closed: { flow: Flow; error?: TransportError }[] = [];
  transport.on('flowClosed', (flow, error) => closed.push({ flow, error }));
  const flow = await transport.getFlow({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  await vi.waitFor(() => expect(serverSide).toBeDefined());
  return { clock, flow, server: serverSide!, seen: () => Buffer.concat(chunks).toString(), closed };
}

/** Lets real socket I/O happen between fake-clock steps. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('CRLF keep-alive (RFC 5626 §4.4.1)', () => {
  it('pings an idle connection and keeps it while pongs come back', async () => {
    const { clock, server, seen, closed } = await setup();
    clock.advance(29_999);
    await settle();
    expect(seen()).toBe('');
    clock.advance(1);
    await vi.waitFor(() => expect(seen()).toBe('\r\n\r\n'));
    server.write('\r\n');
    await settle();
    clock.advance(10_000);
    await settle();
    expect(closed).toEqual([]);
    clock.advance(20_000);
    await vi.waitFor(() => expect(seen()).toBe('\r\n\r\n\r\n\r\n'));
    expect(closed).toEqual([]);
  });

  it('closes the flow with a timeout error when no pong arrives', async () => {
    const { clock, flow, seen, closed } = await setup();
    clock.advance(30_000);
    await vi.waitFor(() => expect(seen()).toBe('\r\n\r\n'));
    clock.advance(9_999);
    expect(closed).toEqual([]);
    clock.advance(1);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.flow).toBe(flow);
    expect(closed[0]!.error).toMatchObject({ name: 'TransportError', code: 'timeout' });
  });

  it('does not ping while the peer keeps sending', async () => {
    const { clock, server, seen } = await setup();
    clock.advance(20_000);
    server.write('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    await settle();
    clock.advance(20_000);
    await settle();
    expect(seen()).toBe('');
    clock.advance(10_000);
    await vi.waitFor(() => expect(seen()).toBe('\r\n\r\n'));
  });

  it('is off when the interval is 0', async () => {
    const clock = new FakeClock();
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new TcpTransport({ clock, keepAliveIntervalMs: 0 });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => transport.close());
    await transport.getFlow({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    expect(clock.pending).toBe(0);
  });
});

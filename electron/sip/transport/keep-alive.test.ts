import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock';
import { TcpTransport } from './tcp-transport';
import type { Flow, TransportError } from './types';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A TcpTransport that hands the test its client sockets, so the test can wait on what the client actually received
 * (a condition) instead of on real time, and see pings synchronously (`bytesWritten` counts a write at once).
 */
class ObservedTcpTransport extends TcpTransport {
  readonly sockets: Socket[] = [];
  protected override dial(remote: { host: string; port: number }): Socket {
    const socket = super.dial(remote);
    this.sockets.push(socket);
    return socket;
  }
}

/** Connects a TcpTransport on a FakeClock to a 127.0.0.1 server and exposes the server's side of the connection. */
async function setup(): Promise<{
  clock: FakeClock;
  flow: Flow;
  server: Socket;
  /** What the server received from the console. */
  seen: () => string;
  /** Bytes the console wrote so far (counted when written, not when delivered). */
  sent: () => number;
  /** What the console's socket received from the server. */
  received: () => string;
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
  const transport = new ObservedTcpTransport({ clock, keepAliveIntervalMs: 30_000, keepAliveTimeoutMs: 10_000 });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => transport.close());
  const closed: { flow: Flow; error?: TransportError }[] = [];
  transport.on('flowClosed', (flow, error) => closed.push({ flow, error }));
  const flow = await transport.getFlow({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  await vi.waitFor(() => expect(serverSide).toBeDefined());
  expect(transport.sockets).toHaveLength(1);
  const client = transport.sockets[0]!;
  const inbound: Buffer[] = [];
  // Registered after the transport's own listener (added on connect), so once this one saw a chunk, the
  // transport has handled it too.
  client.on('data', (chunk: Buffer) => inbound.push(chunk));
  return {
    clock,
    flow,
    server: serverSide!,
    seen: () => Buffer.concat(chunks).toString(),
    sent: () => client.bytesWritten,
    received: () => Buffer.concat(inbound).toString(),
    closed,
  };
}

describe('CRLF keep-alive (RFC 5626 §4.4.1)', () => {
  it('pings an idle connection and keeps it while pongs come back', async () => {
    const { clock, server, seen, sent, received, closed } = await setup();
    clock.advance(29_999);
    // A ping is written from the timer callback itself, so none written now means none was due.
    expect(sent()).toBe(0);
    clock.advance(1);
    expect(sent()).toBe(4);
    await vi.waitFor(() => expect(seen()).toBe('\r\n\r\n'));
    server.write('\r\n');
    await vi.waitFor(() => expect(received()).toBe('\r\n'));
    clock.advance(10_000);
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
    const { clock, server, seen, sent, received } = await setup();
    const response = 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n';
    clock.advance(20_000);
    server.write(response);
    await vi.waitFor(() => expect(received()).toBe(response));
    clock.advance(20_000);
    expect(sent()).toBe(0);
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

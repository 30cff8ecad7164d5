import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FramingError } from './stream-framer';
import { TcpTransport } from './tcp-transport';
import { TransportError, type Flow } from './types';

function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`../../../test/fixtures/transport/${name}`, import.meta.url), 'utf8');
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}
const options = fixture('options-empty-body.sip');
const utf8 = fixture('message-utf8-body.sip');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A peer on 127.0.0.1 that hands each accepted socket to `onSocket`. */
async function peer(
  onSocket: (socket: Socket) => void,
): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

function transport(options: ConstructorParameters<typeof TcpTransport>[0] = {}): TcpTransport {
  const t = new TcpTransport({ keepAliveIntervalMs: 0, ...options });
  cleanups.push(() => t.close());
  return t;
}

function collect(t: TcpTransport): { data: Buffer; flow: Flow }[] {
  const received: { data: Buffer; flow: Flow }[] = [];
  t.on('message', (data, flow) => received.push({ data, flow }));
  return received;
}

describe('TcpTransport', () => {
  it('exchanges framed messages with an echo server over one reused connection', async () => {
    const echo = await peer((socket) => socket.pipe(socket));
    const t = transport();
    const received = collect(t);
    const flow = await t.getFlow({ host: '127.0.0.1', port: echo.port });
    expect(flow).toMatchObject({
      protocol: 'tcp',
      reliable: true,
      remote: { host: '127.0.0.1', port: echo.port },
    });
    await vi.waitFor(() => expect(echo.sockets).toHaveLength(1));
    expect(flow.local).toEqual({ protocol: 'tcp', host: '127.0.0.1', port: echo.sockets[0]!.remotePort });

    flow.send(Buffer.concat([options, utf8]));
    const again = await t.getFlow({ host: '127.0.0.1', port: echo.port });
    expect(again).toBe(flow);
    again.send(utf8.subarray(0, 50));
    again.send(utf8.subarray(50));
    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received.map((r) => r.data.toString())).toEqual([options, utf8, utf8].map(String));
    expect(received.every((r) => r.flow === flow)).toBe(true);
    expect(echo.sockets).toHaveLength(1);
  });

  it('shares one connect between concurrent getFlow calls', async () => {
    const echo = await peer(() => {});
    const t = transport();
    const [a, b] = await Promise.all([
      t.getFlow({ host: '127.0.0.1', port: echo.port }),
      t.getFlow({ host: '127.0.0.1', port: echo.port }),
    ]);
    expect(a).toBe(b);
  });

  it('fails with connect-failed when nothing listens', async () => {
    const gone = await peer(() => {});
    await new Promise<void>((resolve) => gone.server.close(() => resolve()));
    await expect(transport().getFlow({ host: '127.0.0.1', port: gone.port })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'connect-failed',
    });
  });

  it('closes the connection on a framing error and connects afresh next time', async () => {
    const missing = fixture('response-missing-content-length.sip');
    const server = await peer((socket) => socket.once('data', () => socket.write(missing)));
    const t = transport();
    const closed: { flow: Flow; error?: TransportError }[] = [];
    t.on('flowClosed', (flow, error) => closed.push({ flow, error }));
    const flow = await t.getFlow({ host: '127.0.0.1', port: server.port });
    flow.send(options);
    await vi.waitFor(() => expect(closed).toHaveLength(1));
    expect(closed[0]!.flow).toBe(flow);
    expect(closed[0]!.error).toBeInstanceOf(TransportError);
    expect(closed[0]!.error?.cause).toBeInstanceOf(FramingError);
    expect(() => flow.send(options)).toThrow(TransportError);
    const next = await t.getFlow({ host: '127.0.0.1', port: server.port });
    expect(next).not.toBe(flow);
    await vi.waitFor(() => expect(server.sockets).toHaveLength(2));
  });

  it('reports a peer closing the connection as flowClosed', async () => {
    const server = await peer((socket) => socket.end());
    const t = transport();
    const closed: Flow[] = [];
    t.on('flowClosed', (flow) => closed.push(flow));
    const flow = await t.getFlow({ host: '127.0.0.1', port: server.port });
    await vi.waitFor(() => expect(closed).toEqual([flow]));
  });

  it('accepts incoming connections as flows, answers pings, and replies on the same connection', async () => {
    const t = transport({ listen: { host: '127.0.0.1', port: 0 } });
    await t.start();
    const received = collect(t);
    const port = t.listenAddress!.port;
    const client = connect(port, '127.0.0.1');
    cleanups.push(() => void client.destroy());
    const fromServer: Buffer[] = [];
    client.on('data', (chunk: Buffer) => fromServer.push(chunk));
    await new Promise<void>((resolve) => client.once('connect', resolve));

    client.write('\r\n\r\n');
    await vi.waitFor(() => expect(Buffer.concat(fromServer).toString()).toBe('\r\n'));
    client.write(options);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const flow = received[0]!.flow;
    expect(flow.remote).toEqual({ protocol: 'tcp', host: '127.0.0.1', port: client.localPort });
    expect(flow.local).toEqual({ protocol: 'tcp', host: '127.0.0.1', port });
    expect(await t.getFlow({ host: '127.0.0.1', port: client.localPort! })).toBe(flow);
    flow.send(utf8);
    await vi.waitFor(() => expect(Buffer.concat(fromServer).subarray(2).equals(utf8)).toBe(true));
  });
});

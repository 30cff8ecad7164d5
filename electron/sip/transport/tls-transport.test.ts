import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock';
import { TlsTransport } from './tls-transport';
import type { Flow } from './types';


const message = Buffer.from('OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: tls-1\r\nContent-Length: 0\r\n\r\n');

// No skip without openssl: certificate pinning is security-relevant, so a machine that cannot run these tests fails
// them (scripts/setup.sh --test installs openssl).
describe('TlsTransport', () => {
  let dir: string;
  let cert: string;
  let fingerprint: string;
  let server: Server;
  let port: number;
  const secured: TLSSocket[] = [];
  const plaintext: Buffer[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
    const keyFile = join(dir, 'k');
    const certFile = join(dir, 'c');
    const args = [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
    ];
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.error) throw new Error(`openssl CLI not runnable (${result.error.message}): the TLS tests need it to make a certificate; run scripts/setup.sh --test`);
    if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
    cert = readFileSync(certFile, 'utf8');
    fingerprint = new X509Certificate(cert).fingerprint256;
    server = createServer({ key: readFileSync(keyFile), cert }, (socket) => {
      secured.push(socket);
      socket.on('data', (chunk: Buffer) => plaintext.push(chunk));
      socket.pipe(socket);
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    for (const socket of secured) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function transport(clock?: FakeClock): TlsTransport {
    const t = new TlsTransport({ keepAliveIntervalMs: 0, clock });
    cleanups.push(() => t.close());
    return t;
  }

  async function echoes(t: TlsTransport, flow: Flow): Promise<void> {
    const received: Buffer[] = [];
    t.on('message', (data, from) => {
      if (from === flow) received.push(data);
    });
    flow.send(message);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]!.equals(message)).toBe(true);
  }

  it('rejects a self-signed certificate by default', async () => {
    await expect(transport().getFlow({ host: '127.0.0.1', port })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'tls-verify-failed',
    });
  });

  it('accepts the certificate when its CA is given, and checks the name against it', async () => {
    const t = transport();
    const flow = await t.getFlow({ host: '127.0.0.1', port }, { ca: cert, servername: 'localhost' });
    expect(flow).toMatchObject({
      protocol: 'tls',
      reliable: true,
      local: { host: '127.0.0.1' },
      remote: { host: '127.0.0.1', port },
    });
    await vi.waitFor(() => expect(secured.some((s) => s.remotePort === flow.local.port)).toBe(true));
    await echoes(t, flow);
    // The certificate names localhost, not 127.0.0.1: a trusted CA does not excuse a name mismatch.
    await expect(t.getFlow({ host: '127.0.0.1', port }, { ca: cert })).rejects.toMatchObject({
      code: 'tls-verify-failed',
    });
  });

  it('accepts exactly the pinned certificate, whatever the fingerprint notation', async () => {
    const t = transport();
    const pin = fingerprint.replace(/:/g, '').toLowerCase();
    const flow = await t.getFlow({ host: '127.0.0.1', port }, { fingerprint256: pin });
    await echoes(t, flow);
  });

  it('rejects a wrong fingerprint before any data is sent', async () => {
    const before = Buffer.concat(plaintext).length;
    const wrong = fingerprint.slice(0, -2) + (fingerprint.endsWith('00') ? '01' : '00');
    await expect(
      transport().getFlow({ host: '127.0.0.1', port }, { fingerprint256: wrong }),
    ).rejects.toMatchObject({ code: 'tls-verify-failed' });
    await expect(
      transport().getFlow({ host: '127.0.0.1', port }, { fingerprint256: 'not-hex' }),
    ).rejects.toMatchObject({ code: 'tls-verify-failed' });
    expect(Buffer.concat(plaintext).length).toBe(before);
  });

  it('does not lend a pinned connection to a caller with default verification', async () => {
    const t = transport();
    await t.getFlow({ host: '127.0.0.1', port }, { fingerprint256: fingerprint });
    await expect(t.getFlow({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'tls-verify-failed' });
  });

  it('times out a handshake the server never answers', async () => {
    const silent = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const accepted: unknown[] = [];
    silent.on('connection', (s) => {
      accepted.push(s);
      cleanups.push(async () => void s.destroy());
    });
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const clock = new FakeClock();
    const pending = transport(clock).getFlow(
      { host: '127.0.0.1', port: (silent.address() as AddressInfo).port },
      { ca: cert },
    );
    const outcome = pending.then(
      () => 'connected',
      (err: { code?: string }) => err.code,
    );
    let settled: string | undefined;
    void outcome.then((value) => (settled = value));
    await vi.waitFor(() => expect(accepted).toHaveLength(1));
    clock.advance(9_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBeUndefined();
    clock.advance(1);
    expect(await outcome).toBe('timeout');
  });
});

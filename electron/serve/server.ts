/**
 * Serve mode: the built renderer over HTTP and the contract as JSON over a WebSocket at `/api` (docs/api.md), on
 * loopback only, guarded by a random token. The dispatcher is generated from the contract (contract-dispatch.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { ContractHost, InternalErrorReporter } from '../core/contract-dispatch';
import { forwardEvents } from '../core/contract-dispatch';
import { byteLength, handleFrame, MAX_FRAME_BYTES, tooLarge } from './frames';
import { STATIC_MIME as MIME } from '../core/static-mime';

export { MAX_FRAME_BYTES } from './frames';

/** The only addresses serve mode listens on: the console is not meant to be reachable from the network. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

export function isLoopbackHost(host: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(host);
}

/** Refused to start (bad host, port in use). */
export class ServeError extends Error {
  override readonly name = 'ServeError';
  constructor(
    message: string,
    readonly code: 'host-not-allowed' | 'listen-failed',
  ) {
    super(message);
  }
}

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Directory of the built renderer (`out/renderer`). */
  staticDir: string;
  service: ContractHost;
  /** Fixed token for tests; otherwise 24 random bytes, base64url. */
  token?: string;
  onInternalError?: InternalErrorReporter;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=…` */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Largest frame the socket takes in at all: up to here an oversize frame is answered, beyond it the connection
 * closes with 1009 (the memory one frame may cost has to end somewhere).
 */
export const MAX_WIRE_FRAME_BYTES = 4 * MAX_FRAME_BYTES;
/** Concurrent WebSocket clients; one console UI needs one, and each costs event fan-out and buffers. */
export const MAX_CONNECTIONS = 32;
/** WebSocket close code 1013, "Try Again Later" (RFC 6455 §7.4, IANA registry). */
const TRY_AGAIN_LATER = 1013;
/** A client this far behind on events is not reading; drop it rather than buffer without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Media frames queue at most about half a second behind before new ones are dropped (50 frames of 328 bytes). */
const MAX_MEDIA_BUFFERED_BYTES = 16 * 1024;


/** The Content-Security-Policy of every response: own scripts and styles only, WebSocket to this server only. */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http:/, 'ws:');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Compares tokens in constant time (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function origins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host))
    throw new ServeError(
      `Refusing to listen on ${host}: serve mode only listens on 127.0.0.1 or ::1`,
      'host-not-allowed',
    );
  const token = options.token ?? randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  let clients = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WIRE_FRAME_BYTES });
  let port = 0;
  let origin = '';

  const http = createServer((req, res) => {
    handleHttp(req, res, { staticDir: options.staticDir, token, origin, port }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const reject = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api') return reject('404 Not Found');
    if (!hostAllowed(req, port)) return reject('403 Forbidden');
    if (!tokenMatches(token, url.searchParams.get('token'))) return reject('401 Unauthorized');
    // Browsers always send Origin on a WebSocket handshake; a foreign page must not drive the console.
    const from = req.headers.origin;
    if (from !== undefined && !origins(port).includes(from)) return reject('403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  /** Tracks every socket (so close() ends them all) and turns away clients beyond the cap with a reason. */
  function accept(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    if (clients >= MAX_CONNECTIONS)
      return void ws.close(TRY_AGAIN_LATER, `Too many connections: at most ${MAX_CONNECTIONS} clients at a time`);
    clients++;
    ws.on('close', () => clients--);
    attach(ws);
  }

  function attach(ws: WebSocket): void {
    const send = (frame: unknown): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1008, 'Client is not reading');
      ws.send(JSON.stringify(frame));
    };
    const stop = forwardEvents(options.service, (event, payload) => send({ type: 'event', event, payload }));
    // Binary messages are the media channel (shared/media-channel.ts): audio frames, validated by the hub.
    const media = options.service.media?.connect({
      send: (bytes) => {
        // Audio that cannot leave now is stale by the time it could: drop it rather than queue it.
        if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_MEDIA_BUFFERED_BYTES) ws.send(bytes, { binary: true });
      },
    });
    ws.on('close', () => media?.close());
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!media) return send({ type: 'error', message: 'Frames must be JSON text' });
        return media.receive(Array.isArray(data) ? Buffer.concat(data) : data);
      }
      const bytes = byteLength(data);
      if (bytes > MAX_FRAME_BYTES) return send(tooLarge(data, bytes));
      void handleFrame(String(data), send, options.service.handlers, options.onInternalError);
    });
    ws.on('close', stop);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void =>
      reject(
        new ServeError(`Cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, 'listen-failed'),
      );
    http.once('error', onError);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** DNS rebinding defence: the Host header must name this loopback server. */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host !== undefined && origins(port).some((o) => o === `http://${host}`);
}

interface HttpContext {
  staticDir: string;
  token: string;
  origin: string;
  port: number;
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(ctx.origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const text = (status: number, body: string): void => {
    res
      .writeHead(status, {
        ...headers,
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      })
      .end(body);
  };
  if (!hostAllowed(req, ctx.port)) return text(403, 'Forbidden host\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed\n');
  const url = new URL(req.url ?? '/', ctx.origin);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return text(400, 'Bad path\n');
  }
  const isPage = path === '/' || path === '/index.html';
  // The page carries the token to the app; its static assets are public build output and need none.
  if (isPage && !tokenMatches(ctx.token, url.searchParams.get('token')))
    return text(401, 'Unauthorized: open the URL printed by `npm run serve`, including its ?token=…\n');
  const file = normalize(join(ctx.staticDir, isPage ? 'index.html' : path));
  if (!file.startsWith(normalize(ctx.staticDir) + sep) || path.includes('\0'))
    return text(404, 'Not found\n');
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) {
    if (isPage)
      return text(503, `The renderer is not built (${file} is missing): run \`npm run build:renderer\`\n`);
    return text(404, 'Not found\n');
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(stat.size),
    'Cache-Control': isPage ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

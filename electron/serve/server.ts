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
import { dispatchCommand, forwardEvents } from '../core/contract-dispatch';

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

const MAX_FRAME_BYTES = 1024 * 1024;
/** A client this far behind on events is not reading; drop it rather than buffer without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
};

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
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
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
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    sockets.add(ws);
    const send = (frame: unknown): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1008, 'Client is not reading');
      ws.send(JSON.stringify(frame));
    };
    const stop = forwardEvents(options.service, (event, payload) => send({ type: 'event', event, payload }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ type: 'error', message: 'Frames must be JSON text' });
      void handleFrame(String(data), send, options);
    });
    ws.on('close', () => {
      stop();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
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

/** Frame shape (docs/api.md): `{ "type": "invoke", "id": 1, "command": "snapshot", "args": null }`. */
async function handleFrame(
  text: string,
  send: (frame: unknown) => void,
  options: ServeOptions,
): Promise<void> {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return send({ type: 'error', message: 'Frame is not valid JSON' });
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
    return send({ type: 'error', message: 'Frame must be a JSON object' });
  const { type, id, command, args } = frame as Record<string, unknown>;
  const validId =
    (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length <= 64);
  if (type !== 'invoke' || !validId || typeof command !== 'string')
    return send({
      type: 'error',
      message:
        'Frame must be { "type": "invoke", "id": <integer or string>, "command": <string>, "args": … }',
      ...(validId ? { id } : {}),
    });
  const result = await dispatchCommand(options.service.handlers, command, args, options.onInternalError);
  send({ type: 'result', id, result });
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

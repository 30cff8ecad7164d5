/**
 * The renderer's own origin, `app://console/`: a privileged custom scheme that serves only the built renderer
 * directory, instead of `file://`, which would let the page read any file the user can (Electron security
 * checklist §18, "Avoid usage of the file:// protocol"). IPC accepts calls only from this origin (ipc.ts).
 */
import type { CustomScheme, Protocol } from 'electron';
import { promises as fs } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { STATIC_MIME as MIME } from '../core/static-mime';

export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
/** Where the window loads the packaged renderer from. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * `standard` gives the scheme real origins (so `'self'` in the CSP and relative URLs work), `secure` makes it a
 * secure context like https, `supportFetchAPI` lets module scripts load. No `bypassCSP`, no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};


/** Reads a file; injected in tests. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/**
 * The `app:` handler: `app://console/<path>` answers the file at `<rootDir>/<path>` (`/` is `index.html`), with the
 * CSP on every answer. Any other host, a method other than GET/HEAD, a path leaving `rootDir` (`..`, encoded or
 * not), a NUL or a backslash gets a plain error status; nothing outside `rootDir` is ever read.
 */
export function appProtocolHandler(
  rootDir: string,
  csp: string,
  readFile: ReadFile = (path) => fs.readFile(path),
): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
  const status = (code: number): Response => new Response(null, { status: code, headers });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
    let url: URL;
    let path: string;
    try {
      url = new URL(request.url);
      path = decodeURIComponent(url.pathname);
    } catch {
      return status(400);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return status(404);
    if (path.includes('\0') || path.includes('\\')) return status(404);
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    const inside = relative(root, file);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) return status(404);
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch {
      return status(404);
    }
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...headers, 'Content-Type': type },
    });
  };
}

/** Makes `app:` privileged; Electron allows this only before the app is ready, so it runs at module load. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Serves the renderer directory on `app://console/` (after ready). */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, rootDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rootDir, csp));
}

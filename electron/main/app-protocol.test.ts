import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_INDEX_URL, appProtocolHandler, registerAppScheme, serveAppScheme } from './app-protocol';

const CSP = "default-src 'self'";
let dir: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'app-protocol-'));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  writeFileSync(join(dir, 'renderer-evil.txt'), 'sibling');
  serve = appProtocolHandler(join(dir, 'renderer'), CSP);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, init?: RequestInit): Promise<Response> => serve(new Request(url, init));

describe('app:// protocol', () => {
  it('serves the renderer with its type, nosniff and the CSP', async () => {
    const page = await get(APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html><title>console</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await get('app://console/assets/app.js?v=1#x');
    expect(await js.text()).toBe('console.log(1);');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await get('app://console/')).text()).toContain('<title>console</title>');
  });

  it.each([
    ['a missing file', 'app://console/assets/missing.js', 404],
    ['a directory', 'app://console/assets', 404],
    ['an encoded ..', 'app://console/..%2fsecret.txt', 404],
    ['an encoded .. past assets', 'app://console/assets/..%2f..%2fsecret.txt', 404],
    ['a sibling directory with the same prefix', 'app://console/..%2frenderer-evil.txt', 404],
    ['an encoded backslash', 'app://console/..%5csecret.txt', 404],
    ['a NUL', 'app://console/index.html%00.js', 404],
    ['bad percent-encoding', 'app://console/%E0%A4%A', 400],
    ['another host', 'app://evil/index.html', 404],
  ])('refuses %s', async (_label, url, status) => {
    const res = await get(url);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe('');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
  });

  it('answers only GET and HEAD', async () => {
    expect((await get(APP_INDEX_URL, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await get(APP_INDEX_URL, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers the scheme as standard and secure without bypassing the CSP, and serves it by handle()', async () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });
    expect(registered).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    let handler: ((request: Request) => Response | Promise<Response>) | undefined;
    serveAppScheme({ handle: (scheme, h) => scheme === 'app' && (handler = h) }, join(dir, 'renderer'), CSP);
    expect((await handler!(new Request(APP_INDEX_URL))).status).toBe(200);
  });
});

/**
 * Screenshots of every renderer screen against a fake ConsoleApi, for looking at the UI without a SIP engine.
 *
 *   npm run build:renderer && npx tsx test/e2e/support/renderer-preview.ts
 *
 * Serves out/renderer on 127.0.0.1, injects `window.consoleApi` before the app loads, and writes PNGs at 1366×768 and
 * 1920×1080 in light and dark to test-results/preview/. Console errors (e.g. CSP violations) are printed and make
 * the run fail, so a screen that only looks right because an error was swallowed does not pass.
 */
import { createServer, type Server } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { previewData, type PreviewData } from './preview-data';

const ROOT = resolve(import.meta.dirname, '../../..');
const STATIC_DIR = join(ROOT, 'out/renderer');
const OUT_DIR = join(ROOT, 'test-results/preview');
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  // No WebSocket upgrade handler: without the fake API the app sees a dead engine and shows its banner.
  server.on('upgrade', (_req, socket) => socket.destroy());
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Runs in the page before the app: a ConsoleApi answering from `data`, with times relative to page load. */
function installFakeApi(data: PreviewData): void {
  const start = Date.now();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const lines = data.lines.map(({ retryInMs, expiresInMs, ...line }) => ({
    ...line,
    nextRetryAt: retryInMs === undefined ? undefined : start + retryInMs,
    expiresAt: expiresInMs === undefined ? undefined : start + expiresInMs,
  }));
  let trace = data.trace.map((entry, i) => ({ ...entry, time: start - (data.trace.length - i) * 173 - 40_000 }));
  let settings = data.settings;
  const reply = (value: unknown) => Promise.resolve({ ok: true, value });
  const api = {
    invoke(command: string, args: unknown) {
      switch (command) {
        case 'snapshot':
          return reply({ app: { version: '0.1.0', mode: 'electron' }, settings, lines });
        case 'trace.list':
          return reply(trace);
        case 'trace.clear':
          trace = [];
          return reply(undefined);
        case 'lines.reregister':
          return reply(lines.find((line) => line.number === (args as { line: number }).line));
        case 'settings.save': {
          if (data.saveError) return Promise.resolve({ ok: false, error: data.saveError });
          const input = args as { lines: { password?: string }[] };
          settings = {
            ...(input as unknown as typeof settings),
            lines: input.lines.map(({ password, ...line }, i) => ({
              ...(line as (typeof settings.lines)[number]),
              hasPassword: password === undefined ? (settings.lines[i]?.hasPassword ?? false) : password !== '',
            })),
          };
          return reply(settings);
        }
        default:
          return Promise.resolve({ ok: false, error: { code: 'not-found', message: `No command ${command}` } });
      }
    },
    on(event: string, listener: (payload: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  };
  (window as unknown as { consoleApi: unknown }).consoleApi = api;
}

/**
 * The init script as source text. tsx (esbuild) wraps named functions in `__name(…)`, which does not exist in the
 * page, so a local stand-in is provided around the serialised function.
 */
function initScript(data: PreviewData): string {
  return `(() => { const __name = (f) => f; (${installFakeApi.toString()})(${JSON.stringify(data)}); })();`;
}

type Shot = { name: string; prepare: (page: Page) => Promise<void> };

const shots: Shot[] = [
  { name: 'lines', prepare: async (page) => void (await page.getByTestId('nav-lines').click()) },
  {
    name: 'settings',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('[data-testid="settings-line-3"] .pick').click();
    },
  },
  {
    name: 'settings-error',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('[data-testid="settings-line-1"] .pick').click();
      await page.getByTestId('line-field-domain').fill('pbx..example.com');
      await page.getByTestId('line-field-expires').fill('30');
      await page.getByTestId('save-settings').click();
    },
  },
  {
    name: 'settings-advanced',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('details.advanced summary').click();
      await page.getByTestId('sip-field-t2Ms').fill('300');
      await page.getByTestId('diagnostics-field-traceBufferSize').scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'diagnostics',
    prepare: async (page) => {
      await page.getByTestId('nav-diagnostics').click();
      await page.getByTestId('trace-row').nth(5).click();
    },
  },
];

/** Every size in both schemes in English, plus one German pass to catch strings that do not fit. */
function variants(): { size: (typeof SIZES)[number]; colorScheme: (typeof SCHEMES)[number]; locale: string }[] {
  const all = SIZES.flatMap((size) => SCHEMES.map((colorScheme) => ({ size, colorScheme, locale: 'en-US' })));
  return [...all, { size: SIZES[0], colorScheme: 'light', locale: 'de-DE' }];
}

async function openPage(context: BrowserContext, colorScheme: 'light' | 'dark', problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => void (msg.type() === 'error' && problems.push(msg.text())));
  page.on('pageerror', (error) => problems.push(error.message));
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
  return page;
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await serve(STATIC_DIR);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?token=preview`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const problems: string[] = [];
  try {
    for (const { size, colorScheme, locale } of variants()) {
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, locale });
      const tag = `${colorScheme}-${size.width}x${size.height}${locale === 'en-US' ? '' : `-${locale}`}`;
      for (const shot of shots) {
        const page = await openPage(context, colorScheme, problems);
        await page.addInitScript({ content: initScript(previewData()) });
        await page.goto(url);
        await page.getByTestId('line-status-1').waitFor();
        await shot.prepare(page);
        await page.waitForTimeout(150);
        await page.screenshot({ path: join(OUT_DIR, `${tag}-${shot.name}.png`) });
        await page.close();
      }
      // Without the fake API the app falls back to the WebSocket client, which cannot connect here.
      const offline = await openPage(context, colorScheme, problems);
      await offline.goto(url);
      await offline.locator('[data-testid="connection-banner"].is-reconnecting').waitFor();
      await offline.screenshot({ path: join(OUT_DIR, `${tag}-disconnected.png`) });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const real = problems.filter((text) => !/WebSocket|ERR_CONNECTION|net::/.test(text));
  if (real.length) {
    console.error(`Page errors:\n${real.join('\n')}`);
    process.exitCode = 1;
  }
  console.log(`Screenshots in ${OUT_DIR}`);
}

await main();

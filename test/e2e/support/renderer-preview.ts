/**
 * Screenshots of every renderer screen against a fake ConsoleApi, for looking at the UI without a SIP engine.
 *
 *   npm run build:renderer && npx tsx test/e2e/support/renderer-preview.ts
 *
 * Serves out/renderer on 127.0.0.1, injects `window.consoleApi` before the app loads, and writes PNGs at 1366×768 and
 * 1920×1080 in light and dark to test-results/preview/. Console errors (e.g. CSP violations) are printed and make
 * the run fail, so a screen that only looks right because an error was swallowed does not pass.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { serveStatic } from '../../support/static-server';
import { importKeys } from '../../../electron/core/blf/key-import';
import { previewData, type PreviewData } from './preview-data';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT_DIR = join(ROOT, 'test-results/preview');
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const SNOM_SAMPLE = readFileSync(join(ROOT, 'test/fixtures/keys/snom.xml'), 'utf8');

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
  const tiles = data.tiles.map(({ sinceAgoMs, staleAgoMs, ...tile }) => ({
    ...tile,
    since: start - sinceAgoMs,
    ...(staleAgoMs === undefined ? {} : { staleSince: start - staleAgoMs }),
  }));
  let settings = data.settings;
  let presence = data.presence;
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload));
  const reply = (value: unknown) => Promise.resolve({ ok: true, value });
  const api = {
    invoke(command: string, args: unknown) {
      switch (command) {
        case 'snapshot':
          return reply({ app: { version: '0.1.0', mode: 'electron' }, settings, lines, tiles, blf: data.blf, presence });
        case 'presence.set': {
          const own = args as { state: string; note?: string };
          presence = { ...presence, own: own as typeof presence.own, published: own as typeof presence.published };
          setTimeout(() => emit('presence.changed', presence), 0);
          return reply(presence);
        }
        case 'blf.stats':
          return reply(data.blf);
        case 'blf.refresh': {
          const line = (args as { line?: number } | undefined)?.line;
          return reply({ subscriptions: tiles.filter((tile) => line === undefined || tile.line === line).length });
        }
        case 'tiles.importXml':
          return reply(data.importResult);
        case 'tiles.importKeys':
          return Promise.resolve((data as PreviewData & { importKeys?: unknown }).importKeys ?? { ok: true, value: { format: 'console', tiles: data.importResult, warnings: [] } });
        case 'trace.list':
          return reply({ entries: trace });
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
function initScript(data: PreviewData = previewData()): string {
  return `(() => { const __name = (f) => f; (${installFakeApi.toString()})(${JSON.stringify(data)}); })();`;
}

type Shot = { name: string; data?: () => PreviewData; prepare: (page: Page) => Promise<void> };

const shots: Shot[] = [
  { name: 'panel', prepare: async (page) => void (await page.getByTestId('tile-k101').waitFor()) },
  {
    name: 'panel-focus',
    prepare: async (page) => {
      await page.getByTestId('tile-k106').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
    },
  },
  {
    name: 'panel-search',
    prepare: async (page) => {
      await page.keyboard.press('/');
      await page.keyboard.type('lunch');
      await page.getByTestId('tile-search').fill('an');
    },
  },
  {
    name: 'panel-compact',
    prepare: async (page) => {
      await page.getByRole('button', { name: /^(Compact|Kompakt)$/ }).click();
    },
  },
  {
    name: 'panel-refresh',
    prepare: async (page) => {
      await page.getByTestId('group-Warehouse').click();
      await page.getByTestId('lamps-refresh').click();
      await page.getByTestId('tile-toast').waitFor();
      await page.getByTestId('tile-warehouse/sip:304@pbx.example.com').focus();
    },
  },
  { name: 'panel-1000', data: () => previewData({ tiles: 1000 }), prepare: async (page) => void (await page.getByTestId('tile-grid').waitFor()) },
  {
    name: 'keys',
    prepare: async (page) => {
      await page.getByTestId('nav-keys').click();
      await page.locator('[data-testid="key-4"] .pick').click();
    },
  },
  {
    name: 'keys-error',
    prepare: async (page) => {
      await page.getByTestId('nav-keys').click();
      await page.getByTestId('tile-editor-add').click();
      await page.getByTestId('tile-field-name').fill('Night porter');
      await page.getByTestId('tile-field-uri').fill('sip:@pbx');
      await page.getByTestId('save-keys').click();
    },
  },
  {
    name: 'keys-import-snom',
    // The real importer's report on the snom sample, answered by the fake `tiles.importKeys`.
    data: () => ({ ...previewData(), importKeys: importKeys(SNOM_SAMPLE, { lineCount: 3 }) }),
    prepare: async (page) => {
      await page.getByTestId('nav-keys').click();
      await page.getByTestId('tile-import').click();
      await page.getByTestId('tile-import-xml').fill(SNOM_SAMPLE);
      await page.getByTestId('tile-import-read').click();
      await page.getByTestId('tile-import-preview').waitFor();
    },
  },
  {
    name: 'keys-import',
    prepare: async (page) => {
      await page.getByTestId('nav-keys').click();
      await page.getByTestId('tile-import').click();
      await page.getByTestId('tile-import-xml').fill('<key><keyConfiguration><function><invocations><invocation><invite><uri>77</uri></invite></invocation></invocations></function></keyConfiguration></key>');
      await page.getByTestId('tile-import-read').click();
      await page.getByTestId('tile-import-preview').waitFor();
    },
  },
  { name: 'lines', prepare: async (page) => void (await page.getByTestId('nav-lines').click()) },
  {
    name: 'settings',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('[data-testid="settings-line-3"] .pick').click();
    },
  },
  {
    name: 'settings-advanced',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('details.advanced summary').click();
      await page.getByTestId('notify-field-profile').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    },
  },
  {
    name: 'settings-winfo',
    prepare: async (page) => {
      await page.getByTestId('nav-settings').click();
      await page.locator('[data-testid="settings-line-1"] .pick').click();
      await page.getByTestId('line-field-watcherInfo').evaluate((el) => el.scrollIntoView({ block: 'center' }));
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
    name: 'presence',
    prepare: async (page) => {
      await page.getByTestId('nav-presence').click();
      await page.getByTestId('presence-custom-lunch').check();
      await page.getByTestId('presence-note').fill('Back at 1:30 pm');
      await page.keyboard.press('Enter');
      await page.getByTestId('presence-published').filter({ hasText: 'Back at 1:30 pm' }).waitFor();
    },
  },
  {
    name: 'presence-filter',
    prepare: async (page) => {
      await page.getByTestId('nav-presence').click();
      await page.getByTestId('presence-filter').fill('lunch');
      await page.getByTestId('presence-messages').scrollIntoViewIfNeeded();
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

/**
 * Every size in both schemes in English, plus one German pass to catch strings that do not fit. While iterating,
 * `PREVIEW_ONLY=panel,keys` limits the shots (by name prefix) and `PREVIEW_VARIANT=light-1366x768` the variants.
 */
function variants(): { size: (typeof SIZES)[number]; colorScheme: (typeof SCHEMES)[number]; locale: string }[] {
  const all = SIZES.flatMap((size) => SCHEMES.map((colorScheme) => ({ size, colorScheme, locale: 'en-US' })));
  const list = [...all, { size: SIZES[0], colorScheme: 'light' as const, locale: 'de-DE' }];
  const wanted = process.env.PREVIEW_VARIANT?.split(',');
  return wanted ? list.filter((v) => wanted.includes(tagOf(v))) : list;
}

function tagOf(v: { size: { width: number; height: number }; colorScheme: string; locale: string }): string {
  return `${v.colorScheme}-${v.size.width}x${v.size.height}${v.locale === 'en-US' ? '' : `-${v.locale}`}`;
}

function selectedShots(): Shot[] {
  const only = process.env.PREVIEW_ONLY?.split(',');
  return only ? shots.filter((shot) => only.some((prefix) => shot.name.startsWith(prefix))) : shots;
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
  const server = await serveStatic();
  const url = `${server.url}?token=preview`;
  const browser = await launchChromium();
  const problems: string[] = [];
  try {
    for (const { size, colorScheme, locale } of variants()) {
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, locale });
      const tag = tagOf({ size, colorScheme, locale });
      for (const shot of selectedShots()) {
        const page = await openPage(context, colorScheme, problems);
        await page.addInitScript({ content: initScript(shot.data?.()) });
        await page.goto(url);
        await page.getByTestId('strip-line-1').waitFor();
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
    await server.close();
  }
  const real = problems.filter((text) => !/WebSocket|ERR_CONNECTION|net::/.test(text));
  if (real.length) {
    console.error(`Page errors:\n${real.join('\n')}`);
    process.exitCode = 1;
  }
  console.log(`Screenshots in ${OUT_DIR}`);
}

await main();

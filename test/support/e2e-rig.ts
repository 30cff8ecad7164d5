/**
 * What every end-to-end test stands on: a real Kamailio, the app in serve mode with its own data dir (optionally
 * pre-seeded with a settings file, as an administrator would roll one out), and Chromium with one page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Settings } from '../../shared/settings';
import { launchChromium } from './browser';
import { startKamailio, type KamailioHandle, type KamailioOptions } from './kamailio';
import { startServe, type ServeHandle } from './serve';

/** Screenshots of e2e runs (kept by CI as test output). */
export const E2E_OUT = join(process.cwd(), 'test-results', 'e2e');

export interface E2eRig {
  kam: KamailioHandle;
  serve: ServeHandle;
  browser: Browser;
  page: Page;
  dataDir: string;
  close(): Promise<void>;
}

export async function startE2eRig(opts: { kamailio: KamailioOptions; settings?: (kam: KamailioHandle) => Settings; chromiumArgs?: readonly string[] }): Promise<E2eRig> {
  mkdirSync(E2E_OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-e2e-'));
  // The whole app subscribes to presence.winfo, which needs subscriptions kept in Kamailio's database (see
  // KamailioOptions.subscriptionsInDb); no e2e test uses rls lists, which need memory-only mode.
  const kam = await startKamailio({ subscriptionsInDb: true, ...opts.kamailio });
  if (opts.settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(opts.settings(kam)), { mode: 0o600 });
  const serve = await startServe(dataDir);
  const browser = await launchChromium(opts.chromiumArgs);
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  return {
    kam,
    serve,
    browser,
    page,
    dataDir,
    async close() {
      await browser.close().catch(() => undefined);
      await serve.stop().catch(() => undefined);
      await kam.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

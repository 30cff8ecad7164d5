/**
 * Issue 7 (defect 3): the console's default settings took a stock Kamailio down (it subscribed to its own
 * `presence.winfo`, and Kamailio 5.6.3 with memory-only subscriptions crashes on that). With one line and a few
 * tiles on default settings, the same Kamailio process must still run and answer after everything is subscribed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole } from '../../electron/core/create-console';
import type { ConsoleService } from '../../electron/core/console-service';
import { plainCipher } from '../../electron/core/settings-store';
import { SystemClock } from '../../electron/sip/clock';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { optionsPing } from '../support/kamailio-probe';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let service: ConsoleService;
let dataDir: string;

beforeAll(async () => {
  kam = await startKamailio({ users: ['100', '101', '102', '103'].map((user) => ({ user, password: `pw${user}` })) });
  dataDir = mkdtempSync(join(tmpdir(), 'ac-no-harm-'));
  service = createConsole({ clock: new SystemClock(), dataDir, cipher: plainCipher, mode: 'serve', version: 'test', log: () => undefined }).service;
  await service.start();
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the console on default settings against a memory-only Kamailio', () => {
  it('leaves Kamailio running and answering once registered, published and subscribed', async () => {
    const pid = kam.pid;
    const saved = await service.handlers['settings.save']({
      ...DEFAULT_SETTINGS,
      lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
      tiles: ['101', '102', '103'].map((ext) => ({ id: `t${ext}`, name: ext, uri: ext, watch: ['dialog', 'presence'], action: { kind: 'call', uri: ext } })),
    });
    expect(saved.ok).toBe(true);
    const snapshot = async () => service.snapshot();
    // Generous: on a loaded CI machine a first REGISTER can time out and wait for its retry; the error names the state.
    await waitFor('line registered', async () => {
      const line = (await snapshot()).lines[0];
      if (line?.status !== 'registered') throw new Error(`line is ${line?.status} (${line?.sipStatus ?? ''} ${line?.reason ?? ''})`);
      return true;
    }, 45_000);
    await waitFor('6 subscriptions active', async () => (await snapshot()).blf.subscriptions === 6, 15_000);
    await waitFor('own presence published', async () => (await snapshot()).presence.lines[0]?.state === 'published', 15_000);
    // Kamailio crashed within moments of the winfo SUBSCRIBE: give it a few seconds to do so.
    await new Promise((resolve) => setTimeout(resolve, 4000));

    expect(kam.pid).toBe(pid);
    expect(alive(pid)).toBe(true);
    expect(await optionsPing(kam.udpPort, 1000)).toBe(true);
    expect(kam.logs()).not.toMatch(/segfault|SIGSEGV|signal 11/i);
    const trace = await service.handlers['trace.list']({ method: 'SUBSCRIBE' });
    expect(trace.ok && JSON.stringify(trace.value)).toBeTruthy();
    expect(JSON.stringify(trace)).not.toContain('presence.winfo');
  }, 120_000);
});

// The whole engine for integration tests (issues 9–11): createConsole on a data dir, started, settings saved through
// the contract, and line 1 registered — what a receptionist's first minute does, in one call.
import { expect } from 'vitest';
import type { Settings } from '../../shared/settings';
import type { ConsoleService } from '../../electron/core/console-service';
import { createConsole } from '../../electron/core/create-console';
import { plainCipher } from '../../electron/core/settings-store';
import { SystemClock } from '../../electron/sip/clock';
import { waitFor } from './wait';

/** How {@link startTestConsole} starts the engine. */
export interface TestConsoleOptions {
  /** How long line 1 may take to register (15 s). */
  registerTimeoutMs?: number;
  /** Where the engine's log goes (a test that wants it in its failure messages); nowhere by default. */
  log?: (message: string) => void;
}

/** Starts an engine on `dataDir`, saves `settings` and waits until its first line is registered. */
export async function startTestConsole(dataDir: string, settings: Settings, options: TestConsoleOptions = {}): Promise<ConsoleService> {
  const { registerTimeoutMs = 15_000, log = () => undefined } = options;
  const { service } = createConsole({ clock: new SystemClock(), dataDir, cipher: plainCipher, mode: 'serve', version: 'test', log });
  await service.start();
  const saved = await service.handlers['settings.save'](settings);
  expect(saved.ok, JSON.stringify(saved)).toBe(true);
  await waitFor(`line ${settings.lines[0]?.user ?? 1} registered`, () => service.snapshot().lines[0]?.status === 'registered', registerTimeoutMs);
  return service;
}

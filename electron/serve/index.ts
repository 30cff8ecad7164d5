/**
 * `npm run serve -- --data-dir DIR [--port N] [--host 127.0.0.1|::1]`: the console without Electron, for a browser
 * and for automation (docs/api.md). Prints exactly one line to stdout, the URL with its token; everything else goes
 * to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../sip/clock';
import { engineGuard } from '../sip/guard';
import { useCompactHeap } from '../core/compact-heap';
import { createConsole } from '../core/create-console';
import { plainCipher } from '../core/settings-store';
import { parseCli } from './cli';
import { startServer } from './server';

const SHUTDOWN_BOUND_MS = 3000;

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Last resort for an error that escaped every guard (see electron/sip/guard.ts): counted and logged through the
 * guard (rate-limited once the console is built) and the server keeps serving, since ending the process would end
 * every line. A report here is a bug to fix where it was thrown, not a way of handling it.
 */
function installSafetyNet(): void {
  process.on('unhandledRejection', (reason) => engineGuard.report('unhandled rejection', reason));
  process.on('uncaughtException', (error) => engineGuard.report('uncaught exception', error));
}

async function main(): Promise<void> {
  // Before the engine allocates anything: the heap profile it is measured with (issue 13).
  useCompactHeap();
  installSafetyNet();
  const cli = parseCli(process.argv.slice(2));
  if (typeof cli === 'string') {
    process.stderr.write(`${cli}\n`);
    process.exit(2);
  }
  const staticDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  if (!existsSync(resolve(staticDir, 'index.html')))
    process.stderr.write(
      `The renderer is not built (${staticDir}): run \`npm run build:renderer\` (\`npm run serve\` does it for you).\n`,
    );

  const { service, store } = createConsole({
    clock: new SystemClock(),
    dataDir: cli.dataDir,
    cipher: plainCipher,
    mode: 'serve',
    version: appVersion(),
    log: (message) => process.stderr.write(`${message}\n`),
  });
  await service.start();
  if (store.problem) process.stderr.write(`${store.problem}\n`);

  const server = await startServer({
    host: cli.host,
    port: cli.port,
    staticDir,
    service,
    onInternalError: (command, err) =>
      process.stderr.write(`Internal error in ${command}: ${(err as Error)?.stack ?? String(err)}\n`),
  });
  await new Promise<void>((done) => process.stdout.write(`${server.url}\n`, () => done()));

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: un-registering lines…\n`);
    // Last resort if closing itself hangs; the un-REGISTER is already bounded by SHUTDOWN_BOUND_MS.
    setTimeout(() => process.exit(1), SHUTDOWN_BOUND_MS + 1000).unref();
    void service
      .shutdown(SHUTDOWN_BOUND_MS)
      .then(() => server.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

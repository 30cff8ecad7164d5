/** Command line of serve mode (electron/serve/index.ts). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopbackHost } from './server';

const USAGE = 'Usage: npm run serve -- --data-dir DIR [--port N] [--host 127.0.0.1|::1]';

export interface CliOptions {
  dataDir: string;
  port: number;
  host: string;
}

/** Parses the command line; returns a message instead when it is not usable. */
export function parseCli(argv: string[]): CliOptions | string {
  let values: { 'data-dir'?: string; port?: string; host?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    return `${(err as Error).message}\n${USAGE}`;
  }
  if (!values['data-dir']) return `--data-dir is required\n${USAGE}`;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return `--port must be a number from 0 to 65535\n${USAGE}`;
  const host = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(host))
    return `Refusing --host ${host}: serve mode listens only on 127.0.0.1 or ::1, because anyone who reaches it controls the console's SIP lines. Use an SSH tunnel to reach it from elsewhere.`;
  return { dataDir: resolve(values['data-dir']), port, host };
}

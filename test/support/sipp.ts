import { fileURLToPath } from 'node:url';
import { freeUdpPort, runProcess, type ProcessResult } from './process';

/** Directory of the sipp scenario files (`test/kamailio/sipp/`). */
export const SIPP_SCENARIO_DIR = fileURLToPath(new URL('../kamailio/sipp/', import.meta.url));

/** Absolute path of a scenario file in {@link SIPP_SCENARIO_DIR}. */
export function sippScenario(name: string): string {
  return `${SIPP_SCENARIO_DIR}${name}`;
}

/** Options for {@link runSipp}. */
export interface RunSippOptions {
  /** Kill sipp by its PID after this many ms; default 30 s. */
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Runs Debian's sipp 3.6.1 to completion. Always binds to loopback: `-i 127.0.0.1 -ci 127.0.0.1` (otherwise its
 * control socket binds 0.0.0.0:8888, guide trap 12), a random control port `-cp`, a random SIP port `-p` unless the
 * caller gives one (sipp tries 5060 first, which parallel runs would share), and `-nostdin`.
 * sipp exits 0 when every call succeeded, 1 when at least one failed.
 */
export async function runSipp(args: string[], opts: RunSippOptions = {}): Promise<ProcessResult> {
  const controlPort = await freeUdpPort();
  const extra = ['-i', '127.0.0.1', '-ci', '127.0.0.1', '-cp', String(controlPort), '-nostdin'];
  if (!args.includes('-p')) extra.push('-p', String(await freeUdpPort([controlPort])));
  return runProcess('sipp', [...args, ...extra], { timeoutMs: opts.timeoutMs ?? 30_000, cwd: opts.cwd });
}

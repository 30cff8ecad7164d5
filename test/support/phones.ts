// sipp "phones" registered at the test PBX: a real call through Kamailio (so pua_dialoginfo publishes dialog state
// for BLF watchers) and a presence PUBLISH. Scenarios: test/kamailio/sipp/{phone-register,uas-101,uac-102,
// publish-presence}.xml. The phones never SUBSCRIBE, so Kamailio sends them no NOTIFY (guide trap 12).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KamailioHandle } from './kamailio';
import { freeUdpPort, type ProcessResult } from './process';
import { runSipp, sippScenario } from './sipp';
import { waitFor } from './wait';

/** A subscriber of the test PBX (must be among `startKamailio({ users })`). */
export interface PhoneAccount {
  user: string;
  password: string;
}

/** Why a phone failed: its registration, the call, or the PUBLISH; the message carries sipp's output. */
export class PhoneError extends Error {
  override readonly name = 'PhoneError';
  constructor(
    readonly code: 'register-failed' | 'call-failed' | 'publish-failed' | 'stopped',
    message: string,
  ) {
    super(message);
  }
}

/** Options for {@link startCall}. */
export interface StartCallOptions {
  kam: KamailioHandle;
  /** The UAC; registers, then calls the callee through the PBX. */
  caller: PhoneAccount;
  /** The UAS; registers first, answers after {@link ringMs}. */
  callee: PhoneAccount;
  /** Time between 180 Ringing and 200 OK; default 1000. */
  ringMs?: number;
  /** Time between the ACK and the caller's BYE; default 1000. */
  talkMs?: number;
}

/** A call in progress. */
export interface CallHandle {
  /** Resolves when both phones finished the call (BYE answered); rejects with {@link PhoneError} otherwise. */
  done: Promise<void>;
  /** Kills both sipp processes (by PID); `done` then rejects with code `stopped` unless it had settled. */
  stop(): Promise<void>;
}

/** Registration lifetime the phones ask for; long enough for any test, short enough to be harmless. */
const REGISTER_EXPIRES = 600;

export interface SippProcess {
  result: Promise<ProcessResult & { errors: string }>;
  kill(): void;
}

/**
 * Starts sipp with the same loopback-only arguments as {@link runSipp} (`-i`/`-ci` 127.0.0.1, random `-cp`), but
 * returns at once so the caller can stop it. `-trace_err` writes unexpected messages into a temp dir, read back
 * into the result because sipp's screen output rarely says what arrived.
 */
export async function spawnSipp(args: string[], timeoutMs: number): Promise<SippProcess> {
  const controlPort = await freeUdpPort();
  const cwd = await mkdtemp(join(tmpdir(), 'sipp-phone-'));
  const extra = ['-i', '127.0.0.1', '-ci', '127.0.0.1', '-cp', String(controlPort), '-nostdin', '-trace_err'];
  const child = spawn('sipp', [...args, ...extra], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-20_000)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  const result = new Promise<ProcessResult & { errors: string }>((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      void readErrors(cwd).then((errors) => resolve({ code, stdout, stderr, timedOut, errors }));
    });
  });
  return { result, kill };
}

async function readErrors(dir: string): Promise<string> {
  try {
    const files = (await readdir(dir)).filter((name) => name.endsWith('_errors.log'));
    const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
    return texts.join('\n');
  } catch {
    return '';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function summarize(what: string, r: ProcessResult & { errors?: string }): string {
  const status = r.timedOut ? 'timed out' : `exited ${r.code}`;
  return `${what} ${status}\n${r.errors ?? ''}\n${r.stderr}\n${r.stdout.slice(-3000)}`;
}

/** True once something listens on UDP 127.0.0.1:`port` (read-only: binding to probe would steal the port). */
export async function udpBound(port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1] === local);
}

/** Registers `account` with its Contact on UDP `port` (which the caller then hands to a UAS sipp). */
export async function registerAt(kam: KamailioHandle, account: PhoneAccount, port: number): Promise<void> {
  const result = await runSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf',
      sippScenario('phone-register.xml'),
      '-s',
      account.user,
      '-au',
      account.user,
      '-ap',
      account.password,
      '-key',
      'domain',
      kam.domain,
      '-key',
      'expires',
      String(REGISTER_EXPIRES),
      '-m',
      '1',
      '-timeout',
      '10',
      '-p',
      String(port),
    ],
    { timeoutMs: 15_000 },
  );
  if (result.code !== 0)
    throw new PhoneError('register-failed', summarize(`REGISTER ${account.user}`, result));
}

/**
 * Calls `callee` from `caller` through Kamailio: the callee registers (dropping older bindings) and starts a sipp
 * UAS on its registered port, then the caller (one sipp scenario) registers and sends the INVITE. Resolves once
 * the INVITE is on its way; the returned {@link CallHandle.done} tracks the rest (≈ ringMs + talkMs).
 */
export async function startCall(opts: StartCallOptions): Promise<CallHandle> {
  const { kam, caller, callee } = opts;
  const ringMs = opts.ringMs ?? 1000;
  const talkMs = opts.talkMs ?? 1000;
  const timeoutMs = ringMs + talkMs + 30_000;
  const calleePort = await freeUdpPort();
  await registerAt(kam, callee, calleePort);

  const uas = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf',
      sippScenario('uas-101.xml'),
      '-s',
      callee.user,
      '-d',
      String(ringMs),
      '-m',
      '1',
      '-p',
      String(calleePort),
    ],
    timeoutMs,
  );
  try {
    await waitFor(`callee sipp bound to UDP ${calleePort}`, () => udpBound(calleePort), 10_000, 20);
  } catch (err) {
    uas.kill();
    throw err;
  }

  const uac = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf',
      sippScenario('uac-102.xml'),
      '-s',
      callee.user,
      '-au',
      caller.user,
      '-ap',
      caller.password,
      '-key',
      'caller',
      caller.user,
      '-key',
      'domain',
      kam.domain,
      '-key',
      'expires',
      String(REGISTER_EXPIRES),
      '-d',
      String(talkMs),
      '-m',
      '1',
      '-p',
      String(await freeUdpPort([calleePort])),
    ],
    timeoutMs,
  );

  let stopped = false;
  // A caller that gave up (e.g. rejected credentials) will never send the INVITE: do not let the callee wait on.
  void uac.result.then((r) => r.code !== 0 && uas.kill()).catch(() => uas.kill());
  const done = Promise.all([uac.result, uas.result]).then(([a, b]) => {
    if (stopped) throw new PhoneError('stopped', 'call stopped before it finished');
    if (a.code !== 0 || b.code !== 0) {
      throw new PhoneError(
        'call-failed',
        `${summarize(`caller ${caller.user}`, a)}\n${summarize(`callee ${callee.user}`, b)}`,
      );
    }
  });
  // The test may never await `done` (e.g. after stop()); that must not become an unhandled rejection.
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      stopped = true;
      uac.kill();
      uas.kill();
      await Promise.allSettled([uac.result, uas.result]);
    },
  };
}

/** Options for {@link publishPresence}. */
export interface PublishPresenceOptions {
  kam: KamailioHandle;
  user: string;
  password: string;
  /** Free text for `<note>` and `<im:im>`; XML-escaped here. */
  note: string;
  basic: 'open' | 'closed';
  /** PUBLISH Expires in seconds; default 3600 as snom sends. */
  expires?: number;
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Publishes a PIDF document for `user` (snom style, seed 003) and resolves on the 200 OK. */
export async function publishPresence(opts: PublishPresenceOptions): Promise<void> {
  const result = await runSipp(
    [
      `127.0.0.1:${opts.kam.udpPort}`,
      '-sf',
      sippScenario('publish-presence.xml'),
      '-s',
      opts.user,
      '-au',
      opts.user,
      '-ap',
      opts.password,
      '-key',
      'domain',
      opts.kam.domain,
      '-key',
      'basic',
      opts.basic,
      '-key',
      'note',
      xmlEscape(opts.note),
      '-key',
      'expires',
      String(opts.expires ?? 3600),
      '-m',
      '1',
      '-timeout',
      '10',
    ],
    { timeoutMs: 15_000 },
  );
  if (result.code !== 0) throw new PhoneError('publish-failed', summarize(`PUBLISH ${opts.user}`, result));
}

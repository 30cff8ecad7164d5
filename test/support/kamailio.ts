// Test PBX harness: a real Kamailio 5.6 on 127.0.0.1 per test run.
// Debian packages (CI installs them with):
//   apt-get install -y --no-install-recommends kamailio kamailio-presence-modules kamailio-sqlite-modules \
//     kamailio-tls-modules sip-tester sqlite3 openssl
// Facts and traps: ../shared/guide/kamailio.md (relative to the repo root).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate, createDatabases, KamailioError, resetRlsState, runSql, writeConfig } from './kamailio-setup';
import { optionsPing, parseUlDump, type UlContact } from './kamailio-probe';
import { freeTcpPort, freeUdpTcpPort, runProcess } from './process';

export { KamailioError } from './kamailio-setup';
export { parseUlDump, type UlContact } from './kamailio-probe';

/** Options for {@link startKamailio}. */
export interface KamailioOptions {
  /** Subscribers (plain passwords), inserted before start. */
  users?: Array<{ user: string; password: string }>;
  /** SIP domain and digest realm; default `test.local`. Requests to 127.0.0.1 or localhost are treated alike. */
  domain?: string;
  /** Registrar `min_expires`; shorter requested intervals get 423 with Min-Expires. Default 60. */
  minExpires?: number;
  /** Registrar `max_expires`; default 3600. */
  maxExpires?: number;
  /**
   * Longest subscription Kamailio grants (presence and rls `max_expires`); default 3600. Kamailio keeps
   * subscriptions in memory, so after a restart a subscriber learns it was forgotten at its next refresh (481).
   */
  subscriptionMaxExpires?: number;
  /**
   * Keep presence subscriptions in the database (`subs_db_mode 2`) instead of memory only. Needed for
   * `presence.winfo`: with memory-only subscriptions Kamailio 5.6.3 crashes a worker building the winfo NOTIFY
   * (null call in add_waiting_watchers). Memory only stays the default because rls lists fail in write-back mode.
   */
  subscriptionsInDb?: boolean;
  /** Registrar `default_expires` when the REGISTER names none; default 3600 (clamped into min..max). */
  defaultExpires?: number;
}

/** A running (or stopped) test PBX. */
export interface KamailioHandle {
  /** PID of the Kamailio main process (a session and process group leader); changes on restart. */
  readonly pid: number;
  readonly host: '127.0.0.1';
  readonly domain: string;
  /** UDP and TCP listen on the same number. */
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly tlsPort: number;
  /** Self-signed server certificate (CN=localhost, SANs localhost/127.0.0.1/domain); equal to {@link caPem}. */
  readonly certPem: string;
  /** Trust anchor for TLS clients: the same self-signed certificate. */
  readonly caPem: string;
  /** SHA-256 fingerprint of the certificate, colon-separated upper-case hex (Node's `X509Certificate` format). */
  readonly certFingerprint256: string;
  /** Temp dir holding kamailio.cfg, kamailio.db, dbtext/, cert.pem, key.pem and the kamailio.ctl socket. */
  readonly dir: string;
  /** Runs `kamcmd -s unix:<dir>/kamailio.ctl ...args` and returns its stdout. */
  kamcmd(args: string[]): Promise<string>;
  /** Current registrations, parsed from `ul.dump`. AORs are `user@domain`. */
  ulDump(): Promise<UlContact[]>;
  /** Runs SQL on the sqlite database (e.g. rls-services documents in `xcap`); returns sqlite3's list output. */
  sql(query: string): Promise<string>;
  /**
   * SIGTERM by PID, SIGKILL to its process group after 5 s; resolves once the main process has exited, then deletes
   * {@link dir} (kept when the environment has KAMAILIO_KEEP_DIRS=1). Final: use {@link restart} to bounce it.
   */
  stop(): Promise<void>;
  /** Stops, waits `downMs` (default 0), starts again on the same ports with the same db and certificate. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Everything Kamailio wrote to stdout/stderr so far (all runs, most recent 4 MB). */
  logs(): string;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_LOG_CHARS = 4 * 1024 * 1024;

/** Handles still running, so an aborted test run does not leave Kamailio behind. */
const live = new Set<KamailioInstance>();
process.once('exit', () => {
  for (const instance of live) instance.killNow();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class KamailioInstance implements KamailioHandle {
  readonly host = '127.0.0.1' as const;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private log = '';

  constructor(
    readonly domain: string,
    readonly udpPort: number,
    readonly tcpPort: number,
    readonly tlsPort: number,
    readonly certPem: string,
    readonly certFingerprint256: string,
    readonly dir: string,
    private readonly configPath: string,
  ) {}

  get caPem(): string {
    return this.certPem;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  private get ctlSocket(): string {
    return `unix:${join(this.dir, 'kamailio.ctl')}`;
  }

  private append(text: string): void {
    this.log += text;
    if (this.log.length > MAX_LOG_CHARS) this.log = this.log.slice(-MAX_LOG_CHARS);
  }

  logs(): string {
    return this.log;
  }

  private running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Own session via setsid (guide trap 11) so the whole process tree is one group we can signal by PID. */
  async launch(): Promise<void> {
    this.append(`--- harness: starting kamailio ${new Date().toISOString()}\n`);
    const child = spawn('setsid', ['kamailio', '-DD', '-E', '-f', this.configPath], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.append(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.append(chunk));
    child.once('error', (err) => this.append(`--- harness: spawn failed: ${err.message}\n`));
    live.add(this);
    try {
      await this.waitReady();
    } catch (err) {
      await this.halt();
      throw err;
    }
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running()) {
        throw new KamailioError('start-failed', `kamailio exited during start:\n${this.log.slice(-4000)}`);
      }
      const rpc = await runProcess('kamcmd', ['-s', this.ctlSocket, 'core.version'], { timeoutMs: 2_000 });
      if (rpc.code === 0 && (await optionsPing(this.udpPort, 500))) return;
      await sleep(100);
    }
    throw new KamailioError(
      'start-failed',
      `kamailio not ready after ${START_TIMEOUT_MS} ms:\n${this.log.slice(-4000)}`,
    );
  }

  async kamcmd(args: string[]): Promise<string> {
    const result = await runProcess('kamcmd', ['-s', this.ctlSocket, ...args], { timeoutMs: 10_000 });
    if (result.code !== 0) {
      throw new KamailioError(
        'rpc-failed',
        `kamcmd ${args.join(' ')} failed (${result.code}): ${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  async ulDump(): Promise<UlContact[]> {
    return parseUlDump(await this.kamcmd(['ul.dump']));
  }

  sql(query: string): Promise<string> {
    return runSql(join(this.dir, 'kamailio.db'), query);
  }

  /** Last resort on test-runner exit: synchronous SIGKILL to the process group. */
  killNow(): void {
    if (!this.running() || this.child?.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  async stop(): Promise<void> {
    await this.halt();
    if (process.env['KAMAILIO_KEEP_DIRS'] !== '1') await rm(this.dir, { recursive: true, force: true });
  }

  private async halt(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (this.running()) {
      process.kill(pid, 'SIGTERM');
      const stopped = await Promise.race([
        this.exited.then(() => true),
        sleep(STOP_TIMEOUT_MS).then(() => false),
      ]);
      if (!stopped) {
        this.append('--- harness: SIGTERM timed out, sending SIGKILL\n');
        this.killNow();
        await this.exited;
      }
    }
    // Kamailio's main process kills its workers on SIGTERM; sweep the group in case one lingers.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is empty, as expected.
    }
    live.delete(this);
  }

  async restart(opts: { downMs?: number } = {}): Promise<void> {
    await this.halt();
    await resetRlsState(this.dir);
    if (opts.downMs) await sleep(opts.downMs);
    await this.launch();
  }
}

/**
 * Starts a fresh Kamailio on 127.0.0.1 in a new temp dir with OS-chosen ports, and resolves once it answers
 * both `kamcmd core.version` and a UDP OPTIONS.
 */
export async function startKamailio(opts: KamailioOptions = {}): Promise<KamailioHandle> {
  const domain = opts.domain ?? 'test.local';
  const minExpires = opts.minExpires ?? 60;
  const maxExpires = opts.maxExpires ?? 3600;
  const defaultExpires = Math.min(Math.max(opts.defaultExpires ?? 3600, minExpires), maxExpires);
  const dir = await mkdtemp(join(tmpdir(), 'kamailio-test-'));
  try {
    const udpPort = await freeUdpTcpPort();
    const tlsPort = await freeTcpPort([udpPort]);
    await createDatabases(dir, domain, opts.users ?? []);
    const cert = await createCertificate(dir, domain);
    const configPath = await writeConfig({
      dir,
      domain,
      udpPort,
      tcpPort: udpPort,
      tlsPort,
      minExpires,
      maxExpires,
      defaultExpires,
      subscriptionMaxExpires: opts.subscriptionMaxExpires ?? 3600,
      subsDbMode: opts.subscriptionsInDb ? 2 : 0,
    });
    const instance = new KamailioInstance(
      domain,
      udpPort,
      udpPort,
      tlsPort,
      cert.certPem,
      cert.fingerprint256,
      dir,
      configPath,
    );
    await instance.launch();
    return instance;
  } catch (err) {
    if (process.env['KAMAILIO_KEEP_DIRS'] !== '1') await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

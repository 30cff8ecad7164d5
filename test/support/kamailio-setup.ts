import { X509Certificate } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './process';

/** Configuration template with `{{NAME}}` tokens (see its header). */
export const KAMAILIO_TEMPLATE = fileURLToPath(new URL('../kamailio/kamailio.cfg', import.meta.url));

const SQLITE_SCHEMA_DIR = '/usr/share/kamailio/db_sqlite';
const DBTEXT_SCHEMA_DIR = '/usr/share/kamailio/dbtext/kamailio';
/** Standard tables (version) first; then auth_db, usrloc, presence/pua/xcap and dialog. */
const SQLITE_SCHEMAS = ['standard', 'auth_db', 'usrloc', 'presence', 'dialog'];
/** rls keeps its own tables in db_text (guide trap 1). */
const DBTEXT_TABLES = ['version', 'rls_presentity', 'rls_watchers'];

/** Expected failure while preparing or running the test PBX (missing package, bad template, start timeout). */
export class KamailioError extends Error {
  constructor(
    readonly code: 'setup-failed' | 'start-failed' | 'rpc-failed',
    message: string,
  ) {
    super(message);
    this.name = 'KamailioError';
  }
}

/** Everything substituted into the template. */
export interface KamailioConfigValues {
  dir: string;
  domain: string;
  udpPort: number;
  tcpPort: number;
  tlsPort: number;
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
  /** presence/rls `max_expires`: the longest subscription Kamailio grants. */
  subscriptionMaxExpires: number;
  /** presence `subs_db_mode`: 0 memory only (rls needs it), 2 write-back (presence.winfo needs it). */
  subsDbMode: 0 | 2;
}

/** Replaces every `{{NAME}}` token; a token left over means the template and the harness disagree. */
export function renderConfig(template: string, values: KamailioConfigValues): string {
  const tokens: Record<string, string> = {
    DIR: values.dir,
    DOMAIN: values.domain,
    UDP_PORT: String(values.udpPort),
    TCP_PORT: String(values.tcpPort),
    TLS_PORT: String(values.tlsPort),
    MIN_EXPIRES: String(values.minExpires),
    MAX_EXPIRES: String(values.maxExpires),
    DEFAULT_EXPIRES: String(values.defaultExpires),
    SUBSCRIPTION_MAX_EXPIRES: String(values.subscriptionMaxExpires),
    SUBS_DB_MODE: String(values.subsDbMode),
  };
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => tokens[name] ?? whole);
  const left = /\{\{[A-Z_]+\}\}/.exec(out);
  if (left) throw new KamailioError('setup-failed', `unknown token ${left[0]} in ${KAMAILIO_TEMPLATE}`);
  return out;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Runs SQL against the sqlite database with the sqlite3 CLI; returns its output (default list mode). */
export async function runSql(dbPath: string, sql: string): Promise<string> {
  const result = await runProcess('sqlite3', ['-bail', dbPath], { input: sql, timeoutMs: 10_000 });
  if (result.code !== 0) {
    throw new KamailioError('setup-failed', `sqlite3 failed (${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** Creates the sqlite schema, the db_text rls tables and the subscribers (plain passwords; auth_db computes HA1). */
export async function createDatabases(
  dir: string,
  domain: string,
  users: ReadonlyArray<{ user: string; password: string }>,
): Promise<void> {
  const schema = await Promise.all(
    SQLITE_SCHEMAS.map((name) => readFile(join(SQLITE_SCHEMA_DIR, `${name}-create.sql`), 'utf8')),
  );
  const inserts = users.map(
    ({ user, password }) =>
      `INSERT INTO subscriber (username, domain, password) VALUES (${sqlString(user)}, ${sqlString(domain)}, ${sqlString(password)});`,
  );
  // WAL lets Kamailio's workers read while another one writes (db_sqlite sets no busy timeout).
  await runSql(join(dir, 'kamailio.db'), ['PRAGMA journal_mode=WAL;', ...schema, ...inserts].join('\n'));
  await mkdir(join(dir, 'dbtext'));
  for (const table of DBTEXT_TABLES)
    await copyFile(join(DBTEXT_SCHEMA_DIR, table), join(dir, 'dbtext', table));
}

/**
 * Empties the rls tables, as a restart of a server keeping subscriptions in memory would: Kamailio's rls reloads
 * its db_text rows at start and then never NOTIFYs new subscriptions of a watcher it still has rows for.
 */
export async function resetRlsState(dir: string): Promise<void> {
  for (const table of ['rls_presentity', 'rls_watchers'])
    await copyFile(join(DBTEXT_SCHEMA_DIR, table), join(dir, 'dbtext', table));
}

/** A self-signed certificate for the TLS listener that test clients can also use as their trust anchor. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
}

/**
 * Generates `cert.pem`/`key.pem` in `dir`: CN=localhost with SANs for localhost, 127.0.0.1 and the test domain, and
 * CA:TRUE so the same PEM serves as the client's CA.
 */
export async function createCertificate(dir: string, domain: string): Promise<TestCertificate> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const result = await runProcess(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=localhost',
      '-addext',
      `subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:${domain}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    ],
    { timeoutMs: 30_000 },
  );
  if (result.code !== 0) throw new KamailioError('setup-failed', `openssl failed: ${result.stderr.trim()}`);
  const certPem = await readFile(certPath, 'utf8');
  const keyPem = await readFile(keyPath, 'utf8');
  return { certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}

/** Renders the template into `dir/kamailio.cfg` and returns its path. */
export async function writeConfig(values: KamailioConfigValues): Promise<string> {
  const template = await readFile(KAMAILIO_TEMPLATE, 'utf8');
  const path = join(values.dir, 'kamailio.cfg');
  await writeFile(path, renderConfig(template, values));
  return path;
}

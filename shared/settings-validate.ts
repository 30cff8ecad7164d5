/**
 * Field-by-field validation of {@link Settings}. Pure: the renderer runs it as the user types, main runs it on every
 * load and save, so both show the same messages. Field paths use 0-based indexes (`lines.2.domain`); messages use the
 * line numbers people see ("Line 3: …"). Every rule is documented in docs/config.md.
 */
import { normalizePresenceSettings, presenceSettingsErrors } from './presence-validate';
import type { Result } from './result';
import { fail, ok } from './result';
import type { DiagnosticsSettings, LineConfig, LineTlsTrust, Settings, SipTimingSettings } from './settings';
import { DEFAULT_SETTINGS, MAX_LINES } from './settings';
import { isValidHost, isValidHostPort } from './host-syntax';
import { normalizeTileSettings, tileSettingsErrors } from './tiles-validate';

export { isValidHost, isValidHostPort };

/** One problem found in a settings object. */
export interface FieldError {
  /** Dotted path of the field, e.g. `lines.2.domain` (line indexes are 0-based here). */
  field: string;
  /** Human-readable message, e.g. `Line 3: domain must be a host name, IPv4 address or [IPv6] address`. */
  message: string;
}

type Rec = Record<string, unknown>;

const TOP_KEYS = ['version', 'lines', 'defaultLine', 'sip', 'diagnostics', 'tiles', 'tileLists', 'notify', 'presence'];
const LINE_KEYS = [
  'id',
  'enabled',
  'displayName',
  'user',
  'authUser',
  'password',
  'domain',
  'registrar',
  'outboundProxy',
  'transport',
  'expires',
  'tls',
  'featureCodes',
  'watcherInfo',
];
/** States a line may have a feature code for (issue 4 §2). */
const FEATURE_CODE_STATES = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable'];
/** Dial-string characters a PBX accepts in a Request-URI user part without escaping. */
const FEATURE_CODE = /^[0-9*#+A-Za-z]{1,32}$/;
const SIP_KEYS = ['t1Ms', 't2Ms', 't4Ms', 'retryBaseSeconds', 'retryMaxSeconds', 'keepAliveSeconds', 'subscriptionExpiresSeconds'];
const DIAG_KEYS = ['traceToFile', 'traceBufferSize'];
const TLS_KEYS = ['fingerprint256', 'caFile'];

/** RFC 3261 §25.1 `user`: unreserved / escaped / user-unreserved. */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const FINGERPRINT = /^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/;
// Digest usernames travel as quoted-strings (RFC 7616 §3.4); keep them printable and free of quote/backslash.
function isAuthUser(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return s.length > 0;
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Optional strings: absent, `null` and `''` all mean "not set" (form fields send `''`). */
function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

class Collector {
  readonly errors: FieldError[] = [];
  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }
  unknownKeys(obj: Rec, allowed: readonly string[], path: string, prefix: string): void {
    for (const key of Object.keys(obj))
      if (!allowed.includes(key))
        this.add(path ? `${path}.${key}` : key, `${prefix}unknown setting "${key}"`);
  }
}

function checkTls(c: Collector, tls: unknown, path: string, label: string, transport: unknown): void {
  if (isUnset(tls)) return;
  if (!isRecord(tls)) return c.add(path, `${label}tls must be an object`);
  c.unknownKeys(tls, TLS_KEYS, path, label);
  const fp = tls.fingerprint256;
  if (!isUnset(fp) && (typeof fp !== 'string' || !FINGERPRINT.test(fp)))
    c.add(
      `${path}.fingerprint256`,
      `${label}TLS fingerprint must be 64 hex digits (SHA-256), colons optional`,
    );
  const ca = tls.caFile;
  if (!isUnset(ca) && (typeof ca !== 'string' || !isAbsolutePath(ca) || ca.length > 4096))
    c.add(`${path}.caFile`, `${label}TLS CA file must be an absolute path`);
  if (transport !== 'tls' && (!isUnset(fp) || !isUnset(ca)))
    c.add(path, `${label}TLS trust settings only apply to transport tls`);
}

function checkLine(c: Collector, line: unknown, i: number, seenIds: Map<string, number>): void {
  const path = `lines.${i}`;
  const label = `Line ${i + 1}: `;
  if (!isRecord(line)) return c.add(path, `${label}must be an object`);
  c.unknownKeys(line, LINE_KEYS, path, label);
  const f = (name: string): string => `${path}.${name}`;
  if (typeof line.id !== 'string' || line.id.trim() === '' || line.id.length > 64)
    c.add(f('id'), `${label}id must be a non-empty string of at most 64 characters`);
  else if (seenIds.has(line.id))
    c.add(f('id'), `${label}id "${line.id}" is already used by line ${(seenIds.get(line.id) ?? 0) + 1}`);
  else seenIds.set(line.id, i);
  if (typeof line.enabled !== 'boolean') c.add(f('enabled'), `${label}enabled must be true or false`);
  if (typeof line.displayName !== 'string' || line.displayName.length > 64)
    c.add(f('displayName'), `${label}display name must be text of at most 64 characters`);
  if (typeof line.user !== 'string' || line.user.length > 128 || !SIP_USER.test(line.user))
    c.add(
      f('user'),
      `${label}user must be a non-empty SIP user name (letters, digits and - _ . ! ~ * ' ( ) & = + $ , ; ? /)`,
    );
  if (
    !isUnset(line.authUser) &&
    (typeof line.authUser !== 'string' || line.authUser.length > 128 || !isAuthUser(line.authUser))
  )
    c.add(
      f('authUser'),
      `${label}auth user must be printable text of at most 128 characters without quotes or backslashes`,
    );
  if (line.password !== undefined && (typeof line.password !== 'string' || line.password.length > 256))
    c.add(f('password'), `${label}password must be text of at most 256 characters`);
  if (typeof line.domain !== 'string' || !isValidHost(line.domain))
    c.add(f('domain'), `${label}domain must be a host name, IPv4 address or [IPv6] address`);
  for (const name of ['registrar', 'outboundProxy'] as const) {
    const v = line[name];
    if (!isUnset(v) && (typeof v !== 'string' || !isValidHostPort(v)))
      c.add(
        f(name),
        `${label}${name === 'registrar' ? 'registrar' : 'outbound proxy'} must be host[:port] with a port from 1 to 65535`,
      );
  }
  if (line.transport !== 'udp' && line.transport !== 'tcp' && line.transport !== 'tls')
    c.add(f('transport'), `${label}transport must be udp, tcp or tls`);
  if (!isInt(line.expires, 60, 86400))
    c.add(f('expires'), `${label}expires must be a whole number of seconds from 60 to 86400`);
  checkTls(c, line.tls, f('tls'), label, line.transport);
  checkFeatureCodes(c, line.featureCodes, f('featureCodes'), label);
  if (line.watcherInfo !== undefined && typeof line.watcherInfo !== 'boolean')
    c.add(f('watcherInfo'), `${label}watcher list must be true or false`);
}

function checkFeatureCodes(c: Collector, codes: unknown, path: string, label: string): void {
  if (codes === undefined) return;
  if (!isRecord(codes)) return c.add(path, `${label}feature codes must be an object of state → code`);
  for (const [state, code] of Object.entries(codes)) {
    if (!FEATURE_CODE_STATES.includes(state))
      c.add(`${path}.${state}`, `${label}feature code for unknown state "${state}" (use ${FEATURE_CODE_STATES.join(', ')})`);
    else if (typeof code !== 'string' || !FEATURE_CODE.test(code))
      c.add(`${path}.${state}`, `${label}feature code for ${state} must be 1–32 characters of digits, letters, * # +`);
  }
}

function checkSip(c: Collector, sip: unknown): void {
  if (!isRecord(sip)) return c.add('sip', 'SIP timers must be an object');
  c.unknownKeys(sip, SIP_KEYS, 'sip', 'SIP timers: ');
  const t1ok = isInt(sip.t1Ms, 50, 10000);
  if (!t1ok) c.add('sip.t1Ms', 'SIP timers: T1 must be a whole number of milliseconds from 50 to 10000');
  if (!isInt(sip.t2Ms, t1ok ? (sip.t1Ms as number) : 50, 60000))
    c.add('sip.t2Ms', 'SIP timers: T2 must be a whole number of milliseconds, at least T1 and at most 60000');
  if (!isInt(sip.t4Ms, 100, 60000))
    c.add('sip.t4Ms', 'SIP timers: T4 must be a whole number of milliseconds from 100 to 60000');
  const baseOk = isInt(sip.retryBaseSeconds, 1, 3600);
  if (!baseOk)
    c.add(
      'sip.retryBaseSeconds',
      'SIP timers: first retry delay must be a whole number of seconds from 1 to 3600',
    );
  if (!isInt(sip.retryMaxSeconds, baseOk ? (sip.retryBaseSeconds as number) : 1, 86400))
    c.add(
      'sip.retryMaxSeconds',
      'SIP timers: longest retry delay must be a whole number of seconds, at least the first delay and at most 86400',
    );
  if (sip.keepAliveSeconds !== undefined && sip.keepAliveSeconds !== 0 && !isInt(sip.keepAliveSeconds, 10, 3600))
    c.add('sip.keepAliveSeconds', 'SIP timers: keep-alive must be 0 (off) or a whole number of seconds from 10 to 3600');
  if (sip.subscriptionExpiresSeconds !== undefined && !isInt(sip.subscriptionExpiresSeconds, 60, 3600))
    c.add('sip.subscriptionExpiresSeconds', 'SIP timers: subscription expiry must be a whole number of seconds from 60 to 3600');
}

function checkDiagnostics(c: Collector, d: unknown): void {
  if (!isRecord(d)) return c.add('diagnostics', 'Diagnostics settings must be an object');
  c.unknownKeys(d, DIAG_KEYS, 'diagnostics', 'Diagnostics: ');
  if (typeof d.traceToFile !== 'boolean')
    c.add('diagnostics.traceToFile', 'Diagnostics: trace to file must be true or false');
  if (!isInt(d.traceBufferSize, 100, 100000))
    c.add(
      'diagnostics.traceBufferSize',
      'Diagnostics: trace buffer size must be a whole number from 100 to 100000',
    );
}

/** Every problem in `input` as a settings object; empty when it is valid. */
export function settingsErrors(input: unknown): FieldError[] {
  const c = new Collector();
  if (!isRecord(input)) {
    c.add('', 'Settings must be a JSON object');
    return c.errors;
  }
  c.unknownKeys(input, TOP_KEYS, '', '');
  if (input.version !== 1) c.add('version', 'Settings version must be 1');
  const lines = input.lines;
  if (!Array.isArray(lines)) c.add('lines', 'lines must be a list');
  else {
    if (lines.length > MAX_LINES) c.add('lines', `At most ${MAX_LINES} lines are supported`);
    const seen = new Map<string, number>();
    lines.forEach((line, i) => checkLine(c, line, i, seen));
  }
  const count = Array.isArray(lines) ? lines.length : 0;
  if (!isInt(input.defaultLine, 1, Math.max(1, count)))
    c.add(
      'defaultLine',
      count > 0
        ? `Default line must be a line number from 1 to ${count}`
        : 'Default line must be 1 when no line is configured',
    );
  checkSip(c, input.sip);
  checkDiagnostics(c, input.diagnostics);
  // Busy lamp field settings (absent in files from before it: defaults apply).
  c.errors.push(...tileSettingsErrors(input, count));
  c.errors.push(...presenceSettingsErrors(input.presence));
  return c.errors;
}

function optString(v: unknown): string | undefined {
  return isUnset(v) ? undefined : (v as string);
}

function normalizeTls(tls: unknown): LineTlsTrust | undefined {
  if (!isRecord(tls)) return undefined;
  const out: LineTlsTrust = {};
  const fp = optString(tls.fingerprint256);
  const ca = optString(tls.caFile);
  if (fp !== undefined) out.fingerprint256 = fp;
  if (ca !== undefined) out.caFile = ca;
  return fp === undefined && ca === undefined ? undefined : out;
}

/** Copies only the known fields of an already validated object, dropping unset optional ones. */
function normalize(input: Rec): Settings {
  const lines = (input.lines as Rec[]).map((l): LineConfig => {
    const line: LineConfig = {
      id: l.id as string,
      enabled: l.enabled as boolean,
      displayName: l.displayName as string,
      user: l.user as string,
      domain: l.domain as string,
      transport: l.transport as LineConfig['transport'],
      expires: l.expires as number,
    };
    const optional = {
      authUser: optString(l.authUser),
      password: optString(l.password),
      registrar: optString(l.registrar),
      outboundProxy: optString(l.outboundProxy),
      tls: normalizeTls(l.tls),
      featureCodes: isRecord(l.featureCodes) && Object.keys(l.featureCodes).length > 0 ? { ...(l.featureCodes as LineConfig['featureCodes']) } : undefined,
      watcherInfo: l.watcherInfo === true ? true : undefined,
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (line as unknown as Rec)[k] = v;
    return line;
  });
  const sip = input.sip as Rec;
  const d = input.diagnostics as Rec;
  return {
    version: 1,
    lines,
    defaultLine: input.defaultLine as number,
    // Files written before keep-alive and the subscription expiry existed get the defaults.
    sip: { ...DEFAULT_SETTINGS.sip, ...Object.fromEntries(SIP_KEYS.filter((k) => sip[k] !== undefined).map((k) => [k, sip[k]])) } as SipTimingSettings,
    diagnostics: Object.fromEntries(DIAG_KEYS.map((k) => [k, d[k]])) as unknown as DiagnosticsSettings,
    ...normalizeTileSettings(input),
    presence: normalizePresenceSettings(input.presence),
  };
}

function toResult(input: unknown): Result<Settings> {
  const errors = settingsErrors(input);
  const first = errors[0];
  if (first) {
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    return fail('invalid-settings', first.message + more, first.field ? { field: first.field } : {});
  }
  return ok(normalize(input as Rec));
}

/** Validates a stored settings file's content. On failure `error.field` names the first offending field. */
export function validateSettings(input: unknown): Result<Settings> {
  return toResult(input);
}

/** Applies the input-only conventions: drops an echoed `hasPassword`, and fills absent passwords via `keep`. */
function fromInput(input: unknown, keep: (id: unknown) => string | undefined): unknown {
  if (!isRecord(input) || !Array.isArray(input.lines)) return input;
  const lines = input.lines.map((line: unknown) => {
    if (!isRecord(line)) return line;
    const { hasPassword: _ignored, ...rest } = line;
    if (rest.password === undefined || rest.password === null) {
      const kept = keep(rest.id);
      delete rest.password;
      if (kept !== undefined) rest.password = kept;
    }
    return rest;
  });
  return { ...input, lines };
}

/**
 * Every problem in settings as the renderer edits them (PublicSettings-shaped lines with `hasPassword`, passwords
 * absent unless typed): what the settings view shows as the user types.
 */
export function settingsInputErrors(input: unknown): FieldError[] {
  return settingsErrors(fromInput(input, () => undefined));
}

/**
 * Validates settings sent by the renderer. A line whose `password` is absent keeps the password stored for the line
 * with the same `id`; `password: ''` clears it. A `hasPassword` flag echoed back from PublicSettings is ignored.
 */
export function validateSettingsInput(input: unknown, stored: Settings): Result<Settings> {
  const storedById = new Map(stored.lines.map((l) => [l.id, l.password]));
  return toResult(fromInput(input, (id) => (typeof id === 'string' ? storedById.get(id) : undefined)));
}

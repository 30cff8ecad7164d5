/**
 * Field-by-field validation of {@link Settings}. Pure: the renderer runs it as the user types, main runs it on every
 * load and save, so both show the same messages. Field paths use 0-based indexes (`lines.2.domain`); messages use the
 * line numbers people see ("Line 3: …"). Every rule is documented in docs/config.md.
 */
import { audioSettingsErrors, normalizeAudioSettings } from './audio-validate';
import { callSettingsErrors, normalizeCallSettings } from './calls-validate';
import { normalizePresenceSettings, presenceSettingsErrors } from './presence-validate';
import type { Result } from './result';
import { fail, ok } from './result';
import type { DiagnosticsSettings, LineConfig, LineTlsTrust, Settings, SipTimingSettings } from './settings';
import { DEFAULT_SETTINGS, MAX_LINES } from './settings';
import { isValidHost, isValidHostPort } from './host-syntax';
import { lineErrors } from './line-validate';
import { normalizeTileSettings, tileSettingsErrors } from './tiles-validate';
import { normalizeUiSettings, uiSettingsErrors } from './ui-validate';
import { desktopSettingsErrors, normalizeDesktopSettings } from './desktop-validate';
import { directorySettingsErrors, normalizeDirectorySettings } from './directory-validate';

export { isValidHost, isValidHostPort };

/** One problem found in a settings object. */
export interface FieldError {
  /** Dotted path of the field, e.g. `lines.2.domain` (line indexes are 0-based here). */
  field: string;
  /** Human-readable message, e.g. `Line 3: domain must be a host name, IPv4 address or [IPv6] address`. */
  message: string;
}

type Rec = Record<string, unknown>;

const TOP_KEYS = ['version', 'lines', 'defaultLine', 'sip', 'diagnostics', 'tiles', 'tileLists', 'notify', 'presence', 'calls', 'audio', 'ui', 'desktop', 'directory'];
const SIP_KEYS = ['t1Ms', 't2Ms', 't4Ms', 'retryBaseSeconds', 'retryMaxSeconds', 'keepAliveSeconds', 'subscriptionExpiresSeconds'];
const DIAG_KEYS = ['traceToFile', 'traceBufferSize'];

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

/** Absent: the defaults. Present: must be an object; each absent field takes its default, each present one is checked. */
function checkSip(c: Collector, raw: unknown): void {
  if (raw === undefined) return;
  if (!isRecord(raw)) return c.add('sip', 'SIP timers must be an object');
  c.unknownKeys(raw, SIP_KEYS, 'sip', 'SIP timers: ');
  const sip = { ...DEFAULT_SETTINGS.sip, ...raw } as Rec;
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
  if (sip.keepAliveSeconds !== 0 && !isInt(sip.keepAliveSeconds, 10, 3600))
    c.add('sip.keepAliveSeconds', 'SIP timers: keep-alive must be 0 (off) or a whole number of seconds from 10 to 3600');
  if (!isInt(sip.subscriptionExpiresSeconds, 60, 3600))
    c.add('sip.subscriptionExpiresSeconds', 'SIP timers: subscription expiry must be a whole number of seconds from 60 to 3600');
}

/** Like {@link checkSip}: absent block or fields take the defaults. */
function checkDiagnostics(c: Collector, raw: unknown): void {
  if (raw === undefined) return;
  if (!isRecord(raw)) return c.add('diagnostics', 'Diagnostics settings must be an object');
  c.unknownKeys(raw, DIAG_KEYS, 'diagnostics', 'Diagnostics: ');
  const d = { ...DEFAULT_SETTINGS.diagnostics, ...raw } as Rec;
  if (typeof d.traceToFile !== 'boolean')
    c.add('diagnostics.traceToFile', 'Diagnostics: trace to file must be true or false');
  if (!isInt(d.traceBufferSize, 100, 100000))
    c.add(
      'diagnostics.traceBufferSize',
      'Diagnostics: trace buffer size must be a whole number from 100 to 100000',
    );
}

/**
 * Every problem in `input` as a settings object; empty when it is valid. Every block and field but the lines' own is
 * optional: what is absent takes its value from {@link DEFAULT_SETTINGS} (`{}` is the defaults); what is present
 * must be right.
 */
export function settingsErrors(input: unknown): FieldError[] {
  const c = new Collector();
  if (!isRecord(input)) {
    c.add('', 'Settings must be a JSON object');
    return c.errors;
  }
  c.unknownKeys(input, TOP_KEYS, '', '');
  if (input.version !== undefined && input.version !== 1) c.add('version', 'Settings version must be 1');
  const lines = input.lines;
  if (lines === undefined) {
    // No lines: none configured.
  } else if (!Array.isArray(lines)) c.add('lines', 'lines must be a list');
  else {
    if (lines.length > MAX_LINES) c.add('lines', `At most ${MAX_LINES} lines are supported`);
    const seen = new Map<string, number>();
    lines.forEach((line, i) => c.errors.push(...lineErrors(line, i, seen)));
  }
  const count = Array.isArray(lines) ? lines.length : 0;
  if (input.defaultLine !== undefined && !isInt(input.defaultLine, 1, Math.max(1, count)))
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
  c.errors.push(...callSettingsErrors(input.calls));
  c.errors.push(...audioSettingsErrors(input.audio));
  c.errors.push(...uiSettingsErrors(input.ui));
  c.errors.push(...desktopSettingsErrors(input.desktop));
  c.errors.push(...directorySettingsErrors(input.directory));
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
  const lines = ((input.lines as Rec[] | undefined) ?? []).map((l): LineConfig => {
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
      busyWhenOnCall: l.busyWhenOnCall === true ? true : undefined,
      voicemailCode: optString(l.voicemailCode),
      srtp: l.srtp === 'off' || l.srtp === 'offer' || l.srtp === 'require' ? l.srtp : undefined,
      transferCode: optString(l.transferCode),
      pickupPrefix: optString(l.pickupPrefix),
      parkCode: optString(l.parkCode),
      voicemailTransferPrefix: optString(l.voicemailTransferPrefix),
      // On by default (issue 12 §6): only an explicit `false` is stored.
      mwi: l.mwi === false ? false : undefined,
      mailboxCode: optString(l.mailboxCode),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (line as unknown as Rec)[k] = v;
    return line;
  });
  const sip = (input.sip as Rec | undefined) ?? {};
  const d = (input.diagnostics as Rec | undefined) ?? {};
  const known = (obj: Rec, keys: readonly string[]): Rec =>
    Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
  return {
    version: 1,
    lines,
    defaultLine: (input.defaultLine as number | undefined) ?? DEFAULT_SETTINGS.defaultLine,
    // Absent blocks and fields (hand-written files, files from before a field existed) get the defaults.
    sip: { ...DEFAULT_SETTINGS.sip, ...known(sip, SIP_KEYS) } as SipTimingSettings,
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics, ...known(d, DIAG_KEYS) } as DiagnosticsSettings,
    ...normalizeTileSettings(input),
    presence: normalizePresenceSettings(input.presence),
    calls: normalizeCallSettings(input.calls),
    audio: normalizeAudioSettings(input.audio),
    ui: normalizeUiSettings(input.ui),
    desktop: normalizeDesktopSettings(input.desktop),
    directory: normalizeDirectorySettings(input.directory),
  };
}

/** At most this many problems are spelled out in one message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * Every problem in one readable text, each with its field: `Line 1: domain … (field lines.0.domain); SIP timers: T1 …
 * (field sip.t1Ms)`, the first {@link MAX_LISTED_PROBLEMS} spelled out and the rest counted (`; and 3 more problems`).
 */
export function describeProblems(errors: readonly FieldError[], max = MAX_LISTED_PROBLEMS): string {
  const listed = errors.slice(0, max).map((e) => (e.field ? `${e.message} (field ${e.field})` : e.message));
  const rest = errors.length - listed.length;
  return listed.join('; ') + (rest > 0 ? `; and ${rest} more problem${rest > 1 ? 's' : ''}` : '');
}

function toResult(input: unknown): Result<Settings> {
  const errors = settingsErrors(input);
  const first = errors[0];
  if (first) {
    // One problem: its message (the field is in `error.field`); several: every one, each with its field.
    const message = errors.length === 1 ? first.message : describeProblems(errors);
    return fail('invalid-settings', message, first.field ? { field: first.field } : {});
  }
  return ok(normalize(input as Rec));
}

/**
 * Validates a stored settings file's content; absent blocks and fields take the defaults. On failure `error.field`
 * names the first offending field and `error.message` lists every problem.
 */
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

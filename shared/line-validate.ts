/**
 * Validation of one line (`lines[i]`), called by `settings-validate.ts`. Pure. Field paths use 0-based indexes
 * (`lines.2.domain`); messages use the line numbers people see ("Line 3: …"). Every text that reaches a SIP header
 * refuses control characters first, with its own message (shared/control-characters.ts).
 */
import { controlCharactersMessage, hasControlCharacters } from './control-characters';
import { isValidHost, isValidHostPort } from './host-syntax';
import type { FieldError } from './settings-validate';

type Rec = Record<string, unknown>;

/** Every key a line may have. */
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
  'busyWhenOnCall',
  'voicemailCode',
  'srtp',
  'transferCode',
  'pickupPrefix',
  'parkCode',
  'voicemailTransferPrefix',
  'mwi',
  'mailboxCode',
];
/** States a line may have a feature code for (issue 4 §2). */
const FEATURE_CODE_STATES = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable'];
/** Dial-string characters a PBX accepts in a Request-URI user part without escaping. */
const FEATURE_CODE = /^[0-9*#+A-Za-z]{1,32}$/;
const TLS_KEYS = ['fingerprint256', 'caFile'];
/** Line texts checked for control characters, by the names messages use; all but the id reach a SIP header. */
const HEADER_TEXTS: Readonly<Record<string, string>> = {
  id: 'id',
  displayName: 'display name',
  user: 'user',
  authUser: 'auth user',
  domain: 'domain',
  registrar: 'registrar',
  outboundProxy: 'outbound proxy',
};

/** RFC 3261 §25.1 `user`: unreserved / escaped / user-unreserved. */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const FINGERPRINT = /^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/;
// Digest usernames travel as quoted-strings (RFC 7616 §3.4); keep them free of quote and backslash.
const isAuthUser = (s: string): boolean => s.length > 0 && !/["\\]/.test(s);

const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
/** Optional strings: absent, `null` and `''` all mean "not set" (form fields send `''`). */
const isUnset = (v: unknown): boolean => v === undefined || v === null || v === '';
const isAbsolutePath = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');

type Add = (field: string, message: string) => void;

function checkTls(add: Add, tls: unknown, path: string, label: string, transport: unknown): void {
  if (isUnset(tls)) return;
  if (!isRecord(tls)) return add(path, `${label}tls must be an object`);
  for (const key of Object.keys(tls)) if (!TLS_KEYS.includes(key)) add(`${path}.${key}`, `${label}unknown setting "${key}"`);
  const fp = tls.fingerprint256;
  if (!isUnset(fp) && (typeof fp !== 'string' || !FINGERPRINT.test(fp)))
    add(`${path}.fingerprint256`, `${label}TLS fingerprint must be 64 hex digits (SHA-256), colons optional`);
  const ca = tls.caFile;
  if (!isUnset(ca) && (typeof ca !== 'string' || !isAbsolutePath(ca) || ca.length > 4096 || hasControlCharacters(ca)))
    add(`${path}.caFile`, `${label}TLS CA file must be an absolute path`);
  if (transport !== 'tls' && (!isUnset(fp) || !isUnset(ca))) add(path, `${label}TLS trust settings only apply to transport tls`);
}

function checkFeatureCodes(add: Add, codes: unknown, path: string, label: string): void {
  if (codes === undefined) return;
  if (!isRecord(codes)) return add(path, `${label}feature codes must be an object of state → code`);
  for (const [state, code] of Object.entries(codes)) {
    if (!FEATURE_CODE_STATES.includes(state))
      add(`${path}.${state}`, `${label}feature code for unknown state "${state}" (use ${FEATURE_CODE_STATES.join(', ')})`);
    else if (typeof code === 'string' && hasControlCharacters(code))
      add(`${path}.${state}`, controlCharactersMessage(label, `feature code for ${state}`));
    else if (typeof code !== 'string' || !FEATURE_CODE.test(code))
      add(`${path}.${state}`, `${label}feature code for ${state} must be 1–32 characters of digits, letters, * # +`);
  }
}

/**
 * Problems of line `i` (0-based). `seenIds` collects the ids of the lines before it, so a repeated id names the
 * line that has it first.
 */
export function lineErrors(line: unknown, i: number, seenIds: Map<string, number>): FieldError[] {
  const errors: FieldError[] = [];
  const path = `lines.${i}`;
  const label = `Line ${i + 1}: `;
  const f = (name: string): string => `${path}.${name}`;
  const add: Add = (field, message) => void errors.push({ field, message });
  if (!isRecord(line)) return [{ field: path, message: `${label}must be an object` }];
  for (const key of Object.keys(line)) if (!LINE_KEYS.includes(key)) add(f(key), `${label}unknown setting "${key}"`);
  // A control character gets its own message, and the field's other rules are not repeated on top of it.
  const ok = (name: string): boolean => {
    const v = line[name];
    if (typeof v !== 'string' || !hasControlCharacters(v)) return true;
    add(f(name), controlCharactersMessage(label, HEADER_TEXTS[name] ?? name));
    return false;
  };
  if (ok('id')) {
    if (typeof line.id !== 'string' || line.id.trim() === '' || line.id.length > 64)
      add(f('id'), `${label}id must be a non-empty string of at most 64 characters`);
    else if (seenIds.has(line.id)) add(f('id'), `${label}id "${line.id}" is already used by line ${(seenIds.get(line.id) ?? 0) + 1}`);
    else seenIds.set(line.id, i);
  }
  if (typeof line.enabled !== 'boolean') add(f('enabled'), `${label}enabled must be true or false`);
  if (ok('displayName') && (typeof line.displayName !== 'string' || line.displayName.length > 64))
    add(f('displayName'), `${label}display name must be text of at most 64 characters`);
  if (ok('user') && (typeof line.user !== 'string' || line.user.length > 128 || !SIP_USER.test(line.user)))
    add(f('user'), `${label}user must be a non-empty SIP user name (letters, digits and - _ . ! ~ * ' ( ) & = + $ , ; ? /)`);
  const authUser = line.authUser;
  if (ok('authUser') && !isUnset(authUser) && (typeof authUser !== 'string' || authUser.length > 128 || !isAuthUser(authUser)))
    add(f('authUser'), `${label}auth user must be printable text of at most 128 characters without quotes or backslashes`);
  if (line.password !== undefined && (typeof line.password !== 'string' || line.password.length > 256))
    add(f('password'), `${label}password must be text of at most 256 characters`);
  if (ok('domain') && (typeof line.domain !== 'string' || !isValidHost(line.domain)))
    add(f('domain'), `${label}domain must be a host name, IPv4 address or [IPv6] address`);
  for (const name of ['registrar', 'outboundProxy'] as const) {
    const v = line[name];
    if (ok(name) && !isUnset(v) && (typeof v !== 'string' || !isValidHostPort(v)))
      add(f(name), `${label}${name === 'registrar' ? 'registrar' : 'outbound proxy'} must be host[:port] with a port from 1 to 65535`);
  }
  if (line.transport !== 'udp' && line.transport !== 'tcp' && line.transport !== 'tls')
    add(f('transport'), `${label}transport must be udp, tcp or tls`);
  if (!isInt(line.expires, 60, 86400)) add(f('expires'), `${label}expires must be a whole number of seconds from 60 to 86400`);
  checkTls(add, line.tls, f('tls'), label, line.transport);
  checkFeatureCodes(add, line.featureCodes, f('featureCodes'), label);
  if (line.watcherInfo !== undefined && typeof line.watcherInfo !== 'boolean')
    add(f('watcherInfo'), `${label}watcher list must be true or false`);
  if (line.mwi !== undefined && typeof line.mwi !== 'boolean') add(f('mwi'), `${label}voicemail indicator must be true or false`);
  if (line.busyWhenOnCall !== undefined && typeof line.busyWhenOnCall !== 'boolean')
    add(f('busyWhenOnCall'), `${label}"busy when on a call" must be true or false`);
  if (!isUnset(line.voicemailCode) && (typeof line.voicemailCode !== 'string' || !FEATURE_CODE.test(line.voicemailCode)))
    add(f('voicemailCode'), `${label}voicemail code must be 1–32 digits, letters, *, # or +`);
  if (line.srtp !== undefined && line.srtp !== 'off' && line.srtp !== 'offer' && line.srtp !== 'require')
    add(f('srtp'), `${label}SRTP must be off, offer or require`);
  const codes: Array<[keyof typeof line, string]> = [
    ['transferCode', 'transfer code'],
    ['pickupPrefix', 'pickup prefix'],
    ['parkCode', 'park code'],
    ['voicemailTransferPrefix', 'voicemail transfer prefix'],
    ['mailboxCode', 'voicemail number'],
  ];
  for (const [name, words] of codes)
    if (!isUnset(line[name]) && (typeof line[name] !== 'string' || !FEATURE_CODE.test(line[name] as string)))
      add(f(name as string), `${label}${words} must be 1–32 digits, letters, *, # or +`);
  // RFC 4568 §8.3: SDES keys travel in the SDP, so only TLS signalling may carry them.
  else if (line.srtp === 'require' && line.transport !== 'tls')
    add(f('srtp'), `${label}SRTP can only be required on a TLS line (the keys travel in the signalling)`);
  return errors;
}

/**
 * `application/reginfo+xml` (RFC 3680 §5, the `reg` event package): a pure parser that never throws. What a tile
 * makes of it (registered or not) is the application's rule (`electron/core/blf/reg-tracker.ts`).
 */
import type {
  BodyResult,
  RegContact,
  RegInfoDocument,
  Registration,
  RegistrationState,
} from './types';
import { attr, bodyText, child, children, parseXmlRoot, text, type XmlNode } from './xml-tree';

const DECIMAL_RE = /^\d+$/;
const REG_STATES: ReadonlySet<string> = new Set(['init', 'active', 'terminated']);
/**
 * A watcher subscribes to one AoR, whose document names that AoR (RFC 3680 §5.1), and a phone has a handful of
 * bindings: more than these limits is not a registration a tile can show, so the rest is dropped with a warning
 * instead of growing state without bound.
 */
export const MAX_REGISTRATIONS = 64;
export const MAX_CONTACTS = 64;

/**
 * Parses a reginfo document.
 *
 * - `version` (RFC 3680 §5.1) must be a non-negative integer: missing or invalid is an error, because the caller
 *   orders documents by it (§5.3) and a document it cannot order must not be applied.
 * - A missing or unknown root `state` reads as `full` with a warning (a full state replaces what the watcher knew,
 *   which is right whenever the notifier sent everything it has).
 * - A `<registration>` needs `aor`; one without it is dropped with a warning. A missing `id` falls back to the AoR.
 *   An unknown registration `state` is derived from its contacts (any active contact → `active`, else
 *   `terminated`) with a warning.
 * - A `<contact>` with an unknown or missing `state` is kept as `active` only when its `event` says it is live
 *   (registered, created, refreshed, shortened), otherwise `terminated`: claiming a phone registered that is not
 *   would show it reachable. A missing `id` falls back to the contact URI, else its position.
 * - An empty body is an error: RFC 3680 §5.1 always sends a `<reginfo>` root, even for an AoR without bindings.
 */
export function parseRegInfo(body: Uint8Array | string): BodyResult<RegInfoDocument> {
  try {
    return parse(bodyText(body));
  } catch (err) {
    return { ok: false, reason: `reginfo: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(source: string): BodyResult<RegInfoDocument> {
  if (source.trim() === '') return { ok: false, reason: 'reginfo: empty body' };
  const root = parseXmlRoot(source, 'reginfo');
  if (!root.ok) return { ok: false, reason: `reginfo: ${root.reason}` };
  if (root.name !== 'reginfo') {
    return { ok: false, reason: `reginfo: root element is <${root.name}>, expected <reginfo>` };
  }
  const rawVersion = attr(root.node, 'version');
  if (rawVersion === undefined) return { ok: false, reason: 'reginfo: missing version attribute' };
  const version = DECIMAL_RE.test(rawVersion.trim()) ? Number(rawVersion.trim()) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    return { ok: false, reason: `reginfo: invalid version attribute "${clip(rawVersion)}"` };
  }
  const warnings: string[] = [];
  const nodes = children(root.node, 'registration');
  if (nodes.length > MAX_REGISTRATIONS) {
    warnings.push(`reginfo: ${nodes.length} registrations, only the first ${MAX_REGISTRATIONS} kept`);
  }
  const registrations: Registration[] = [];
  nodes.slice(0, MAX_REGISTRATIONS).forEach((node, index) => {
    const registration = readRegistration(node, index, warnings);
    if (registration) registrations.push(registration);
  });
  return {
    ok: true,
    value: { type: 'reginfo', version, state: readDocState(root.node, warnings), registrations },
    warnings,
  };
}

function readDocState(node: XmlNode, warnings: string[]): 'full' | 'partial' {
  const raw = attr(node, 'state');
  const state = raw?.trim().toLowerCase();
  if (state === 'full' || state === 'partial') return state;
  warnings.push(
    raw === undefined
      ? 'reginfo: missing state attribute, read as full'
      : `reginfo: unknown state "${clip(raw)}", read as full`,
  );
  return 'full';
}

function readRegistration(node: XmlNode, index: number, warnings: string[]): Registration | undefined {
  const aor = attr(node, 'aor')?.trim() ?? '';
  if (aor === '') {
    warnings.push(`reginfo: registration #${index + 1} has no aor attribute, dropped`);
    return undefined;
  }
  const where = `reginfo: registration ${clip(aor)}`;
  const id = attr(node, 'id')?.trim() || aor;
  const contactNodes = children(node, 'contact');
  if (contactNodes.length > MAX_CONTACTS) {
    warnings.push(`${where}: ${contactNodes.length} contacts, only the first ${MAX_CONTACTS} kept`);
  }
  const contacts = contactNodes
    .slice(0, MAX_CONTACTS)
    .map((contact, i) => readContact(contact, i, where, warnings));
  const raw = attr(node, 'state')?.trim().toLowerCase() ?? '';
  let state: RegistrationState;
  if (REG_STATES.has(raw)) state = raw as RegistrationState;
  else {
    state = contacts.some((c) => c.state === 'active') ? 'active' : 'terminated';
    warnings.push(
      raw === ''
        ? `${where} has no state, read as ${state} from its contacts`
        : `${where}: unknown state "${clip(raw)}", read as ${state} from its contacts`,
    );
  }
  return { aor, id, state, contacts };
}

const LIVE_EVENTS: ReadonlySet<string> = new Set(['registered', 'created', 'refreshed', 'shortened']);

function readContact(node: XmlNode, index: number, where: string, warnings: string[]): RegContact {
  const uri = text(child(node, 'uri'));
  const event = attr(node, 'event')?.trim().toLowerCase();
  const raw = attr(node, 'state')?.trim().toLowerCase() ?? '';
  let state: RegContact['state'];
  if (raw === 'active' || raw === 'terminated') state = raw;
  else {
    state = event !== undefined && LIVE_EVENTS.has(event) ? 'active' : 'terminated';
    warnings.push(`${where}: contact #${index + 1} has ${raw === '' ? 'no state' : `unknown state "${clip(raw)}"`}, read as ${state}`);
  }
  const id = attr(node, 'id')?.trim() || uri || `#${index + 1}`;
  const contact: RegContact = { id, state };
  if (event) contact.event = event;
  if (uri) contact.uri = uri;
  const display = text(child(node, 'display-name'));
  if (display) contact.displayName = display;
  const expires = attr(node, 'expires')?.trim();
  if (expires !== undefined) {
    if (DECIMAL_RE.test(expires) && Number.isSafeInteger(Number(expires))) contact.expires = Number(expires);
    else warnings.push(`${where}: contact #${index + 1}: invalid expires "${clip(expires)}" ignored`);
  }
  return contact;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

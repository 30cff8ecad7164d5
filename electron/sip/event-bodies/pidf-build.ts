/**
 * Builds the `application/pidf+xml` body we PUBLISH for our own presence (RFC 3863, RFC 3903 §4): one tuple for
 * watchers that read plain PIDF (and the snom convention of seed 003), a data-model person (RFC 4479 §3.1) with
 * RPID activities (RFC 4480 §3.2) for watchers that read RPID, and Asterisk's Digium tuple for watchers that read
 * Asterisk presence states. What `parsePresenceBody` (pidf.ts) reads back is exactly {@link publishedPresenceInfo}.
 *
 * Mapping from {@link OwnPresence}:
 *
 * | output                                   | value                                                                   |
 * |------------------------------------------|-------------------------------------------------------------------------|
 * | `<basic>` (RFC 3863 §4.1.4)              | `closed` for `unavailable` only, else `open`: DND, away and the rest still take calls or messages, and an Asterisk-unaware watcher shows closed as offline |
 * | `<note>` of the tuple, `<im:im>`         | the shown text: `label` and `note` joined by ": " (either alone when only one is set); absent when neither is |
 * | `<rpid:activities>` in `<dm:person>`     | the activity implied by the state (`away`/`xa` → `away`, `dnd` → `busy`, the ones `presence-state.ts` reads back) followed by `activities`, deduplicated; `unknown` and `note` say nothing and are dropped; no person without activities |
 * | `<tuple id="digium-presence">`           | `<digium_presence type="state" subtype="label">note</digium_presence>`, the shape of Asterisk's res_pjsip_pidf_digium_body_supplement |
 *
 * `xa` is published as the RPID activity `away`, not `vacation`: the receptionist has not gone on holiday, and the
 * Digium tuple keeps the exact state for watchers that read it. Labels and notes are trimmed; blank means absent.
 */
import type { PresenceInfo, PresenceState } from '../../../shared/tiles';

/** What the console publishes about its user. */
export interface OwnPresence {
  /** Presentity: `pres:` or `sip:`/`sips:` URI of the line (RFC 3863 §4.1.1). */
  entity: string;
  state: PresenceState;
  /** A user-defined state's name ("Lunch"); Asterisk's subtype. */
  label?: string;
  /** Free text; Asterisk's presence message. */
  note?: string;
  /** Extra RPID activities (RFC 4480 §3.2), e.g. `on-the-phone`. */
  activities?: readonly string[];
  /** Id of the main tuple; stable across publications so compositors replace rather than add (RFC 3863 §4.1.2). */
  tupleId?: string;
  /** `<contact>` of the main tuple (RFC 3863 §4.1.5), usually the line's AOR. */
  contact?: string;
}

export type PidfBuildErrorCode = 'invalid-entity' | 'invalid-activity' | 'invalid-tuple-id';

/** The input cannot be written as PIDF (a caller bug or bad configuration, never a network condition). */
export class PidfBuildError extends Error {
  override readonly name = 'PidfBuildError';
  constructor(
    readonly code: PidfBuildErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The Digium tuple's id, as Asterisk writes it and pidf.ts looks for it. */
export const DIGIUM_TUPLE_ID = 'digium-presence';
const DEFAULT_TUPLE_ID = 'attendant-console';

const STATE_ACTIVITY: Partial<Record<PresenceState, string>> = { away: 'away', xa: 'away', dnd: 'busy' };
/** RFC 4480 §3.2: `unknown` says nothing, `<note>` is no activity. */
const SILENT_ACTIVITIES = new Set(['unknown', 'note']);
/** XML NCName, ASCII subset: activities become element names, tuple ids are `xs:ID`. */
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENTITY_URI = /^(pres|sips?):[^\s<>"]+$/i;

/** Escapes text for element content and for double-quoted attributes, keeping line breaks and tabs in attributes (XML 1.0 §3.3.3 would fold them). */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clean(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** The text non-Asterisk watchers see in `<note>`. */
export function shownText(presence: Pick<OwnPresence, 'label' | 'note'>): string | undefined {
  const parts = [clean(presence.label), clean(presence.note)].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/** Activities written into the person, in order: the state's, then the caller's. */
export function publishedActivities(presence: Pick<OwnPresence, 'state' | 'activities'>): string[] {
  const out: string[] = [];
  const implied = STATE_ACTIVITY[presence.state];
  for (const activity of [...(implied ? [implied] : []), ...(presence.activities ?? [])]) {
    if (!NCNAME.test(activity)) throw new PidfBuildError('invalid-activity', `not an RPID activity name: "${activity}"`);
    if (!SILENT_ACTIVITIES.has(activity) && !out.includes(activity)) out.push(activity);
  }
  return out;
}

/**
 * What a watcher using pidf.ts reads from {@link buildOwnPidf}'s document: the state, the label as subtype, the note
 * (the Digium message; the label when there is no note, from the tuple's `<note>`), and the activities.
 */
export function publishedPresenceInfo(presence: OwnPresence): PresenceInfo {
  const info: PresenceInfo = { basic: presence.state === 'unavailable' ? 'closed' : 'open', state: presence.state };
  const label = clean(presence.label);
  const note = clean(presence.note) ?? label;
  if (label) info.subtype = label;
  if (note) info.note = note;
  const activities = publishedActivities(presence);
  if (activities.length > 0) info.activities = activities;
  return info;
}

/** The PIDF document for `presence`; throws {@link PidfBuildError} for an unusable entity, tuple id or activity. */
export function buildOwnPidf(presence: OwnPresence): string {
  if (!ENTITY_URI.test(presence.entity))
    throw new PidfBuildError('invalid-entity', `presentity must be a pres:, sip: or sips: URI: "${presence.entity}"`);
  const tupleId = presence.tupleId ?? DEFAULT_TUPLE_ID;
  if (!NCNAME.test(tupleId) || tupleId === DIGIUM_TUPLE_ID)
    throw new PidfBuildError('invalid-tuple-id', `unusable tuple id "${tupleId}"`);
  const info = publishedPresenceInfo(presence);
  const shown = shownText(presence);
  const message = clean(presence.note);
  const label = clean(presence.label);

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:im="urn:ietf:params:xml:ns:pidf:im"' +
      ' xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"' +
      ` entity="${xmlEscape(presence.entity)}">`,
    ` <tuple id="${tupleId}">`,
    '  <status>',
    `   <basic>${info.basic}</basic>`,
  ];
  if (shown) lines.push(`   <im:im>${xmlEscape(shown)}</im:im>`);
  lines.push('  </status>');
  if (presence.contact) lines.push(`  <contact priority="1.00">${xmlEscape(presence.contact)}</contact>`);
  if (shown) lines.push(`  <note xml:lang="en">${xmlEscape(shown)}</note>`);
  lines.push(' </tuple>');
  if (info.activities) {
    lines.push(` <dm:person id="p-${tupleId}">`, '  <rpid:activities>');
    for (const activity of info.activities) lines.push(`   <rpid:${activity}/>`);
    lines.push('  </rpid:activities>', ' </dm:person>');
  }
  const subtype = label ? ` subtype="${xmlEscape(label)}"` : '';
  const digium = `<digium_presence type="${presence.state}"${subtype}>${message ? xmlEscape(message) : ''}</digium_presence>`;
  lines.push(` <tuple id="${DIGIUM_TUPLE_ID}">`, `  <status>${digium}</status>`, ' </tuple>', '</presence>');
  return `${lines.join('\n')}\n`;
}

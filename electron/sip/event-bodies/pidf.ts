/**
 * `application/pidf+xml` (RFC 3863) with RPID (RFC 4480), the data model's person/device (RFC 4479), and
 * Asterisk's Digium supplement; `application/cpim-pidf+xml` is the same document in the CPIM namespace (Cisco).
 * Elements are matched by local name: vendors bind the RPID and data-model namespaces to any prefix.
 *
 * Mapping to {@link PresenceInfo} (first matching row per field wins):
 *
 * | field        | source                                                                                    |
 * |--------------|-------------------------------------------------------------------------------------------|
 * | `basic`      | `open` if any tuple's `<status><basic>` is open (RFC 3863 §4.1.4), else `closed` if one is closed, else absent |
 * | `state`      | 1. Digium supplement `<tuple id="digium-presence"><status><digium_presence type>` (Asterisk presence state) |
 * |              | 2. RPID activities, as in `presence-state.ts` (busy → dnd; vacation/holiday… → xa; away/meal… → away) |
 * |              | 3. `basic` closed with Asterisk's presence-level note `Unavailable` → `unavailable`          |
 * |              | otherwise absent (a plain open/closed is in `basic`; on-the-phone is left to the dialog package) |
 * | `subtype`    | Digium `subtype` attribute                                                                |
 * | `note`       | 1. Digium element text (the Asterisk presence message)                                   |
 * |              | 2. `<note>`s of `<person>`, then of `<presence>`, then of `<tuple>`s, then of `<device>`s — the first level that has one; within it the first note whose `xml:lang` matches `langs` (in order, prefix match `en` ~ `en-GB`), else the first untagged, else the first |
 * |              | 3. `<im:im>` inside a tuple's status (snom PUBLISH, seed 003), 4. text of RPID `<other>` |
 * | `activities` | child element names of every `<activities>` in persons, tuples (both also inside their `<status>`), devices (the text of a draft-style `<activity>`), in document order, deduplicated, `unknown` and `<note>` dropped; `from`/`until` not evaluated (parsers are pure) |
 *
 * Asterisk's own PIDF (res_pjsip_pidf_body_generator) writes the extension state as a presence-level note:
 * `Ready` (open), `Ringing`, `On the phone`, `On hold` and `Unavailable` (all closed — closed does not mean
 * offline there). Those notes are machine state, not words of a person, so they are not shown as `note`:
 * `On the phone`/`On hold` add the activity `on-the-phone`, `Unavailable` gives state `unavailable` (row 3).
 * Asterisk only adds the Digium tuple for subscribers whose User-Agent contains "digium".
 */
import type { BodyResult, PresenceDocument } from './types';
import { parseXmlTree } from './fxp-tree';
import { ASTERISK_STATES, presenceInfo, stateFromActivities } from './presence-state';
import { childNamed, childrenNamed, type XmlElement } from './xml-scan';
import { interpretXpidf, looksLikeXpidf } from './xpidf';
import type { PresenceState } from '../../../shared/tiles';

export interface PresenceOptions {
  /** Preferred note languages, most preferred first (default `['en']`). */
  langs?: readonly string[];
}

const ASTERISK_NOTES: ReadonlySet<string> = new Set([
  'ready',
  'ringing',
  'on the phone',
  'on hold',
  'unavailable',
]);

/** Picks a note from one level by language preference. */
function pickNote(notes: readonly XmlElement[], langs: readonly string[]): string | undefined {
  const candidates = notes
    .map((n) => ({ lang: n.attrs['lang']?.trim().toLowerCase(), text: n.text.trim() }))
    .filter((c) => c.text !== '');
  if (candidates.length === 0) return undefined;
  for (const pref of langs) {
    const want = pref.toLowerCase();
    const hit = candidates.find(
      (c) =>
        c.lang !== undefined &&
        c.lang !== '' &&
        (c.lang === want || c.lang.startsWith(`${want}-`) || want.startsWith(`${c.lang}-`)),
    );
    if (hit) return hit.text;
  }
  return (candidates.find((c) => !c.lang) ?? candidates[0])?.text;
}

/** Reads a PIDF `<presence>` element (already parsed). */
export function interpretPidf(
  root: XmlElement,
  langs: readonly string[],
  warnings: string[],
): PresenceDocument {
  const tuples = childrenNamed(root, 'tuple');
  const persons = childrenNamed(root, 'person');
  const devices = childrenNamed(root, 'device');
  const statuses = tuples.map((t) => childNamed(t, 'status')).filter((s): s is XmlElement => s !== undefined);

  let basic: 'open' | 'closed' | undefined;
  let digium: XmlElement | undefined;
  for (const status of statuses) {
    digium ??= childNamed(status, 'digium_presence');
    const value = childNamed(status, 'basic')?.text.trim().toLowerCase();
    if (value === 'open') basic = 'open';
    else if (value === 'closed') basic ??= 'closed';
    else if (value !== undefined) warnings.push(`pidf: unknown basic "${value}" ignored`);
  }

  const activities: string[] = [];
  let otherText: string | undefined;
  const personStatuses = persons
    .map((p) => childNamed(p, 'status'))
    .filter((s): s is XmlElement => s !== undefined);
  for (const holder of [...persons, ...personStatuses, ...tuples, ...statuses, ...devices]) {
    for (const list of childrenNamed(holder, 'activities')) {
      for (const activity of list.children) {
        // RFC 4480 §3.2: `<note>` may sit among the activities; `unknown` says nothing. The pre-RFC draft
        // (Cisco CPIM-PIDF) names the activity in the text of `<activity>`.
        let name = activity.name;
        if (name === 'activity') name = activity.text.trim().toLowerCase();
        if (name === '' || name === 'unknown' || name === 'note') continue;
        if (name === 'other') otherText ??= activity.text.trim() || undefined;
        if (!activities.includes(name)) activities.push(name);
      }
    }
  }

  let asteriskUnavailable = false;
  const presenceNotes = childrenNamed(root, 'note').filter((n) => {
    const text = n.text.trim().toLowerCase();
    if (!ASTERISK_NOTES.has(text)) return true;
    if (text === 'unavailable') asteriskUnavailable = true;
    if ((text === 'on the phone' || text === 'on hold') && !activities.includes('on-the-phone'))
      activities.push('on-the-phone');
    return false;
  });

  let state: PresenceState | undefined;
  let subtype: string | undefined;
  let note: string | undefined;
  if (digium !== undefined) {
    const type = digium.attrs['type']?.trim().toLowerCase() ?? '';
    if (ASTERISK_STATES.has(type)) state = type as PresenceState;
    else warnings.push(`pidf: unknown Digium presence type "${type}" ignored`);
    subtype = digium.attrs['subtype']?.trim() || undefined;
    note = digium.text.trim() || undefined;
  }
  state ??= stateFromActivities(activities);
  if (state === undefined && asteriskUnavailable && basic === 'closed') state = 'unavailable';

  const levels = [
    persons.flatMap((p) => childrenNamed(p, 'note')),
    presenceNotes,
    tuples.flatMap((t) => childrenNamed(t, 'note')),
    devices.flatMap((d) => childrenNamed(d, 'note')),
  ];
  for (const level of levels) note ??= pickNote(level, langs);
  for (const status of statuses) note ??= childNamed(status, 'im')?.text.trim() || undefined;
  note ??= otherText;

  const entity = root.attrs['entity'] ?? '';
  if (entity === '') warnings.push('pidf: missing entity attribute');
  return { type: 'presence', entity, presence: presenceInfo({ basic, state, subtype, note, activities }) };
}

/**
 * Parses a presence body of any of the three presence media types; never throws. The document shape decides the
 * reader, not the label: Asterisk labels its XPIDF document `application/cpim-pidf+xml`
 * (res_pjsip_xpidf_body_generator registers the same generator for both types).
 */
export function parsePresenceBody(body: string, options: PresenceOptions = {}): BodyResult<PresenceDocument> {
  if (body.trim() === '') return { ok: false, reason: 'presence: empty body' };
  const tree = parseXmlTree(body);
  if (!tree.ok) return { ok: false, reason: `presence: ${tree.reason}` };
  if (tree.root.name !== 'presence')
    return { ok: false, reason: `presence: root element is <${tree.root.name}>, expected <presence>` };
  const warnings: string[] = [];
  const value = looksLikeXpidf(tree.root)
    ? interpretXpidf(tree.root, warnings)
    : interpretPidf(tree.root, options.langs ?? ['en'], warnings);
  return { ok: true, value, warnings };
}

/** `application/pidf+xml` (an XPIDF-shaped body is read as XPIDF). */
export const parsePidf = parsePresenceBody;

/** `application/cpim-pidf+xml`: PIDF in the CPIM namespace, or Asterisk's XPIDF under this label. */
export const parseCpimPidf = parsePresenceBody;

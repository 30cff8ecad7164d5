/**
 * `application/xpidf+xml` (the pre-PIDF draft format; Asterisk's res_pjsip_xpidf_body_generator, which Asterisk
 * also sends as `application/cpim-pidf+xml`, and older phones):
 *
 * ```xml
 * <presence><presentity uri="sip:101@pbx;method=SUBSCRIBE"/>
 *   <atom id="101"><address uri="sip:101@pbx;user=ip" priority="0.80000">
 *     <status status="open|inuse|closed"/><msnsubstatus substatus="online|onthephone|offline|…"/>
 *   </address></atom></presence>
 * ```
 *
 * | XPIDF                                        | PresenceInfo                                             |
 * |----------------------------------------------|----------------------------------------------------------|
 * | any address `status="open"`                  | `basic: 'open'`                                          |
 * | any address `status="inuse"`                 | `basic: 'open'`, activity `on-the-phone` (Asterisk: in use or ringing) |
 * | all addresses `status="closed"`              | `basic: 'closed'` (Asterisk also says closed for busy and on hold, so no state) |
 * | `msnsubstatus` `away`, `berightback`, `idle` | activity `away` → state `away`                           |
 * | `msnsubstatus` `outtolunch`                  | activity `meal` → state `away`                           |
 * | `msnsubstatus` `busy`                        | activity `busy` → state `dnd`                            |
 * | `msnsubstatus` `onthephone`                  | activity `on-the-phone`                                  |
 * | `msnsubstatus` `online`, `offline`           | nothing beyond `basic`                                   |
 * | `<note>` inside an address                   | `note` (first non-empty)                                 |
 *
 * Activities map to a state as in `presence-state.ts`. The entity is the presentity URI without its
 * `;method=` parameter, else the first address URI.
 */
import type { BodyResult, PresenceDocument } from './types';
import { parseXmlTree } from './fxp-tree';
import { presenceInfo, stateFromActivities } from './presence-state';
import { childNamed, childrenNamed, type XmlElement } from './xml-scan';

const SUBSTATUS_ACTIVITY: Readonly<Record<string, string>> = {
  away: 'away',
  berightback: 'away',
  idle: 'away',
  outtolunch: 'meal',
  busy: 'busy',
  onthephone: 'on-the-phone',
};

/** True when a `<presence>` root has the XPIDF shape (atoms rather than tuples). */
export function looksLikeXpidf(root: XmlElement): boolean {
  return root.children.some((c) => c.name === 'atom' || c.name === 'presentity');
}

/** Reads an XPIDF `<presence>` element (already parsed). */
export function interpretXpidf(root: XmlElement, warnings: string[]): PresenceDocument {
  const activities: string[] = [];
  const addActivity = (a: string): void => {
    if (!activities.includes(a)) activities.push(a);
  };
  let basic: 'open' | 'closed' | undefined;
  let note: string | undefined;
  let firstAddress: string | undefined;
  for (const atom of childrenNamed(root, 'atom')) {
    for (const address of childrenNamed(atom, 'address')) {
      firstAddress ??= address.attrs['uri'];
      const status = childNamed(address, 'status')?.attrs['status']?.trim().toLowerCase();
      if (status === 'open' || status === 'inuse') basic = 'open';
      else if (status === 'closed') basic ??= 'closed';
      else if (status !== undefined) warnings.push(`xpidf: unknown status "${status}" ignored`);
      if (status === 'inuse') addActivity('on-the-phone');
      const sub = childNamed(address, 'msnsubstatus')?.attrs['substatus']?.trim().toLowerCase();
      const activity = sub === undefined ? undefined : SUBSTATUS_ACTIVITY[sub];
      if (activity !== undefined) addActivity(activity);
      const text = childNamed(address, 'note')?.text.trim();
      if (text) note ??= text;
    }
  }
  const presentity = childNamed(root, 'presentity')?.attrs['uri'];
  const entity = (presentity ?? firstAddress ?? '').replace(/;method=[^;>]*/i, '');
  if (entity === '') warnings.push('xpidf: no presentity or address URI');
  const presence = presenceInfo({ basic, state: stateFromActivities(activities), note, activities });
  return { type: 'presence', entity, presence };
}

/** Parses an `application/xpidf+xml` body; never throws. */
export function parseXpidf(body: string): BodyResult<PresenceDocument> {
  if (body.trim() === '') return { ok: false, reason: 'xpidf: empty body' };
  const tree = parseXmlTree(body);
  if (!tree.ok) return { ok: false, reason: `xpidf: ${tree.reason}` };
  if (tree.root.name !== 'presence')
    return { ok: false, reason: `xpidf: root element is <${tree.root.name}>` };
  const warnings: string[] = [];
  return { ok: true, value: interpretXpidf(tree.root, warnings), warnings };
}

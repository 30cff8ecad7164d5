/**
 * Shared presence vocabulary for the PIDF and XPIDF readers: which RPID activities (RFC 4480 §3.2) imply an
 * Asterisk-style {@link PresenceState}, and how a {@link PresenceInfo} is assembled without `undefined` keys.
 */
import type { PresenceInfo, PresenceState } from '../../../shared/tiles';

/** The presence states Asterisk's Digium supplement can carry (`ast_presence_state2str`). */
export const ASTERISK_STATES: ReadonlySet<string> = new Set<PresenceState>([
  'not_set',
  'unavailable',
  'available',
  'away',
  'xa',
  'chat',
  'dnd',
]);

/**
 * Activity → derived state. Activities not listed (on-the-phone, meeting, appointment, presentation, working, …)
 * derive nothing: on-the-phone is what the dialog subscription shows better, and a meeting is shown as text
 * rather than blocking the tile as DND.
 *
 * | RPID activity (RFC 4480 §3.2)                               | state  | why                                           |
 * |-------------------------------------------------------------|--------|-----------------------------------------------|
 * | `busy`                                                      | `dnd`  | softphones publish it for their DND toggle    |
 * | `vacation`, `holiday`, `permanent-absence`, `sleeping`      | `xa`   | gone for longer than a break                  |
 * | `away`, `meal`, `breakfast`, `dinner`, `shopping`, `travel`, `in-transit` | `away` | short absence        |
 *
 * With several activities the strongest wins: `dnd` over `xa` over `away`.
 */
export const ACTIVITY_STATE: Readonly<Record<string, PresenceState>> = {
  busy: 'dnd',
  vacation: 'xa',
  holiday: 'xa',
  'permanent-absence': 'xa',
  sleeping: 'xa',
  away: 'away',
  meal: 'away',
  breakfast: 'away',
  dinner: 'away',
  shopping: 'away',
  travel: 'away',
  'in-transit': 'away',
};

const RANK: Partial<Record<PresenceState, number>> = { away: 1, xa: 2, dnd: 3 };

/** The strongest state implied by `activities`, if any. */
export function stateFromActivities(activities: readonly string[]): PresenceState | undefined {
  let best: PresenceState | undefined;
  for (const activity of activities) {
    const state = ACTIVITY_STATE[activity];
    if (state !== undefined && (best === undefined || (RANK[state] ?? 0) > (RANK[best] ?? 0))) best = state;
  }
  return best;
}

/** Builds a {@link PresenceInfo} with only the fields that are known. */
export function presenceInfo(fields: {
  basic?: 'open' | 'closed';
  state?: PresenceState;
  subtype?: string;
  note?: string;
  activities: string[];
}): PresenceInfo {
  const info: PresenceInfo = {};
  if (fields.basic !== undefined) info.basic = fields.basic;
  if (fields.state !== undefined) info.state = fields.state;
  if (fields.subtype) info.subtype = fields.subtype;
  if (fields.note) info.note = fields.note;
  if (fields.activities.length > 0) info.activities = fields.activities;
  return info;
}

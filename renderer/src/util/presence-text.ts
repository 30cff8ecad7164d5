/**
 * Words for presence: the state word (standard or custom label), the published state as shown on the presence
 * screen and the sidebar chip, a line's publication method and status, and the colleagues' message text.
 */
import type {
  CustomPresenceState,
  LinePresenceStatus,
  OwnPresence,
  PresenceSnapshot,
} from '../../../shared/presence';
import type { PresenceInfo, PresenceState } from '../../../shared/tiles';
import { t } from '../i18n';

/** The word for a standard state, capitalised for headings ("Do not disturb"). */
export function presenceWord(state: PresenceState): string {
  return t(`presence.state.${state}`);
}

/** The word for an own presence: the custom label when one was chosen and still exists, else the standard word. */
export function ownWord(own: OwnPresence, custom: readonly CustomPresenceState[]): string {
  const label = own.customId ? custom.find((entry) => entry.id === own.customId)?.label : undefined;
  return label ?? presenceWord(own.state);
}

/**
 * The published state in words: "Lunch", "Away (automatically, idle)", "On the phone". An automatic state says so,
 * because the receptionist did not choose it and should see why colleagues see it.
 */
export function publishedWord(snapshot: PresenceSnapshot, custom: readonly CustomPresenceState[]): string {
  const { published } = snapshot;
  if (published.auto === 'on-the-phone') return t('presence.auto.onThePhone');
  if (published.auto === 'away') return t('presence.auto.away', { state: presenceWord(published.state) });
  return ownWord(published, custom);
}

/** "PUBLISH", "feature codes", "not published". */
export function methodWord(method: LinePresenceStatus['method']): string {
  return t(`presence.method.${method}`);
}

/** "Line 2 — feature codes: the PBX answered 501 to PUBLISH" (the reason from main, else the status word). */
export function lineText(line: LinePresenceStatus): string {
  const detail = line.reason?.trim() || t(`presence.lineState.${line.state}`);
  return t('presence.lineText', { line: line.line, method: methodWord(line.method), detail });
}

/** A colleague's message: note, then the Asterisk subtype and RPID activities when they add something. */
export function messageText(presence: PresenceInfo): string {
  const note = presence.note?.trim();
  const parts = note ? [note] : [];
  const subtype = presence.subtype?.trim();
  if (subtype && subtype !== note) parts.push(subtype);
  for (const activity of presence.activities ?? [])
    if (activity !== note && activity !== 'unknown') parts.push(activity);
  return parts.join(' · ');
}

/** The state a colleague's presence shows: the reported state, else open/closed mapped to available/unavailable. */
export function messageState(presence: PresenceInfo): PresenceState {
  if (presence.state) return presence.state;
  if (presence.basic === 'closed') return 'unavailable';
  return presence.basic === 'open' ? 'available' : 'not_set';
}

const COLOURS: Record<PresenceState, string> = {
  available: 'idle',
  chat: 'idle',
  away: 'hold',
  xa: 'hold',
  dnd: 'dnd',
  unavailable: 'off',
  not_set: 'unknown',
};

/** CSS variables for a state's colour (`--ps`) and tint (`--ps-soft`), taken from the tile palette. */
export function presenceColours(state: PresenceState): Record<string, string> {
  const name = COLOURS[state];
  return { '--ps': `var(--st-${name})`, '--ps-soft': `var(--st-${name}-soft)` };
}

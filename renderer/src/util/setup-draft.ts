/**
 * The editable form of the settings blocks added to the Settings screen in issue 12 (own presence, calls, the
 * window's language and theme) and of a line's presence feature codes. Like the rest of the draft, inputs stay as
 * typed (strings) so a half-typed number is never lost; the `…ToInput` functions turn them into what the shared
 * validator and `settings.save` understand.
 */
import type { CustomPresenceState } from '../../../shared/presence';
import { DEFAULT_SETTINGS, type CallSettings, type LineConfig, type PresenceSettings, type UiSettings } from '../../../shared/settings';
import type { PresenceState } from '../../../shared/tiles';

/** The states a line can carry by feature code (issue 4 §2) and a custom state can be based on, in menu order. */
export const FEATURE_CODE_STATES = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable'] as const satisfies readonly PresenceState[];
export type FeatureCodeState = (typeof FEATURE_CODE_STATES)[number];

/** A line's presence feature codes by state, as typed; `''` = the state is not carried. */
export type DraftFeatureCodes = Record<FeatureCodeState, string>;

/** A custom state as typed. `key` only keeps the row stable in the list while its id is edited; it is never saved. */
export interface DraftCustomState extends CustomPresenceState {
  key: string;
  /** The id follows the label as it is typed (a new state whose id the user has not edited); never saved. */
  autoId?: boolean;
}

export interface DraftPresence {
  customStates: DraftCustomState[];
  autoAwayMinutes: string;
  onThePhone: boolean;
}

export interface DraftCalls {
  rtpPortMin: string;
  rtpPortMax: string;
  holdReminderSeconds: string;
  notifications: boolean;
  historyLimit: string;
}

let keySeq = 0;
const nextKey = (): string => `state-${++keySeq}`;

/** A typed number as a number; anything else (empty, "12x") becomes NaN so validation names the field. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function draftFeatureCodesFrom(codes: LineConfig['featureCodes']): DraftFeatureCodes {
  return Object.fromEntries(FEATURE_CODE_STATES.map((state) => [state, codes?.[state] ?? ''])) as DraftFeatureCodes;
}

/** Only the states with a code; `undefined` when none has one (the engine stores no empty object either). */
export function featureCodesToInput(codes: DraftFeatureCodes): LineConfig['featureCodes'] {
  const out: Partial<Record<FeatureCodeState, string>> = {};
  for (const state of FEATURE_CODE_STATES) {
    const code = codes[state].trim();
    if (code !== '') out[state] = code;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function draftPresenceFrom(presence: PresenceSettings): DraftPresence {
  return {
    customStates: presence.customStates.map((state) => ({ ...state, key: nextKey() })),
    autoAwayMinutes: String(presence.autoAwayMinutes),
    onThePhone: presence.onThePhone,
  };
}

/** A new, empty custom state (based on `away`, the most common choice); validation asks for its id and label. */
export function emptyCustomState(): DraftCustomState {
  return { id: '', label: '', base: 'away', key: nextKey(), autoId: true };
}

/**
 * A custom state's id from its label ("Out to lunch" → `out-to-lunch`), so most users never type an id. Only used
 * while the id is still empty or was derived from the label before.
 */
export function idFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
}

export function presenceToInput(presence: DraftPresence): PresenceSettings {
  return {
    customStates: presence.customStates.map(({ id, label, base }) => ({ id: id.trim(), label: label.trim(), base })),
    autoAwayMinutes: num(presence.autoAwayMinutes),
    onThePhone: presence.onThePhone,
  };
}

export function draftCallsFrom(calls: CallSettings | undefined): DraftCalls {
  const c = calls ?? DEFAULT_SETTINGS.calls;
  return {
    rtpPortMin: String(c.rtpPortMin),
    rtpPortMax: String(c.rtpPortMax),
    holdReminderSeconds: String(c.holdReminderSeconds),
    notifications: c.notifications,
    historyLimit: String(c.historyLimit),
  };
}

export function callsToInput(calls: DraftCalls): CallSettings {
  return {
    rtpPortMin: num(calls.rtpPortMin),
    rtpPortMax: num(calls.rtpPortMax),
    holdReminderSeconds: num(calls.holdReminderSeconds),
    notifications: calls.notifications,
    historyLimit: num(calls.historyLimit),
  };
}

/** Settings saved before the `ui` block existed have none: the defaults (follow the OS) apply. */
export function draftUiFrom(ui: UiSettings | undefined): UiSettings {
  return { ...(ui ?? DEFAULT_SETTINGS.ui) };
}

/**
 * Validation of `settings.presence` (issue 4). Missing in files from before it: the defaults apply.
 */
import { controlCharactersMessage, hasControlCharacters } from './control-characters';
import type { FieldError } from './settings-validate';
import { DEFAULT_SETTINGS, type PresenceSettings } from './settings';
import type { PresenceState } from './tiles';

const STATES: readonly PresenceState[] = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable'];
const MAX_CUSTOM_STATES = 20;

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem in `settings.presence`; empty when it is valid or absent. */
export function presenceSettingsErrors(presence: unknown): FieldError[] {
  if (presence === undefined) return [];
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => void errors.push({ field, message });
  if (!isRecord(presence)) {
    add('presence', 'Presence settings must be an object');
    return errors;
  }
  for (const key of Object.keys(presence))
    if (!['customStates', 'autoAwayMinutes', 'onThePhone'].includes(key)) add(`presence.${key}`, `Presence: unknown setting "${key}"`);
  const minutes = presence.autoAwayMinutes;
  if (minutes !== undefined && !(Number.isInteger(minutes) && (minutes as number) >= 0 && (minutes as number) <= 480))
    add('presence.autoAwayMinutes', 'Presence: automatic away must be a whole number of minutes from 0 (off) to 480');
  if (presence.onThePhone !== undefined && typeof presence.onThePhone !== 'boolean')
    add('presence.onThePhone', 'Presence: "on the phone" must be true or false');
  const states = presence.customStates;
  if (!Array.isArray(states)) {
    add('presence.customStates', 'Presence: custom states must be a list');
    return errors;
  }
  if (states.length > MAX_CUSTOM_STATES) add('presence.customStates', `Presence: at most ${MAX_CUSTOM_STATES} custom states`);
  const ids = new Set<string>();
  states.forEach((state: unknown, i) => {
    const path = `presence.customStates.${i}`;
    const label = `Custom state ${i + 1}: `;
    if (!isRecord(state)) return add(path, `${label}must be an object`);
    for (const key of Object.keys(state))
      if (!['id', 'label', 'base'].includes(key)) add(`${path}.${key}`, `${label}unknown setting "${key}"`);
    if (typeof state.id !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(state.id))
      add(`${path}.id`, `${label}id must be 1–32 letters, digits, - or _`);
    else if (ids.has(state.id)) add(`${path}.id`, `${label}id "${state.id}" is used twice`);
    else ids.add(state.id);
    // The label is published as the PIDF note (issue 4) and shown to every watcher.
    if (typeof state.label === 'string' && hasControlCharacters(state.label))
      add(`${path}.label`, controlCharactersMessage(label, 'label'));
    else if (typeof state.label !== 'string' || state.label.trim().length === 0 || state.label.length > 32)
      add(`${path}.label`, `${label}label must be 1–32 characters`);
    if (!STATES.includes(state.base as PresenceState)) add(`${path}.base`, `${label}base must be one of ${STATES.join(', ')}`);
  });
  return errors;
}

/** The presence settings of a valid input, or the defaults when the file predates them. */
export function normalizePresenceSettings(presence: unknown): PresenceSettings {
  const defaults = DEFAULT_SETTINGS.presence;
  if (!isRecord(presence)) return { ...defaults, customStates: defaults.customStates.map((s) => ({ ...s })) };
  return {
    customStates: (presence.customStates as Rec[]).map((s) => ({ id: s.id as string, label: (s.label as string).trim(), base: s.base as PresenceState })),
    autoAwayMinutes: (presence.autoAwayMinutes as number | undefined) ?? defaults.autoAwayMinutes,
    onThePhone: (presence.onThePhone as boolean | undefined) ?? defaults.onThePhone,
  };
}

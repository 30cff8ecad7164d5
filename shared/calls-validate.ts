/**
 * Validation of `settings.calls` (issue 9). Missing in files from before it: the defaults apply, and so do they for
 * each missing field.
 */
import type { FieldError } from './settings-validate';
import { DEFAULT_SETTINGS, type CallSettings } from './settings';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const CALL_KEYS = ['rtpPortMin', 'rtpPortMax', 'holdReminderSeconds', 'notifications', 'historyLimit'];

/** Every problem in `settings.calls`; empty when it is valid or absent. */
export function callSettingsErrors(calls: unknown): FieldError[] {
  if (calls === undefined) return [];
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => void errors.push({ field, message });
  if (!isRecord(calls)) {
    add('calls', 'Calls settings must be an object');
    return errors;
  }
  for (const key of Object.keys(calls)) if (!CALL_KEYS.includes(key)) add(`calls.${key}`, `Calls: unknown setting "${key}"`);
  const merged = { ...DEFAULT_SETTINGS.calls, ...calls } as Rec;
  const minOk = isInt(merged.rtpPortMin, 1024, 65534);
  if (!minOk) add('calls.rtpPortMin', 'Calls: lowest RTP port must be a whole number from 1024 to 65534');
  else if ((merged.rtpPortMin as number) % 2 !== 0) add('calls.rtpPortMin', 'Calls: lowest RTP port must be even (RTCP takes the next odd port)');
  if (!isInt(merged.rtpPortMax, 1025, 65535)) add('calls.rtpPortMax', 'Calls: highest RTP port must be a whole number from 1025 to 65535');
  else if (minOk && (merged.rtpPortMax as number) < (merged.rtpPortMin as number) + 3)
    add('calls.rtpPortMax', 'Calls: the RTP port range must hold at least two calls (highest port ≥ lowest + 3)');
  if (!isInt(merged.holdReminderSeconds, 0, 3600))
    add('calls.holdReminderSeconds', 'Calls: hold reminder must be a whole number of seconds from 0 (off) to 3600');
  if (typeof merged.notifications !== 'boolean') add('calls.notifications', 'Calls: notifications must be true or false');
  if (!isInt(merged.historyLimit, 100, 100000))
    add('calls.historyLimit', 'Calls: history size must be a whole number of calls from 100 to 100000');
  return errors;
}

/** The call settings of a valid input, or the defaults for what the file does not say. */
export function normalizeCallSettings(calls: unknown): CallSettings {
  const defaults = DEFAULT_SETTINGS.calls;
  if (!isRecord(calls)) return { ...defaults };
  const pick = <K extends keyof CallSettings>(key: K): CallSettings[K] => (calls[key] as CallSettings[K] | undefined) ?? defaults[key];
  return {
    rtpPortMin: pick('rtpPortMin'),
    rtpPortMax: pick('rtpPortMax'),
    holdReminderSeconds: pick('holdReminderSeconds'),
    notifications: pick('notifications'),
    historyLimit: pick('historyLimit'),
  };
}

/** Small, locale-aware formatters for durations and times shown next to line states and trace rows. */
import { t } from '../i18n';

/** "27 s", "4 min 10 s", "2 h 5 min" — rounded up so a countdown never shows 0 s while time is left. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return t('duration.s', { s: total });
  if (total < 3600) return t('duration.ms', { m: Math.floor(total / 60), s: total % 60 });
  return t('duration.h', { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) });
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Local wall-clock time `HH:MM:SS`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local wall-clock time `HH:MM`, for marks that say since when (a stale lamp). */
export function formatHourMinute(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local time with millisecond precision `HH:MM:SS.mmm`, for ordering SIP messages. */
export function formatTraceTime(epochMs: number): string {
  return `${formatClock(epochMs)}.${pad(new Date(epochMs).getMilliseconds(), 3)}`;
}

/**
 * A validator message for display next to its field: the "Line 3: " / "Key 4: " / "SIP timers: " / "Presence: " prefix is dropped because
 * the field's position already says it.
 */
export function fieldMessage(message: string): string {
  const bare = message.replace(/^(?:[A-Z][A-Za-z ]{0,24} \d+|SIP timers|Diagnostics|NOTIFY[A-Za-z ]{0,24}|Presence|Calls|Appearance): /, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

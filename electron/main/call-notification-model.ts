/**
 * Which OS notifications calls deserve (issue 9 §6), as a pure function of what changed: one when an incoming call
 * starts ringing, one when missed calls were added. The Electron shell (call-notifications.ts) shows them.
 */
import type { CallView } from '../../shared/calls';
import type { HistorySummary } from '../../shared/history';

export interface CallNotice {
  /** Stable per event, so a notification for the same call replaces rather than stacks. */
  tag: string;
  title: string;
  body: string;
}

type Locale = 'en' | 'de';

const TEXT = {
  en: {
    incoming: 'Incoming call',
    missedOne: 'Missed call',
    missedMany: (n: number) => `${n} missed calls`,
    onLine: (line: number) => `line ${line}`,
    from: (who: string) => `from ${who}`,
  },
  de: {
    incoming: 'Eingehender Anruf',
    missedOne: 'Verpasster Anruf',
    missedMany: (n: number) => `${n} verpasste Anrufe`,
    onLine: (line: number) => `Leitung ${line}`,
    from: (who: string) => `von ${who}`,
  },
};

function who(call: CallView): string {
  return call.far.name ? `${call.far.name} (${call.far.number})` : call.far.number;
}

/** Notices for calls that ring now but did not in `before`. */
export function incomingNotices(before: readonly CallView[], after: readonly CallView[], locale: Locale = 'en'): CallNotice[] {
  const t = TEXT[locale];
  const ringing = new Set(before.filter((c) => c.state === 'ringing' && c.direction === 'incoming').map((c) => c.id));
  return after
    .filter((c) => c.direction === 'incoming' && c.state === 'ringing' && !ringing.has(c.id))
    .map((c) => ({ tag: `call-${c.id}`, title: t.incoming, body: `${who(c)} — ${t.onLine(c.line)}` }));
}

/**
 * A notice when the unseen missed count grew; the newest caller named when there is one. Ended calls that were
 * missed are read from `calls` (the history summary carries numbers, not names).
 */
export function missedNotice(before: HistorySummary | undefined, after: HistorySummary, calls: readonly CallView[], locale: Locale = 'en'): CallNotice | undefined {
  const t = TEXT[locale];
  if (!before || after.unseenMissed <= before.unseenMissed) return undefined;
  const last = [...calls].reverse().find((c) => c.end?.cause === 'missed');
  const title = after.unseenMissed === 1 ? t.missedOne : t.missedMany(after.unseenMissed);
  const body = last ? t.from(who(last)) : after.unseenMissedNumbers.slice(0, 3).join(', ');
  return { tag: 'missed-calls', title, body };
}

/** How a line's mailbox (issue 12 §6, `LineState.voicemail`) reads on screen and in the window title. */
import type { LineState, LineVoicemail } from '../../../shared/lines';
import { t } from '../i18n';

/** New messages a line shows: its `Voice-Message` new count, or 1 when the summary says "waiting" without counts. */
export function waitingCount(voicemail: LineVoicemail | undefined): number {
  if (!voicemail?.waiting) return 0;
  return Math.max(voicemail.newMessages, 1);
}

/** Waiting messages over every enabled line: the title and the tray count these. */
export function waitingTotal(lines: readonly LineState[]): number {
  return lines.reduce((sum, line) => sum + (line.enabled ? waitingCount(line.voicemail) : 0), 0);
}

/** The mark's short text: "3 new", "Messages waiting" (no counts), or undefined when nothing waits. */
export function voicemailMark(voicemail: LineVoicemail | undefined): string | undefined {
  if (!voicemail?.waiting) return undefined;
  return voicemail.newMessages > 0 ? t('voicemail.new', { count: voicemail.newMessages }) : t('voicemail.waiting');
}

/** The whole summary for a tooltip: "3 new, 1 urgent, 8 old" / "No new messages". */
export function voicemailSummary(voicemail: LineVoicemail): string {
  const parts = [voicemailMark(voicemail) ?? t('voicemail.none')];
  if (voicemail.urgentNew) parts.push(t('voicemail.urgent', { count: voicemail.urgentNew }));
  if (voicemail.oldMessages > 0) parts.push(t('voicemail.old', { count: voicemail.oldMessages }));
  return parts.join(', ');
}

/** Why the line shows no mailbox, for the line detail: "No voicemail indicator: the PBX answered 489 Bad Event". */
export function voicemailProblem(voicemail: LineVoicemail | undefined): string | undefined {
  if (!voicemail || (voicemail.state !== 'unsupported' && voicemail.state !== 'failed')) return undefined;
  const status = [voicemail.sipStatus, voicemail.reason].filter((part) => part !== undefined && part !== '').join(' ');
  return t(voicemail.state === 'unsupported' ? 'voicemail.unsupported' : 'voicemail.failed', { status });
}

/** The window title: "(2) ✉3 Attendant Console" — unseen missed calls in brackets, then waiting voicemail. */
export function windowTitle(base: string, missed: number, voicemail: number): string {
  const parts: string[] = [];
  if (missed > 0) parts.push(`(${missed})`);
  if (voicemail > 0) parts.push(t('voicemail.title', { count: voicemail }));
  return [...parts, base].join(' ');
}

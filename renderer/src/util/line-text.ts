/** Words for line states shared by the status strip, the lines panel and the failure banner. */
import type { LineFailure, LineState } from '../../../shared/lines';
import { t } from '../i18n';
import { formatDuration } from './format';

/** "408 Request Timeout", or just the reason / status when only one is known. */
export function lineDetail(line: Pick<LineState, 'sipStatus' | 'reason'>): string | undefined {
  const { sipStatus, reason } = line;
  if (sipStatus === undefined) return reason || undefined;
  if (!reason) return String(sipStatus);
  return reason.startsWith(String(sipStatus)) ? reason : `${sipStatus} ${reason}`;
}

/** "retry in 27 s" while a retry is pending after a failure, "retrying now" once it is due; otherwise undefined. */
export function retryCountdown(line: Pick<LineState, 'status' | 'nextRetryAt'>, now: number): string | undefined {
  if (line.status !== 'failed' || line.nextRetryAt === undefined) return undefined;
  const left = line.nextRetryAt - now;
  return left > 0 ? t('lines.retryIn', { duration: formatDuration(left) }) : t('lines.retryDue');
}

/** 401/403/407 as the last answer: what a line that predates `LineState.failure` is judged by. */
function isCredentialStatus(sipStatus: number | undefined): boolean {
  return sipStatus === 401 || sipStatus === 403 || sipStatus === 407;
}

/**
 * Why a failed line failed. The engine says so in `failure`; without it (an older engine) a 401/403/407 still means
 * the credentials were rejected, and anything else is read as the PBX being out of reach, as before.
 */
export function failureKind(line: Pick<LineState, 'status' | 'failure' | 'sipStatus'>): LineFailure | undefined {
  if (line.status !== 'failed') return undefined;
  if (line.failure) return line.failure;
  return isCredentialStatus(line.sipStatus) ? 'auth-failed' : 'unreachable';
}

/** "user name or password rejected", "PBX unreachable", "refused by the PBX" for a failed line; else undefined. */
export function failureWord(line: Pick<LineState, 'status' | 'failure' | 'sipStatus'>): string | undefined {
  const kind = failureKind(line);
  return kind && t(`failure.${kind}`);
}

/** " (408 Request Timeout)" when every line in the group shares one detail, else nothing. */
function sharedReason(lines: readonly LineState[]): string {
  const details = [...new Set(lines.map((line) => lineDetail(line) ?? ''))];
  return details.length === 1 && details[0] ? ` (${details[0]})` : '';
}

/** One sentence per kind of failure: what happened to which lines, worded for what the user can do about it. */
function failureSentence(kind: LineFailure, lines: readonly LineState[]): string {
  const numbers = lines.map((line) => line.number);
  const reason = sharedReason(lines);
  const one = numbers.length === 1;
  if (kind === 'auth-failed')
    return one ? t('banner.authFailedOne', { line: numbers[0] ?? '', reason }) : t('banner.authFailedMany', { lines: numbers.join(', '), reason });
  if (kind === 'refused')
    return one ? t('banner.refusedOne', { line: numbers[0] ?? '', reason }) : t('banner.refusedMany', { lines: numbers.join(', '), reason });
  const what = one ? t('banner.oneFailed', { line: numbers[0] ?? '', reason }) : `${t('banner.manyFailed', { lines: numbers.join(', ') })}${reason}`;
  return `${t('banner.unreachable')}: ${what}`;
}

/** Banner order: what the user must fix first, then what the PBX said, then what only time can fix. */
const KIND_ORDER: readonly LineFailure[] = ['auth-failed', 'refused', 'unreachable'];

/**
 * The banner shown while enabled lines are failed, one line per kind of failure, the soonest retry at the end, e.g.
 * ["Line 1: the PBX rejected the user name or password (403 Forbidden)",
 *  "PBX unreachable: line 2 failed (408 Request Timeout) — next retry in 25 s"].
 */
export function failureBannerLines(failed: readonly LineState[], now: number): string[] {
  const sentences = KIND_ORDER.flatMap((kind) => {
    const lines = failed.filter((line) => failureKind(line) === kind);
    return lines.length ? [failureSentence(kind, lines)] : [];
  });
  const retries = failed.map((line) => line.nextRetryAt).filter((at): at is number => at !== undefined);
  if (!sentences.length || !retries.length) return sentences;
  const soonest = Math.min(...retries);
  const retry = soonest > now ? t('banner.nextRetry', { duration: formatDuration(soonest - now) }) : t('banner.retryDue');
  return [...sentences.slice(0, -1), `${sentences[sentences.length - 1]} — ${retry}`];
}

/** The banner as one text (for announcements and tests): its lines as sentences. */
export function failureBannerText(failed: readonly LineState[], now: number): string | undefined {
  const lines = failureBannerLines(failed, now);
  return lines.length ? lines.join('. ') : undefined;
}

/** Failed lines whose credentials were rejected: the banner offers their settings. */
export function authFailedLines(failed: readonly LineState[]): LineState[] {
  return failed.filter((line) => failureKind(line) === 'auth-failed');
}

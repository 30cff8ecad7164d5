/** Words for line states shared by the status strip, the lines panel and the failure banner. */
import type { LineState } from '../../../shared/lines';
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

/** Authentication refusals need the user to act; everything else is the network or the PBX. */
export function isCredentialFailure(line: Pick<LineState, 'sipStatus'>): boolean {
  return line.sipStatus === 401 || line.sipStatus === 403 || line.sipStatus === 407;
}

/**
 * The banner shown while enabled lines are failed, e.g.
 * "PBX unreachable: line 2 failed (408 Request Timeout) — next retry in 25 s".
 */
export function failureBannerText(failed: readonly LineState[], now: number): string | undefined {
  const first = failed[0];
  if (!first) return undefined;
  const refused = failed.every(isCredentialFailure);
  const details = [...new Set(failed.map((line) => lineDetail(line) ?? ''))];
  const reason = details.length === 1 && details[0] ? ` (${details[0]})` : '';
  const what =
    failed.length === 1
      ? t('banner.oneFailed', { line: first.number, reason })
      : `${t('banner.manyFailed', { lines: failed.map((line) => line.number).join(', ') })}${reason}`;
  const retries = failed.map((line) => line.nextRetryAt).filter((at): at is number => at !== undefined);
  const soonest = retries.length ? Math.min(...retries) : undefined;
  const parts: string[] = [];
  if (refused) parts.push(t('banner.checkCredentials'));
  if (soonest !== undefined)
    parts.push(soonest > now ? t('banner.nextRetry', { duration: formatDuration(soonest - now) }) : t('banner.retryDue'));
  const headline = refused ? t('banner.refused') : t('banner.unreachable');
  return `${headline}: ${what}${parts.length ? ` — ${parts.join('; ')}` : ''}`;
}

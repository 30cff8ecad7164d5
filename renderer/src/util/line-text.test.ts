import { describe, expect, it } from 'vitest';
import { makeLine } from '../testing/fake-console-api';
import { failureBannerText, lineDetail, retryCountdown } from './line-text';

const NOW = 1_700_000_000_000;

describe('line texts', () => {
  it('combines SIP status and reason without repeating the code', () => {
    expect(lineDetail({ sipStatus: 408, reason: 'Request Timeout' })).toBe('408 Request Timeout');
    expect(lineDetail({ sipStatus: 503, reason: '503 Service Unavailable' })).toBe('503 Service Unavailable');
    expect(lineDetail({ reason: 'ECONNREFUSED' })).toBe('ECONNREFUSED');
    expect(lineDetail({})).toBeUndefined();
  });

  it('counts down to the next retry of a failed line, rounding up', () => {
    const line = makeLine(2, { status: 'failed', nextRetryAt: NOW + 26_400 });
    expect(retryCountdown(line, NOW)).toBe('retry in 27 s');
    expect(retryCountdown(line, NOW + 26_400)).toBe('retrying now');
    expect(retryCountdown({ ...line, nextRetryAt: NOW + 125_000 }, NOW)).toBe('retry in 2 min 5 s');
    expect(retryCountdown({ ...line, status: 'registered' }, NOW)).toBeUndefined();
  });

  it('builds the unreachable banner for one failed line', () => {
    const failed = [makeLine(2, { status: 'failed', sipStatus: 408, reason: 'Request Timeout', nextRetryAt: NOW + 25_000 })];
    expect(failureBannerText(failed, NOW)).toBe(
      'PBX unreachable: line 2 failed (408 Request Timeout) — next retry in 25 s',
    );
  });

  it('names every failed line and the soonest retry, and asks for credentials on 401/403', () => {
    const failed = [
      makeLine(2, { status: 'failed', sipStatus: 503, reason: 'Service Unavailable', nextRetryAt: NOW + 40_000 }),
      makeLine(3, { status: 'failed', reason: 'ECONNREFUSED', nextRetryAt: NOW + 12_000 }),
    ];
    expect(failureBannerText(failed, NOW)).toBe('PBX unreachable: lines 2, 3 failed — next retry in 12 s');
    const refused = [makeLine(1, { status: 'failed', sipStatus: 403, reason: 'Forbidden', nextRetryAt: NOW + 30_000 })];
    expect(failureBannerText(refused, NOW)).toBe(
      'Registration refused: line 1 failed (403 Forbidden) — check the user name and password in Settings; next retry in 30 s',
    );
    expect(failureBannerText([], NOW)).toBeUndefined();
  });
});

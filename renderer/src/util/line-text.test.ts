import { describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { makeLine } from '../testing/fake-console-api';
import { authFailedLines, failureBannerText, failureKind, failureWord, lineDetail, retryCountdown } from './line-text';

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

  it('names every failed line and the soonest retry', () => {
    const failed = [
      makeLine(2, { status: 'failed', sipStatus: 503, reason: 'Service Unavailable', nextRetryAt: NOW + 40_000 }),
      makeLine(3, { status: 'failed', reason: 'ECONNREFUSED', nextRetryAt: NOW + 12_000 }),
    ];
    expect(failureBannerText(failed, NOW)).toBe('PBX unreachable: lines 2, 3 failed — next retry in 12 s');
    expect(failureBannerText([], NOW)).toBeUndefined();
  });

  it('words the banner by the kind of failure the engine reports', () => {
    const auth = makeLine(2, { status: 'failed', failure: 'auth-failed', sipStatus: 403, reason: 'Forbidden', nextRetryAt: NOW + 30_000 });
    expect(failureBannerText([auth], NOW)).toBe(
      'Line 2: the PBX rejected the user name or password (403 Forbidden) — next retry in 30 s',
    );
    const refused = makeLine(3, { status: 'failed', failure: 'refused', sipStatus: 404, reason: 'Not Found' });
    expect(failureBannerText([refused], NOW)).toBe('Line 3: the PBX refused the registration (404 Not Found)');
    // An engine that timed out without any answer: unreachable, even if a status was kept from earlier.
    const gone = makeLine(4, { status: 'failed', failure: 'unreachable', sipStatus: 401, reason: 'no answer', nextRetryAt: NOW + 5_000 });
    expect(failureBannerText([gone], NOW)).toBe('PBX unreachable: line 4 failed (401 no answer) — next retry in 5 s');
    expect(authFailedLines([auth, refused, gone]).map((line) => line.number)).toEqual([2]);
  });

  it('puts rejected credentials first when lines fail for different reasons', () => {
    const failed = [
      makeLine(1, { status: 'failed', failure: 'unreachable', sipStatus: 408, reason: 'Request Timeout', nextRetryAt: NOW + 12_000 }),
      makeLine(2, { status: 'failed', failure: 'auth-failed', sipStatus: 401, reason: 'Unauthorized', nextRetryAt: NOW + 40_000 }),
    ];
    expect(failureBannerText(failed, NOW)).toBe(
      'Line 2: the PBX rejected the user name or password (401 Unauthorized). PBX unreachable: line 1 failed (408 Request Timeout) — next retry in 12 s',
    );
  });

  it('falls back to the SIP status when the engine does not say why (401/403/407 = credentials)', () => {
    for (const sipStatus of [401, 403, 407]) {
      const line = makeLine(1, { status: 'failed', sipStatus });
      expect(failureKind(line)).toBe('auth-failed');
    }
    expect(failureKind(makeLine(1, { status: 'failed', sipStatus: 408 }))).toBe('unreachable');
    expect(failureKind(makeLine(1, { status: 'failed' }))).toBe('unreachable');
    expect(failureKind(makeLine(1, { status: 'registered', sipStatus: 200 }))).toBeUndefined();
    expect(failureWord(makeLine(1, { status: 'failed', sipStatus: 403 }))).toBe('user name or password rejected');
    const refused = [makeLine(1, { status: 'failed', sipStatus: 403, reason: 'Forbidden' }), makeLine(5, { status: 'failed', sipStatus: 407 })];
    expect(failureBannerText(refused, NOW)).toBe('Lines 1, 5: the PBX rejected the user name or password');
  });

  it('says the kind of failure in German too', () => {
    setLocale('de');
    try {
      const auth = makeLine(2, { status: 'failed', failure: 'auth-failed', sipStatus: 403, reason: 'Forbidden' });
      expect(failureBannerText([auth], NOW)).toBe('Leitung 2: Die Telefonanlage hat Benutzername oder Passwort abgelehnt (403 Forbidden)');
    } finally {
      setLocale('en');
    }
  });
});

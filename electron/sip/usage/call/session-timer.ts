/**
 * Session timers (RFC 4028): the interval and refresher one INVITE, re-INVITE or UPDATE transaction negotiated, and
 * the one timer that follows from it — our refresh at half the interval when we refresh (§7.4, §10), or our BYE
 * shortly before expiry when the far end should have refreshed and did not (§10).
 *
 * "uac"/"uas" in the headers name roles of the transaction that carried them, so the session keeps only whether
 * *we* refresh and writes the parameter per message.
 */
import type { SipMessage, SipRequest } from '../../message';
import { optionTags } from './call-headers';
import type { TimerBag } from './timer-bag';

/** RFC 4028 §4: the smallest Session-Expires anyone may ask for (and our Min-SE). */
export const MIN_SE = 90;

export interface SessionExpires {
  interval: number;
  refresher?: 'uac' | 'uas';
}

/** Session-Expires (compact `x`) of a message; undefined when absent or not a number. */
export function parseSessionExpires(message: SipMessage): SessionExpires | undefined {
  const value = message.get('Session-Expires');
  if (value === undefined) return undefined;
  const match = /^\s*(\d{1,9})\s*(;.*)?$/.exec(value);
  if (!match) return undefined;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
  return { interval: Number(match[1]), refresher: refresher === 'uac' || refresher === 'uas' ? refresher : undefined };
}

/** Min-SE of a 422 (RFC 4028 §6); undefined when absent or garbage. */
export function parseMinSe(message: SipMessage): number | undefined {
  const match = /^\s*(\d{1,9})/.exec(message.get('Min-SE') ?? '');
  return match ? Number(match[1]) : undefined;
}

export interface SessionTimerHooks {
  /** Time to refresh (we are the refresher, half the interval passed). */
  refresh(): void;
  /** The far end did not refresh in time. */
  expired(): void;
}

export class SessionTimer {
  /** The negotiated interval in seconds; undefined while no timer runs. */
  interval: number | undefined;
  weRefresh = false;

  constructor(
    private readonly timers: TimerBag,
    private readonly hooks: SessionTimerHooks,
  ) {}

  /** Reads the 2xx to our INVITE/re-INVITE/UPDATE (RFC 4028 §7.2): no Session-Expires there means no timer. */
  fromResponse(response: SipMessage): void {
    const se = parseSessionExpires(response);
    if (!se) return this.stop();
    this.start(se.interval, se.refresher !== 'uas');
  }

  /**
   * Reads an INVITE/re-INVITE/UPDATE we answer 2xx (RFC 4028 §9): the peer's interval, its refresher choice, or —
   * when it left the choice to us — the peer when it supports timers, else us. Returns the Session-Expires and
   * Require for our 2xx (none when the request asked for no timer).
   */
  fromRequest(request: SipRequest): Array<[string, string]> {
    const se = parseSessionExpires(request);
    if (!se) {
      this.stop();
      return [];
    }
    const peerRefreshes = se.refresher === 'uac' || (se.refresher === undefined && optionTags(request, 'Supported').has('timer'));
    this.start(Math.max(se.interval, MIN_SE), !peerRefreshes);
    const headers: Array<[string, string]> = [['Session-Expires', `${this.interval};refresher=${peerRefreshes ? 'uac' : 'uas'}`]];
    // §9: with the UAC as refresher the 2xx says the extension is required.
    if (peerRefreshes) headers.push(['Require', 'timer']);
    return headers;
  }

  /** Session-Expires for a refresh we send (§7.4: same interval, we stay refresher). */
  requestHeader(): string | undefined {
    if (this.interval === undefined) return undefined;
    return `${this.interval};refresher=${this.weRefresh ? 'uac' : 'uas'}`;
  }

  stop(): void {
    this.interval = undefined;
    this.timers.clear('session-timer');
  }

  private start(interval: number, weRefresh: boolean): void {
    this.interval = interval;
    this.weRefresh = weRefresh;
    if (weRefresh) {
      this.timers.set('session-timer', (interval * 1000) / 2, () => this.hooks.refresh());
    } else {
      // §10: the BYE goes out before expiry, by the smaller of 32 s and a third of the interval.
      const margin = Math.min(32, interval / 3);
      this.timers.set('session-timer', (interval - margin) * 1000, () => this.hooks.expired());
    }
  }
}

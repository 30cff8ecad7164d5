/**
 * One line's own mailbox (issue 12 §6): a `message-summary` subscription (RFC 3842 §3/§4 over RFC 6665) to the
 * line's address of record, and what its last summary said. The subscription usage does the SIP work and its retry
 * policy; this file decides what the answers mean to the line.
 *
 * Decisions that are ours rather than the RFC's:
 * - 489 Bad Event, 403 and 404 to the SUBSCRIBE mean "this PBX keeps no mailbox for this line" (RFC 3842 §4: a
 *   server without the package answers 489, RFC 6665 §8.2.2). The line stops asking instead of retrying at the
 *   slow end of the back-off as lamps do: one SUBSCRIBE per line is harmless, a retry every half hour for ever is
 *   log noise on a PBX that cannot answer. The same for a NOTIFY terminating with `rejected` or `noresource`.
 * - A summary without `Voice-Message` counts (RFC 3842 §5.2 makes them optional) is "messages waiting", count 0.
 */
import type { LineVoicemail } from '../../../shared/lines';
import { observe } from '../../sip/guard';
import { parseEventBody } from '../../sip/event-bodies';
import type { LineContext } from '../../sip/usage/line-context';
import { Subscription, SubscriptionRouter, type NotifyEvent, type SubscriptionDeps, type SubscriptionStatus } from '../../sip/usage/subscription/subscription';

/** Final answers after which the line stops asking for its mailbox (see the file comment). */
export const MAILBOX_UNSUPPORTED = new Set([403, 404, 489]);
/** NOTIFY termination reasons that say the same (RFC 6665 §4.2.2: do not re-subscribe). */
const FINAL_REASONS = new Set(['rejected', 'noresource']);

/** The only body a line's own summary comes in: no list subscription (RFC 3842 §5). */
const ACCEPT = ['application/simple-message-summary'];

export interface LineMailboxOptions {
  line: LineContext;
  expires: number;
  retry: Pick<SubscriptionDeps, 'retryBaseSeconds' | 'retryMaxSeconds'>;
  clock: SubscriptionDeps['clock'];
  onChange: () => void;
  log?: (message: string) => void;
}

export class LineMailbox {
  private readonly subscription: Subscription;
  private summary: Pick<LineVoicemail, 'waiting' | 'newMessages' | 'oldMessages' | 'urgentNew' | 'urgentOld' | 'account'> = { newMessages: 0, oldMessages: 0 };
  private stopped: { sipStatus?: number; reason: string } | undefined;
  private lastStatus: SubscriptionStatus | undefined;

  constructor(private readonly options: LineMailboxOptions) {
    const { line } = options;
    this.subscription = new Subscription(
      line,
      { event: 'message-summary', target: line.aor, accept: ACCEPT, expires: options.expires },
      { clock: options.clock, router: SubscriptionRouter.forStack(line.stack), ...options.retry },
      { onNotify: (notify) => this.notified(notify), onStatus: (status) => this.status(status) },
    );
  }

  start(): void {
    this.subscription.start();
  }

  /** Renews the subscription in its dialog (the PBX may have restarted), or starts over after a stop for 489/403/404. */
  refresh(): void {
    if (this.stopped) {
      this.stopped = undefined;
      this.subscription.start();
      return;
    }
    this.subscription.refresh();
  }

  setExpires(seconds: number): void {
    this.subscription.setExpires(seconds);
  }

  /** True once the PBX said it keeps no mailbox for this line. */
  get unsupported(): boolean {
    return this.stopped !== undefined;
  }

  /** The mailbox as the contract shows it; `dial` is what "Call voicemail" dials when no mailbox code is set. */
  view(mailboxCode: string | undefined): LineVoicemail {
    const dial = mailboxCode ?? this.summary.account;
    const base: LineVoicemail = { state: 'watching', ...this.summary, ...(dial ? { dial } : {}) };
    if (this.stopped) {
      return { ...base, state: 'unsupported', ...(this.stopped.sipStatus ? { sipStatus: this.stopped.sipStatus } : {}), reason: this.stopped.reason };
    }
    const status = this.lastStatus;
    if (status && (status.state === 'failed' || status.state === 'retrying')) {
      return { ...base, state: 'failed', ...(status.sipStatus ? { sipStatus: status.sipStatus } : {}), ...(status.reason ? { reason: status.reason } : {}) };
    }
    return base;
  }

  stop(): Promise<void> {
    return this.subscription.stop();
  }

  private notified(notify: NotifyEvent): void {
    // A NOTIFY without a body (pending, terminated, or a server with nothing published yet) changes no counts.
    if (notify.body.length === 0) return;
    const parsed = parseEventBody(notify.contentType, notify.body);
    if (!parsed.ok || parsed.value.type !== 'message-summary') {
      this.options.log?.(`message-summary NOTIFY for line ${this.options.line.number} ignored: ${parsed.ok ? `unexpected ${parsed.value.type} body` : parsed.reason}`);
      return;
    }
    const { waiting, account, voice } = parsed.value;
    this.summary = {
      waiting,
      newMessages: voice?.new ?? 0,
      oldMessages: voice?.old ?? 0,
      ...(voice?.urgentNew !== undefined ? { urgentNew: voice.urgentNew, urgentOld: voice.urgentOld ?? 0 } : {}),
      ...(account ? { account } : {}),
    };
    this.options.onChange();
  }

  private status(status: SubscriptionStatus): void {
    if (this.stopped) return;
    this.lastStatus = status;
    const refused = status.state === 'failed' && status.sipStatus !== undefined && MAILBOX_UNSUPPORTED.has(status.sipStatus);
    const ended = status.state === 'terminated' && status.reason !== undefined && FINAL_REASONS.has(status.reason);
    if (refused || ended) {
      this.stopped = { ...(status.sipStatus !== undefined ? { sipStatus: status.sipStatus } : {}), reason: status.reason ?? 'refused' };
      this.options.log?.(`line ${this.options.line.number}: no voicemail indicator (${status.sipStatus ?? ''} ${status.reason ?? ''}); not asking again`.replace(/\s+/g, ' '));
      // Called from within the usage's own status report: stop once it has finished acting on the answer.
      queueMicrotask(() => observe(this.subscription.stop(), 'stopping an unsupported message-summary subscription'));
    }
    this.options.onChange();
  }
}

/**
 * OS notifications for calls (issue 9 §6) in Electron: an incoming call and a missed call, when the setting
 * `calls.notifications` is on. Clicking one shows the window. Serve mode uses the Web Notification API instead.
 */
import { Notification } from 'electron';
import type { CallView } from '../../shared/calls';
import type { HistorySummary } from '../../shared/history';
import type { ConsoleService } from '../core/console-service';
import { incomingNotices, missedNotice, type CallNotice } from './call-notification-model';

export interface CallNotifierDeps {
  service: Pick<ConsoleService, 'snapshot' | 'on'>;
  showWindow(): void;
  locale?: 'en' | 'de';
}

export class CallNotifier {
  private calls: CallView[];
  private summary: HistorySummary | undefined;
  private readonly unsubscribe: Array<() => void>;
  /** Kept referenced: a garbage-collected Notification loses its click handler. */
  private readonly shown = new Map<string, Notification>();

  constructor(private readonly deps: CallNotifierDeps) {
    const snapshot = deps.service.snapshot();
    this.calls = snapshot.calls;
    this.summary = snapshot.history;
    this.unsubscribe = [
      deps.service.on('calls.changed', (calls) => {
        for (const notice of incomingNotices(this.calls, calls, deps.locale)) this.show(notice);
        this.calls = calls;
      }),
      deps.service.on('history.changed', (summary) => {
        const notice = missedNotice(this.summary, summary, this.calls, deps.locale);
        this.summary = summary;
        if (notice) this.show(notice);
      }),
    ];
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    for (const n of this.shown.values()) n.close();
    this.shown.clear();
  }

  private show(notice: CallNotice): void {
    if (!this.deps.service.snapshot().settings.calls.notifications || !Notification.isSupported()) return;
    this.shown.get(notice.tag)?.close();
    const notification = new Notification({ title: notice.title, body: notice.body, silent: false });
    notification.on('click', () => this.deps.showWindow());
    notification.on('close', () => {
      if (this.shown.get(notice.tag) === notification) this.shown.delete(notice.tag);
    });
    this.shown.set(notice.tag, notification);
    notification.show();
  }
}

/**
 * Scriptable {@link CallsController} and {@link HistoryController} for service, serve and IPC tests (no SIP engine):
 * `ring()` makes an incoming call appear, commands change the call list as the real service would.
 */
import type { CallView } from '../../../../shared/calls';
import type { HistoryEntry, HistoryPage, HistoryQuery, HistorySummary } from '../../../../shared/history';
import { fail, ok, type Result } from '../../../../shared/result';
import type { Settings } from '../../../../shared/settings';
import type { CallsController, HistoryController } from '../call-commands';

export class FakeCalls implements CallsController {
  applied: Settings[] = [];
  shutdowns = 0;
  dialled: Array<{ line?: number; target: string }> = [];
  private calls: CallView[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(calls: CallView[]) => void>();

  apply(settings: Settings): void {
    this.applied.push(settings);
  }

  views(): CallView[] {
    return this.calls.map((c) => ({ ...c }));
  }

  onChanged(listener: (calls: CallView[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  shutdown(): void {
    this.shutdowns++;
  }

  /** An incoming call starts ringing. */
  ring(number: string, name?: string, line = 1): CallView {
    const call: CallView = {
      id: `c${this.nextId++}`,
      line,
      direction: 'incoming',
      state: 'ringing',
      far: { number, uri: `sip:${number}@pbx.test`, ...(name ? { name } : {}) },
      startedAt: Date.now(),
    };
    this.calls.push(call);
    this.emit();
    return call;
  }

  dial(args: { line?: number; target: string }): Promise<Result<CallView>> {
    this.dialled.push(args);
    const call: CallView = {
      id: `c${this.nextId++}`,
      line: args.line ?? 1,
      direction: 'outgoing',
      state: 'dialling',
      far: { number: args.target, uri: `sip:${args.target}@pbx.test` },
      startedAt: Date.now(),
    };
    this.calls.push(call);
    this.emit();
    return Promise.resolve(ok(call));
  }

  answer(id: string): Promise<Result<CallView>> {
    return Promise.resolve(this.update(id, { state: 'connected', answeredAt: Date.now(), hold: { local: false, remote: false } }));
  }

  reject(id: string): Result<CallView> {
    return this.update(id, { state: 'ended', endedAt: Date.now(), end: { cause: 'rejected' } });
  }

  hangup(id: string): Result<CallView> {
    return this.update(id, { state: 'ended', endedAt: Date.now(), end: { cause: 'local-hangup' } });
  }

  mute(id: string, muted: boolean): Result<CallView> {
    const call = this.calls.find((c) => c.id === id);
    if (!call) return fail('not-found', 'There is no such call (it may have ended)', { field: 'call' });
    if (muted) call.muted = true;
    else delete call.muted;
    this.emit();
    return ok({ ...call });
  }

  hold(id: string): Promise<Result<CallView>> {
    return Promise.resolve(this.update(id, { state: 'held', hold: { local: true, remote: false } }));
  }

  resume(id: string): Promise<Result<CallView>> {
    return Promise.resolve(this.update(id, { state: 'connected', hold: { local: false, remote: false } }));
  }

  sendDtmf(id: string): Promise<Result<void>> {
    return Promise.resolve(this.calls.some((c) => c.id === id) ? ok(undefined) : fail('not-found', 'There is no such call', { field: 'call' }));
  }

  private update(id: string, change: Partial<CallView>): Result<CallView> {
    const call = this.calls.find((c) => c.id === id);
    if (!call) return fail('not-found', 'There is no such call', { field: 'call' });
    Object.assign(call, change);
    this.emit();
    return ok({ ...call });
  }

  private emit(): void {
    const views = this.views();
    for (const listener of this.listeners) listener(views);
  }
}

export class FakeHistory implements HistoryController {
  entries: HistoryEntry[] = [];
  private revision = 0;
  private readonly listeners = new Set<(summary: HistorySummary) => void>();

  list(query: HistoryQuery): HistoryPage {
    const filtered = this.entries.filter((e) => {
      if (query.filter === 'missed') return e.outcome === 'missed';
      if (query.filter === 'incoming' || query.filter === 'outgoing') return e.direction === query.filter;
      return true;
    });
    return { entries: filtered.slice(0, query.limit ?? 100), total: filtered.length };
  }

  markSeen(): HistorySummary {
    for (const e of this.entries) e.seen = true;
    return this.changed();
  }

  clear(): HistorySummary {
    this.entries = [];
    return this.changed();
  }

  summary(): HistorySummary {
    const unseen = this.entries.filter((e) => e.outcome === 'missed' && !e.seen);
    return {
      unseenMissed: unseen.reduce((n, e) => n + e.tries, 0),
      unseenMissedNumbers: [...new Set(unseen.map((e) => e.far.number))],
      revision: this.revision,
    };
  }

  onChanged(listener: (summary: HistorySummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds an entry (newest first) and announces the change. */
  add(entry: HistoryEntry): void {
    this.entries.unshift(entry);
    this.changed();
  }

  private changed(): HistorySummary {
    this.revision++;
    const summary = this.summary();
    for (const listener of this.listeners) listener(summary);
    return summary;
  }
}

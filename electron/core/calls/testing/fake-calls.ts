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
  /** Transfers asked for (blind, voicemail, park and completed consultations), in order. */
  transfers: Array<{ call: string; target: string; mode: 'blind' | 'attended'; voicemail?: boolean; park?: boolean }> = [];
  /** Tiles a pickup was asked for. */
  pickups: string[] = [];
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

  /** Blind (and voicemail) transfer: the call shows `transfer` trying until {@link settleTransfer}; attended consults. */
  transfer(id: string, target: string, mode: 'blind' | 'attended', voicemail = false): Promise<Result<CallView>> {
    if (mode === 'attended' && !voicemail) return this.consult(id, target);
    this.transfers.push({ call: id, target, mode, ...(voicemail ? { voicemail: true } : {}) });
    return Promise.resolve(this.update(id, { state: 'held', hold: { local: true, remote: false }, transfer: { mode: 'blind', target, state: 'trying' } }));
  }

  /** Holds `id` and dials `target` as its consultation. */
  async consult(id: string, target: string): Promise<Result<CallView>> {
    const held = await this.hold(id);
    if (!held.ok) return held;
    const dialled = await this.dial({ line: held.value.line, target });
    if (!dialled.ok) return dialled;
    return this.update(dialled.value.id, { consultFor: id });
  }

  /** Ends the held call as transferred to the consultation's target and ends the consultation. */
  completeTransfer(consultId: string): Promise<Result<CallView>> {
    const consult = this.calls.find((c) => c.id === consultId);
    if (!consult?.consultFor) return Promise.resolve(fail('not-found', 'There is no such consultation', { field: 'consult' }));
    const original = consult.consultFor;
    this.transfers.push({ call: original, target: consult.far.number, mode: 'attended' });
    this.update(original, { transfer: { mode: 'attended', target: consult.far.number, state: 'trying' } });
    this.update(consultId, { state: 'ended', endedAt: Date.now(), end: { cause: 'remote-hangup', reason: 'transfer completed' } });
    return Promise.resolve(this.settleTransfer(original, true));
  }

  /** Picks up at a tile: a new call, answered at once. */
  async pickup(tile: string): Promise<Result<CallView>> {
    this.pickups.push(tile);
    const dialled = await this.dial({ target: `**${tile}` });
    if (!dialled.ok) return dialled;
    return this.update(dialled.value.id, { state: 'connected', answeredAt: Date.now(), hold: { local: false, remote: false } });
  }

  park(id: string, slot?: string): Promise<Result<CallView>> {
    this.transfers.push({ call: id, target: slot ?? 'park', mode: 'blind', park: true });
    return Promise.resolve(this.update(id, { state: 'held', hold: { local: true, remote: false }, transfer: { mode: 'blind', target: slot ?? 'park', state: 'trying' } }));
  }

  /** Ends a running transfer: success ends the call, failure takes the caller back with a reason. */
  settleTransfer(id: string, succeeded: boolean, reason = '486 Busy Here'): Result<CallView> {
    const call = this.calls.find((c) => c.id === id);
    if (!call) return fail('not-found', 'There is no such call', { field: 'call' });
    const transfer = call.transfer ?? { mode: 'attended' as const, target: '', state: 'trying' as const };
    if (succeeded)
      return this.update(id, {
        state: 'ended',
        endedAt: Date.now(),
        end: { cause: 'local-hangup', reason: `transferred to ${transfer.target}` },
        transfer: { ...transfer, state: 'succeeded' },
      });
    return this.update(id, { state: 'connected', hold: { local: false, remote: false }, transfer: { ...transfer, state: 'failed', reason } });
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

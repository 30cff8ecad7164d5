/**
 * The history in memory: the journal's events folded into one record per call. The same fold runs over the file at
 * start and over each event as it happens, so what is shown and what a restart reads back cannot differ.
 */
import type { CallDirection, CallEndCause, CallParty } from '../../../shared/calls';
import type { HistoryOutcome } from '../../../shared/history';
import type { EndEvent, HistoryEvent } from './history-events';

/** One call, ongoing (no `endedAt`) or ended. */
export interface CallRecord {
  /**
   * Order of the call's start, increasing through the process's life: the history's sort key and its paging cursor.
   * Calls that start later always get a higher one, so pages already read never shift while new calls come in.
   */
  seq: number;
  id: string;
  line: number;
  direction: CallDirection;
  far: CallParty;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: CallEndCause;
  sipStatus?: number;
  outcome?: HistoryOutcome;
  seen: boolean;
  /** Time of the call's latest event: where a call the app died in is taken to have ended. */
  lastAt: number;
}

/** An ended call. */
export type EndedCall = CallRecord & { endedAt: number; outcome: HistoryOutcome; cause: CallEndCause };

/**
 * What became of a call. `answered-elsewhere` is an incoming call a colleague took: not answered here, so `missed`
 * (the contract has no better word), but nobody has to call back, so it is born seen (see {@link bornSeen}).
 */
export function outcomeOf(direction: CallDirection, answered: boolean, cause: CallEndCause): HistoryOutcome {
  if (answered) return 'answered';
  if (direction === 'outgoing') return 'unanswered';
  return cause === 'rejected' ? 'rejected' : 'missed';
}

/** Only missed calls wait to be seen, and not those a colleague answered. */
function bornSeen(outcome: HistoryOutcome, cause: CallEndCause): boolean {
  return outcome !== 'missed' || cause === 'answered-elsewhere';
}

/** The calls of the history, ongoing and ended, folded from journal events. */
export class CallBook {
  private nextSeq = 1;
  private readonly ongoing = new Map<string, CallRecord>();
  /** Ended calls by `seq`, oldest first. */
  private endedCalls: EndedCall[] = [];

  /** Ended calls, oldest first. */
  get ended(): readonly EndedCall[] {
    return this.endedCalls;
  }

  /** Calls started and not ended. */
  get ongoingCount(): number {
    return this.ongoing.size;
  }

  /** Folds one event in. False when it changed nothing (an answer or end of a call not known, a repeated start). */
  apply(event: HistoryEvent): boolean {
    switch (event.e) {
      case 'start': {
        if (this.ongoing.has(event.id)) return false;
        this.ongoing.set(event.id, {
          seq: this.nextSeq++,
          id: event.id,
          line: event.line,
          direction: event.dir,
          far: event.far,
          startedAt: event.t,
          seen: true,
          lastAt: event.t,
        });
        return true;
      }
      case 'answer': {
        const call = this.ongoing.get(event.id);
        if (!call || call.answeredAt !== undefined) return false;
        call.answeredAt = event.t;
        call.lastAt = Math.max(call.lastAt, event.t);
        return true;
      }
      case 'end':
        return this.end(event);
      case 'seen': {
        let changed = false;
        for (const call of this.endedCalls) {
          if (call.seen) continue;
          call.seen = true;
          changed = true;
        }
        return changed;
      }
      case 'clear': {
        const changed = this.endedCalls.length > 0;
        this.endedCalls = [];
        return changed;
      }
    }
  }

  /**
   * Ends the calls still ongoing after the journal was read: the app died during them. Each ends `failed` at its last
   * event's time (an incoming one never answered thus `missed`). Returns the end events, for the journal.
   */
  endInterrupted(): EndEvent[] {
    const ends: EndEvent[] = [...this.ongoing.values()].map((call) => ({
      v: 1,
      t: call.lastAt,
      e: 'end',
      id: call.id,
      cause: 'failed',
    }));
    for (const end of ends) this.end(end);
    return ends;
  }

  /** Forgets the oldest ended calls beyond `limit`. Returns how many went. */
  trim(limit: number): number {
    const excess = this.endedCalls.length - limit;
    if (excess <= 0) return 0;
    this.endedCalls.splice(0, excess);
    return excess;
  }

  /**
   * The events that rebuild this book, for compaction: each call's start, answer and end in start order, a missed
   * call's seen mark carried on its end (the `seen` events themselves are not kept).
   */
  events(): HistoryEvent[] {
    const calls: CallRecord[] = [...this.endedCalls, ...this.ongoing.values()].sort((a, b) => a.seq - b.seq);
    const events: HistoryEvent[] = [];
    for (const call of calls) {
      events.push({
        v: 1,
        t: call.startedAt,
        e: 'start',
        id: call.id,
        line: call.line,
        dir: call.direction,
        far: call.far,
      });
      if (call.answeredAt !== undefined) events.push({ v: 1, t: call.answeredAt, e: 'answer', id: call.id });
      if (call.endedAt === undefined || call.cause === undefined) continue;
      const end: EndEvent = { v: 1, t: call.endedAt, e: 'end', id: call.id, cause: call.cause };
      if (call.sipStatus !== undefined) end.sipStatus = call.sipStatus;
      if (call.outcome === 'missed' && call.seen && call.cause !== 'answered-elsewhere') end.seen = true;
      events.push(end);
    }
    return events;
  }

  private end(event: EndEvent): boolean {
    const call = this.ongoing.get(event.id);
    if (!call) return false;
    this.ongoing.delete(event.id);
    const outcome = outcomeOf(call.direction, call.answeredAt !== undefined, event.cause);
    const ended: EndedCall = {
      ...call,
      endedAt: event.t,
      cause: event.cause,
      outcome,
      seen: event.seen === true || bornSeen(outcome, event.cause),
      lastAt: Math.max(call.lastAt, event.t),
    };
    if (event.sipStatus !== undefined) ended.sipStatus = event.sipStatus;
    this.insert(ended);
    return true;
  }

  /** Calls end out of start order (a long call ends after a short later one): insert by `seq`. */
  private insert(call: EndedCall): void {
    let low = 0;
    let high = this.endedCalls.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.endedCalls[mid]?.seq ?? 0) < call.seq) low = mid + 1;
      else high = mid;
    }
    this.endedCalls.splice(low, 0, call);
  }
}

/**
 * The call history (issue 9 §5): every call the call service reports becomes one {@link HistoryEntry}, kept across
 * restarts in a crash-safe journal (history-journal.ts) and served to the History view in pages.
 *
 * Design:
 * - Each report (start, answer, end) is folded into the in-memory {@link CallBook} and appended to the journal at
 *   once (one write + fsync). Only ended calls are history; a start or an answer changes nothing the view shows.
 * - At open the journal is replayed through the same fold. A call with a start and no end (the app died in it) is
 *   ended `failed` at its last event's time, and that end is written, so the next start reads the same.
 * - Bounds: the view holds the newest `limit` calls; the file may run ahead by a quarter of that (so that the newest
 *   calls are not rewritten after every call) or up to a byte bound, then it is compacted to the calls in memory,
 *   the previous file staying as `calls.jsonl.1`. Clearing compacts too, and removes that backup.
 * - Storage failures are logged and the history carries on in memory (see {@link HistoryJournal}).
 */
import type { CallDirection, CallEndCause, CallParty } from '../../../shared/calls';
import type { HistoryFilter, HistoryPage, HistoryQuery, HistorySummary } from '../../../shared/history';
import type { HistoryController } from '../calls/call-commands';
import type { CallHistorySink } from '../calls/call-service';
import { CallBook } from './call-book';
import type { EndEvent, HistoryEvent } from './history-events';
import { HistoryJournal, type JournalIo } from './history-journal';
import { buildRows, pageOf, unseenMissed, type HistoryRow } from './history-query';

/** Calls kept when the settings name no limit (`calls.historyLimit`). */
export const DEFAULT_HISTORY_LIMIT = 5000;
/** Room per call in the journal's byte bound: a call's three lines take some 500 bytes, long names included. */
const BYTES_PER_CALL = 2048;

export interface HistoryServiceOptions {
  /** The data dir; the journal is `<dataDir>/history/calls.jsonl`. */
  dataDir: string;
  /** Stamps `seen` and `clear`. */
  clock: { wallNow(): number };
  /** Calls kept (default {@link DEFAULT_HISTORY_LIMIT}). */
  limit?: number;
  /** The journal's byte bound before compaction (default: 2 KiB per call the file may hold). */
  maxBytes?: number;
  log?: (message: string) => void;
  /** Replaces the journal's write and fsync (tests make them fail). */
  io?: JournalIo;
}

/** A call as the call service reports its start. */
export interface StartedCall {
  id: string;
  line: number;
  direction: CallDirection;
  far: CallParty;
  at: number;
}

/** How a call ended, as the call service reports it. */
export interface CallEnding {
  at: number;
  cause: CallEndCause;
  sipStatus?: number;
}

function validLimit(limit: number | undefined): number {
  return limit !== undefined && Number.isInteger(limit) && limit >= 1 ? limit : DEFAULT_HISTORY_LIMIT;
}

function copyParty(far: CallParty): CallParty {
  return far.name === undefined
    ? { number: far.number, uri: far.uri }
    : { name: far.name, number: far.number, uri: far.uri };
}

/** The call history: what the call service reports goes in, the `history.*` commands read it (see the file's TSDoc). */
export class HistoryService implements CallHistorySink, HistoryController {
  private readonly book = new CallBook();
  private readonly journal: HistoryJournal;
  private readonly log: (message: string) => void;
  private readonly listeners = new Set<(summary: HistorySummary) => void>();
  private limit: number;
  private problem: string | undefined;
  private opened = false;
  private revision = 0;
  /** The journal problem found at open, until one summary has carried it. */
  private pendingProblem: string | undefined;
  /** Calls whose start is in the journal file, kept or not. */
  private fileCalls = 0;
  /** After a failed compaction, the next try waits until the file has grown by this many calls. */
  private compactAgainAt = 0;
  private rows = new Map<HistoryFilter, HistoryRow[]>();
  private rowsRevision = -1;

  constructor(private readonly options: HistoryServiceOptions) {
    this.limit = validLimit(options.limit);
    this.log = options.log ?? (() => undefined);
    this.journal = new HistoryJournal({
      dataDir: options.dataDir,
      log: this.log,
      ...(options.io ? { io: options.io } : {}),
    });
  }

  /** The journal problem found at open (a torn last line, an unreadable file), for diagnostics; it stays. */
  get journalProblem(): string | undefined {
    return this.problem;
  }

  /** Loads the journal. Later calls do nothing; the other methods open it first when it was not. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    const contents = this.journal.open();
    for (const event of contents.events) {
      if (event.e === 'start') this.fileCalls++;
      this.book.apply(event);
    }
    for (const end of this.book.endInterrupted()) this.journal.append(end);
    this.book.trim(this.limit);
    this.problem = contents.problem;
    this.pendingProblem = contents.problem;
    // A file with unreadable lines is rewritten clean, so the problem is reported once, not at every start.
    if (contents.dropped > 0 || this.overBounds()) this.compact(true);
    this.revision++;
  }

  callStarted(call: StartedCall): void {
    this.open();
    this.record({
      v: 1,
      t: call.at,
      e: 'start',
      id: call.id,
      line: call.line,
      dir: call.direction,
      far: copyParty(call.far),
    });
  }

  callAnswered(id: string, at: number): void {
    this.open();
    this.record({ v: 1, t: at, e: 'answer', id });
  }

  callEnded(id: string, end: CallEnding): void {
    this.open();
    const event: EndEvent = { v: 1, t: end.at, e: 'end', id, cause: end.cause };
    if (end.sipStatus !== undefined) event.sipStatus = end.sipStatus;
    if (!this.record(event)) return;
    this.book.trim(this.limit);
    if (this.overBounds()) this.compact(true);
    this.changed();
  }

  /** A page of the history, newest first (see history-query.ts for the cursor and the missed grouping). */
  list(query: HistoryQuery): HistoryPage {
    this.open();
    return pageOf(this.rowsOf(query.filter ?? 'all'), query);
  }

  /** Marks every missed call so far as seen. Writes nothing when nothing was unseen. */
  markSeen(): HistorySummary {
    this.open();
    if (this.record({ v: 1, t: this.options.clock.wallNow(), e: 'seen' })) this.changed();
    return this.summary();
  }

  /** Forgets every ended call, on disk too: the journal is compacted to the calls in progress, its backup removed. */
  clear(): HistorySummary {
    this.open();
    this.record({ v: 1, t: this.options.clock.wallNow(), e: 'clear' });
    this.compact(false);
    this.changed();
    return this.summary();
  }

  summary(): HistorySummary {
    this.open();
    const unseen = unseenMissed(this.book.ended);
    const summary: HistorySummary = {
      unseenMissed: unseen.count,
      unseenMissedNumbers: unseen.numbers,
      revision: this.revision,
    };
    if (this.pendingProblem !== undefined) {
      summary.journalProblem = this.pendingProblem;
      this.pendingProblem = undefined;
    }
    return summary;
  }

  /** Calls `listener` with the new summary after every change. Returns the unsubscribe. */
  onChanged(listener: (summary: HistorySummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows `calls.historyLimit`: a lower limit forgets the oldest calls at once. */
  setLimit(limit: number): void {
    this.open();
    this.limit = validLimit(limit);
    const trimmed = this.book.trim(this.limit);
    if (this.overBounds()) this.compact(true);
    if (trimmed > 0) this.changed();
  }

  /** Closes the journal; later reports are kept in memory only. */
  close(): void {
    this.journal.close();
    this.listeners.clear();
  }

  /** Folds `event` in and, when it changed something, journals it. */
  private record(event: HistoryEvent): boolean {
    if (!this.book.apply(event)) return false;
    if (this.journal.append(event) && event.e === 'start') this.fileCalls++;
    return true;
  }

  private slack(): number {
    return Math.ceil(this.limit / 4);
  }

  private overBounds(): boolean {
    if (this.fileCalls < this.compactAgainAt) return false;
    return this.fileCalls > this.limit + this.slack() || this.journal.bytes > this.maxBytes();
  }

  private maxBytes(): number {
    return this.options.maxBytes ?? (this.limit + this.slack()) * BYTES_PER_CALL;
  }

  private compact(keepBackup: boolean): void {
    const events = this.book.events();
    const done = this.journal.rewrite(events, { keepBackup });
    if (done) this.fileCalls = events.filter((e) => e.e === 'start').length;
    // Failed, or the calls kept fill the byte bound by themselves: wait for more calls rather than rewrite every time.
    this.compactAgainAt = done && this.journal.bytes <= this.maxBytes() ? 0 : this.fileCalls + this.slack();
  }

  private changed(): void {
    this.revision++;
    if (this.listeners.size === 0) return;
    const summary = this.summary();
    for (const listener of [...this.listeners]) {
      try {
        listener(summary);
      } catch (err) {
        this.log(`history: a change listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private rowsOf(filter: HistoryFilter): HistoryRow[] {
    if (this.rowsRevision !== this.revision) {
      this.rows = new Map();
      this.rowsRevision = this.revision;
    }
    let rows = this.rows.get(filter);
    if (!rows) {
      rows = buildRows(this.book.ended, filter);
      this.rows.set(filter, rows);
    }
    return rows;
  }
}

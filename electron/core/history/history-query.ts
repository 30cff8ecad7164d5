/**
 * The history's rows, filters, missed-call grouping and pages, computed from the ended calls of a {@link CallBook}.
 *
 * The cursor is a call's `seq` (see {@link CallRecord.seq}): a page holds the rows whose `seq` is below `before`,
 * newest first, and `nextCursor` is the `seq` of its last row. New calls get higher numbers, so reading on with a
 * cursor never repeats or skips a row while calls come in; a grouped missed row goes by its newest call's `seq`.
 */
import type { HistoryEntry, HistoryFilter, HistoryPage, HistoryQuery } from '../../../shared/history';
import type { EndedCall } from './call-book';
import { partyKey } from './history-number';

/** Page size when the query names none, and the largest the contract allows. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** One row of the history view, with its cursor position. */
export interface HistoryRow {
  seq: number;
  entry: HistoryEntry;
}

/** Missed calls waiting to be seen: the badge count (each try) and the callers, newest first. */
export interface UnseenMissed {
  count: number;
  numbers: string[];
}

function toEntry(call: EndedCall, tries: number, seen: boolean): HistoryEntry {
  const entry: HistoryEntry = {
    id: call.id,
    line: call.line,
    direction: call.direction,
    outcome: call.outcome,
    far: { ...call.far },
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    cause: call.cause,
    tries,
    seen,
  };
  if (call.answeredAt !== undefined) entry.answeredAt = call.answeredAt;
  if (call.sipStatus !== undefined) entry.sipStatus = call.sipStatus;
  return entry;
}

function matches(call: EndedCall, filter: Exclude<HistoryFilter, 'missed'>): boolean {
  return filter === 'all' || call.direction === filter;
}

/** A missed call nobody answered anywhere: the kind that groups into a run of tries. */
function isTry(call: EndedCall): boolean {
  return call.outcome === 'missed' && call.cause !== 'answered-elsewhere';
}

/**
 * The missed rows: the missed calls of one caller collapse into one row (tries = how many, times and id of the
 * newest, seen when all are) until any other call with that caller (answered, rejected, outgoing) ends the run. A
 * call a colleague answered ends the run too and stands alone, already seen: the caller got through.
 */
function missedRows(calls: readonly EndedCall[]): HistoryRow[] {
  const runs: EndedCall[][] = [];
  const open = new Map<string, EndedCall[]>();
  for (const call of calls) {
    const key = partyKey(call.far);
    if (isTry(call)) {
      const run = open.get(key);
      if (run) run.push(call);
      else {
        const fresh = [call];
        runs.push(fresh);
        open.set(key, fresh);
      }
      continue;
    }
    open.delete(key);
    if (call.outcome === 'missed') runs.push([call]);
  }
  const rows = runs.map((run): HistoryRow => {
    const newest = run[run.length - 1] as EndedCall;
    return {
      seq: newest.seq,
      entry: toEntry(
        newest,
        run.length,
        run.every((c) => c.seen),
      ),
    };
  });
  return rows.sort((a, b) => b.seq - a.seq);
}

/** All rows of `filter`, newest first. `calls` are oldest first, as the book keeps them. */
export function buildRows(calls: readonly EndedCall[], filter: HistoryFilter): HistoryRow[] {
  if (filter === 'missed') return missedRows(calls);
  const rows: HistoryRow[] = [];
  for (let i = calls.length - 1; i >= 0; i--) {
    const call = calls[i] as EndedCall;
    if (matches(call, filter)) rows.push({ seq: call.seq, entry: toEntry(call, 1, call.seen) });
  }
  return rows;
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

/** The page of `rows` (newest first) the query asks for. */
export function pageOf(rows: readonly HistoryRow[], query: HistoryQuery): HistoryPage {
  const size = pageSize(query.limit);
  const before = query.before;
  let first = 0;
  if (before !== undefined && Number.isFinite(before)) {
    // Rows are sorted by seq descending: find the first one below the cursor.
    let high = rows.length;
    while (first < high) {
      const mid = (first + high) >>> 1;
      if ((rows[mid]?.seq ?? 0) >= before) first = mid + 1;
      else high = mid;
    }
  }
  const slice = rows.slice(first, first + size);
  const page: HistoryPage = { entries: slice.map((row) => row.entry), total: rows.length };
  const last = slice[slice.length - 1];
  if (last && first + size < rows.length) page.nextCursor = last.seq;
  return page;
}

/** Unseen missed calls: each try counts; one number per caller, as the newest call gave it. */
export function unseenMissed(calls: readonly EndedCall[]): UnseenMissed {
  let count = 0;
  const numbers = new Map<string, string>();
  for (let i = calls.length - 1; i >= 0; i--) {
    const call = calls[i] as EndedCall;
    if (call.outcome !== 'missed' || call.seen) continue;
    count++;
    const key = partyKey(call.far);
    if (!numbers.has(key)) numbers.set(key, call.far.number || call.far.uri);
  }
  return { count, numbers: [...numbers.values()] };
}

/**
 * One answer of `trace.list` (defect 5 of issue 7): the newest matches below a cursor, bounded by count, by encoded
 * size and by how many entries one call may look at. The trace ring can hold 100,000 messages, and building or
 * even filtering all of them in one call stalled the event loop for most of a second; a page costs at most
 * {@link TRACE_PAGE_MAX_SCAN} look-ups and about {@link TRACE_PAGE_MAX_BYTES} of JSON.
 */
import { Buffer } from 'node:buffer';
import type { TraceEntry, TraceFilter, TracePage } from '../../shared/trace';
import { TRACE_PAGE_MAX_BYTES, TRACE_PAGE_MAX_ENTRIES } from '../../shared/trace';

/**
 * Most entries one page looks at. Only a filter that matches little can reach it; the page then ends early, with a
 * cursor, so a client pages on instead of one call decoding and redacting the whole ring.
 */
export const TRACE_PAGE_MAX_SCAN = 20 * TRACE_PAGE_MAX_ENTRIES;

/** Room for `{"entries":[`, `],"nextCursor":<16 digits>}`: what a page spends besides its entries. */
const PAGE_OVERHEAD_BYTES = 64;

/** The ring as a page sees it: entries `oldestSeq … oldestSeq + size - 1`, contiguous, each looked up by `seq`. */
export interface TraceRingView {
  readonly oldestSeq: number;
  readonly size: number;
  /** Cheap: read from the record, nothing decoded. */
  direction(seq: number): TraceEntry['direction'];
  /** Decodes, redacts and summarises the entry on first use (then it is kept). */
  entry(seq: number): TraceEntry;
}

/** Walks the ring newest first from the cursor, and returns the page oldest first. */
export function traceListPage(ring: TraceRingView, filter: TraceFilter = {}): TracePage {
  const limit = Math.min(filter.limit ?? TRACE_PAGE_MAX_ENTRIES, TRACE_PAGE_MAX_ENTRIES);
  const text = filter.text?.toLowerCase();
  const method = filter.method?.toUpperCase();
  const end = ring.oldestSeq + ring.size;
  let seq = Math.min(filter.before ?? end, end) - 1;
  const picked: TraceEntry[] = [];
  let bytes = PAGE_OVERHEAD_BYTES;
  for (let scanned = 0; seq >= ring.oldestSeq; seq--, scanned++) {
    if (picked.length >= limit || scanned >= TRACE_PAGE_MAX_SCAN) break;
    if (filter.direction && ring.direction(seq) !== filter.direction) continue;
    const e = ring.entry(seq);
    if (method && e.method !== method) continue;
    if (text && !e.text.toLowerCase().includes(text)) continue;
    // The size the transport will send: UTF-8 JSON, a comma between entries.
    const size = Buffer.byteLength(JSON.stringify(e)) + (picked.length ? 1 : 0);
    if (picked.length && bytes + size > TRACE_PAGE_MAX_BYTES) break;
    bytes += size;
    picked.push(e);
  }
  const page: TracePage = { entries: picked.reverse() };
  // `seq` is the newest entry not looked at; everything from it down is left for the next page.
  if (seq >= ring.oldestSeq) page.nextCursor = seq + 1;
  return page;
}

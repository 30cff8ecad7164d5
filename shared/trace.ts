/** One SIP message seen on the wire, for the diagnostics view (issue 2, "Diagnostics"). Secrets are redacted. */
export interface TraceEntry {
  seq: number;
  /** Epoch ms. */
  time: number;
  direction: 'in' | 'out';
  transport: 'udp' | 'tcp' | 'tls';
  /** `host:port` */
  local: string;
  remote: string;
  /** Request line or status line. */
  firstLine: string;
  method: string;
  status?: number;
  callId: string;
  /** Whole message with Authorization/Proxy-Authorization digests redacted. */
  text: string;
}

/** Most entries one `trace.list` answer carries, whatever its `limit` asks for. */
export const TRACE_PAGE_MAX_ENTRIES = 1000;
/**
 * Most bytes one `trace.list` answer takes as UTF-8 JSON (the whole `TracePage`). A page always holds at least one
 * entry, so a single larger message still comes through, alone.
 */
export const TRACE_PAGE_MAX_BYTES = 1024 * 1024;

export interface TraceFilter {
  /** Case-insensitive substring matched against the whole message. */
  text?: string;
  method?: string;
  direction?: 'in' | 'out';
  /** At most this many entries; a page never holds more than {@link TRACE_PAGE_MAX_ENTRIES}, the default. */
  limit?: number;
  /** Cursor: only entries with a `seq` below this one (a page's `nextCursor`); without it, the newest entries. */
  before?: number;
}

/**
 * One answer of `trace.list`: the newest matching entries below the cursor, oldest first, bounded by `limit` and by
 * {@link TRACE_PAGE_MAX_BYTES}. `nextCursor` is set when older matches may remain: pass it as `before` to get them.
 */
export interface TracePage {
  entries: TraceEntry[];
  nextCursor?: number;
}

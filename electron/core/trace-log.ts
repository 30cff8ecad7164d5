/**
 * The SIP trace (issue 2, "Diagnostics"): every message sent and received, redacted, kept in a bounded ring buffer,
 * pushed to subscribers in batches and optionally written to rotating files under `<data dir>/logs/`.
 */
import { join } from 'node:path';
import type { DiagnosticsSettings } from '../../shared/settings';
import type { TraceEntry, TraceFilter } from '../../shared/trace';
import type { Clock, TimerHandle } from '../sip/clock';
import { RotatingFile } from './trace-file';

/** One message as the transport layer saw it. */
export interface TraceMessage {
  direction: TraceEntry['direction'];
  transport: TraceEntry['transport'];
  local: string;
  remote: string;
  text: string;
  /** Epoch ms; defaults to the clock's wall time. */
  time?: number;
}

export interface TraceLogOptions {
  clock: Clock;
  /** Data dir; the trace file goes to `<dataDir>/logs/sip-trace.log`. Without it no file is ever written. */
  dataDir?: string;
  bufferSize?: number;
  toFile?: boolean;
  maxFileBytes?: number;
  maxFiles?: number;
  onFileError?: (err: unknown) => void;
}

/** Subscribers hear at most this often (≤ 10 batches per second). */
export const TRACE_BATCH_MS = 100;

const REDACTED = '<redacted>';
// Digest credentials (RFC 7616 §3.4): these parameters prove knowledge of the password or replay it.
const DIGEST_SECRETS = /\b(response|nonce|cnonce)(\s*=\s*)("(?:[^"\\]|\\.)*"|[^\s,]+)/gi;
const AUTH_HEADER = /^(Authorization|Proxy-Authorization)([ \t]*:[ \t]*)(.*)$/i;
const PASSWORD_FIELD = /("?(?:password|passwd|secret)"?[ \t]*[:=][ \t]*)("(?:[^"\\]|\\.)*"|[^\s,;&}]+)/gi;

function redactCredentials(value: string): string {
  const m = /^(\S+)(\s+)([\s\S]*)$/.exec(value);
  if (!m) return value === '' ? value : REDACTED;
  // Non-digest schemes (Basic, Bearer) carry the secret itself: keep only the scheme name.
  if (m[1]!.toLowerCase() !== 'digest') return `${m[1]}${m[2]}${REDACTED}`;
  return `${m[1]}${m[2]}${m[3]!.replace(DIGEST_SECRETS, `$1$2"${REDACTED}"`)}`;
}

/**
 * Redacts a SIP message for logging: Authorization and Proxy-Authorization keep their scheme, username, realm and
 * uri, but `response`, `nonce` and `cnonce` become `<redacted>` (folded header lines, RFC 3261 §7.3.1, included).
 * Any `password`/`secret` field in the text is scrubbed too, in case a non-SIP line passes through.
 */
export function redactSipText(text: string): string {
  const lines = text.split(/(\r?\n)/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const m = AUTH_HEADER.exec(lines[i]!);
    if (!m) {
      out.push(lines[i]!, lines[i + 1] ?? '');
      continue;
    }
    let value = m[3]!;
    let eol = lines[i + 1] ?? '';
    while (i + 2 < lines.length && /^[ \t]/.test(lines[i + 2]!)) {
      value += eol + lines[i + 2]!;
      eol = lines[i + 3] ?? '';
      i += 2;
    }
    out.push(`${m[1]}${m[2]}${redactCredentials(value)}`, eol);
  }
  return out.join('').replace(PASSWORD_FIELD, `$1"${REDACTED}"`);
}

/** First line, method (from CSeq for responses), status and Call-ID, read from the header section only. */
export function summarizeSipText(
  text: string,
): Pick<TraceEntry, 'firstLine' | 'method' | 'status' | 'callId'> {
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).split(/\r?\n/);
  const firstLine = head[0] ?? '';
  const statusMatch = /^SIP\/2\.0\s+(\d{3})\b/.exec(firstLine);
  let method = statusMatch ? '' : (/^([A-Za-z]+)\s/.exec(firstLine)?.[1] ?? '');
  let callId = '';
  for (let i = 1; i < head.length; i++) {
    const h = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*)$/.exec(head[i]!);
    if (!h) continue;
    const name = h[1]!.toLowerCase();
    if (!callId && (name === 'call-id' || name === 'i')) callId = h[2]!.trim();
    else if (!method && name === 'cseq') method = /^\d+\s+([A-Za-z]+)/.exec(h[2]!)?.[1] ?? '';
  }
  const summary: Pick<TraceEntry, 'firstLine' | 'method' | 'status' | 'callId'> = {
    firstLine,
    method: method.toUpperCase(),
    callId,
  };
  if (statusMatch) summary.status = Number(statusMatch[1]);
  return summary;
}

function formatForFile(e: TraceEntry): string {
  const arrow = e.direction === 'out' ? '->' : '<-';
  return `=== ${new Date(e.time).toISOString()} #${e.seq} ${e.direction} ${e.transport} ${e.local} ${arrow} ${e.remote}\n${e.text.replace(/\r\n/g, '\n')}\n\n`;
}

export class TraceLog {
  private ring: (TraceEntry | undefined)[];
  /** Index of the oldest entry. */
  private head = 0;
  private count = 0;
  private seq = 0;
  private pending: TraceEntry[] = [];
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<(batch: TraceEntry[]) => void>();
  private file: RotatingFile | undefined;
  private fileQueue: string[] = [];

  constructor(private readonly options: TraceLogOptions) {
    this.ring = new Array<TraceEntry | undefined>(Math.max(1, options.bufferSize ?? 2000));
    this.setFile(options.toFile ?? false);
  }

  get capacity(): number {
    return this.ring.length;
  }

  get size(): number {
    return this.count;
  }

  /** Where the trace file is (or would be) written; undefined without a data dir. */
  get filePath(): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, 'logs', 'sip-trace.log') : undefined;
  }

  /** Applies the diagnostics settings: buffer size (keeping the newest entries) and file output. */
  configure(settings: Pick<DiagnosticsSettings, 'traceBufferSize' | 'traceToFile'>): void {
    this.resize(settings.traceBufferSize);
    this.setFile(settings.traceToFile);
  }

  /** Records one message (redacted first) and returns its entry. O(1). */
  addMessage(message: TraceMessage): TraceEntry {
    const text = redactSipText(message.text);
    const entry: TraceEntry = {
      seq: ++this.seq,
      time: message.time ?? this.options.clock.wallNow(),
      direction: message.direction,
      transport: message.transport,
      local: message.local,
      remote: message.remote,
      ...summarizeSipText(text),
      text,
    };
    const cap = this.ring.length;
    this.ring[(this.head + this.count) % cap] = entry;
    if (this.count < cap) this.count++;
    else this.head = (this.head + 1) % cap;
    this.pending.push(entry);
    // Subscribers never see more than a buffer's worth of one batch: older entries are gone anyway.
    if (this.pending.length > cap) this.pending.splice(0, this.pending.length - cap);
    if (this.file) this.fileQueue.push(formatForFile(entry));
    this.schedule();
    return entry;
  }

  /** Matching entries, oldest first; `limit` keeps the newest ones. */
  list(filter: TraceFilter = {}): TraceEntry[] {
    const text = filter.text?.toLowerCase();
    const method = filter.method?.toUpperCase();
    const out: TraceEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.head + i) % this.ring.length]!;
      if (filter.direction && e.direction !== filter.direction) continue;
      if (method && e.method !== method) continue;
      if (text && !e.text.toLowerCase().includes(text)) continue;
      out.push(e);
    }
    return filter.limit !== undefined && out.length > filter.limit
      ? out.slice(out.length - filter.limit)
      : out;
  }

  /** Empties the buffer (the file keeps what it has). Sequence numbers keep counting. */
  clear(): void {
    this.ring = new Array<TraceEntry | undefined>(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.pending = [];
  }

  /** Calls `listener` with each batch of new entries; returns the unsubscribe function. */
  subscribe(listener: (batch: TraceEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers anything pending now and stops the timer (on shutdown). */
  flush(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (this.fileQueue.length > 0) {
      this.file?.write(this.fileQueue.join(''));
      this.fileQueue = [];
    }
    if (batch.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch {
        // One failing subscriber (a closed socket) must not starve the others.
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, TRACE_BATCH_MS);
  }

  private resize(size: number): void {
    const cap = Math.max(1, size);
    if (cap === this.ring.length) return;
    const keep = this.list().slice(-cap);
    this.ring = new Array<TraceEntry | undefined>(cap);
    keep.forEach((e, i) => (this.ring[i] = e));
    this.head = 0;
    this.count = keep.length;
  }

  private setFile(enabled: boolean): void {
    const dataDir = this.options.dataDir;
    if (!enabled || !dataDir) {
      if (this.fileQueue.length > 0) this.file?.write(this.fileQueue.join(''));
      this.fileQueue = [];
      this.file = undefined;
      return;
    }
    if (this.file) return;
    this.file = new RotatingFile({
      dir: join(dataDir, 'logs'),
      maxBytes: this.options.maxFileBytes,
      maxFiles: this.options.maxFiles,
      onError: this.options.onFileError,
    });
  }
}

/**
 * The SIP trace (issue 2, "Diagnostics"): every message sent and received, redacted, kept in a bounded ring buffer,
 * pushed to subscribers in batches and optionally written to rotating files under `<data dir>/logs/`.
 *
 * Recording is cheap because it runs for every message, tens of thousands a second in a NOTIFY flood: a wire
 * message is stored as its bytes, and decoding, redaction and the summary happen once, when the entry is first
 * listed, pushed to subscribers or written to the file. Nothing leaves the log unredacted: every way out goes
 * through {@link TraceLog.entryOf}.
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

/** One message as the SIP stack reports it (its `WireEvent`): bytes not yet decoded, endpoints not yet formatted. */
export interface TraceWire {
  direction: TraceEntry['direction'];
  flow: {
    protocol: TraceEntry['transport'];
    local: { host: string; port: number };
    remote: { host: string; port: number };
  };
  /** The message as sent or received; transports hand over a buffer per message that is never rewritten. */
  data: Uint8Array;
  /** Epoch ms; defaults to the clock's wall time. */
  time?: number;
}

/** A recorded message; `entry` is made (and the source dropped) on first use. */
interface Recorded {
  seq: number;
  time: number;
  direction: TraceEntry['direction'];
  source: TraceMessage | TraceWire | undefined;
  entry: TraceEntry | undefined;
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
/** Text without any of these words has nothing {@link redactSipText} would change (both patterns need one). */
const MIGHT_HOLD_SECRETS = /authorization|passw(?:or)?d|secret/i;
const textDecoder = new TextDecoder();

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
  if (!MIGHT_HOLD_SECRETS.test(text)) return text;
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

/** Where the header section ends: the start of the first `\r?\n\r?\n`, or -1. */
function headerEnd(text: string): number {
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    const next = text.charCodeAt(nl + 1);
    if (next === 0x0a || (next === 0x0d && text.charCodeAt(nl + 2) === 0x0a))
      return nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
  }
  return -1;
}

/**
 * First line, method (from CSeq for responses), status and Call-ID, read from the header section only. Lines are
 * walked in place and only Call-ID (compact `i`) and CSeq lines are looked at: this runs for every traced message.
 */
export function summarizeSipText(
  text: string,
): Pick<TraceEntry, 'firstLine' | 'method' | 'status' | 'callId'> {
  const end = headerEnd(text);
  const limit = end < 0 ? text.length : end;
  // A line ends at "\r?\n"; the section's last line ends at `limit` and keeps a lone trailing CR.
  const lineAt = (start: number): [line: string, next: number] => {
    const nl = text.indexOf('\n', start);
    if (nl < 0 || nl >= limit) return [text.slice(start, limit), -1];
    return [text.slice(start, nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl), nl + 1];
  };
  const [firstLine, afterFirst] = lineAt(0);
  const statusMatch = /^SIP\/2\.0\s+(\d{3})\b/.exec(firstLine);
  let method = statusMatch ? '' : (/^([A-Za-z]+)\s/.exec(firstLine)?.[1] ?? '');
  let callId = '';
  for (let at = afterFirst; at >= 0 && !(callId && method); ) {
    const first = text.charCodeAt(at) | 0x20;
    if (first !== 0x63 && first !== 0x69) {
      const nl = text.indexOf('\n', at);
      at = nl < 0 || nl >= limit ? -1 : nl + 1;
      continue;
    }
    const [line, next] = lineAt(at);
    at = next;
    const h = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
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
  private ring: (Recorded | undefined)[];
  /** Index of the oldest entry. */
  private head = 0;
  private count = 0;
  private seq = 0;
  /** Recorded since the last flush, for subscribers; trimmed to the newest `capacity` at delivery. */
  private pending: Recorded[] = [];
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<(batch: TraceEntry[]) => void>();
  private file: RotatingFile | undefined;
  /** Recorded since the last flush, for the file (every one of them). */
  private fileQueue: Recorded[] = [];

  constructor(private readonly options: TraceLogOptions) {
    this.ring = new Array<Recorded | undefined>(Math.max(1, options.bufferSize ?? 2000));
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

  /** Records one message given as text and returns its (redacted) entry. */
  addMessage(message: TraceMessage): TraceEntry {
    return this.entryOf(this.push(message.direction, message, message.time));
  }

  /** Records one message as the SIP stack reports it; O(1), nothing decoded or redacted until the entry is used. */
  record(wire: TraceWire): void {
    this.push(wire.direction, wire, wire.time);
  }

  /** Matching entries, oldest first; `limit` keeps the newest ones. */
  list(filter: TraceFilter = {}): TraceEntry[] {
    const text = filter.text?.toLowerCase();
    const method = filter.method?.toUpperCase();
    const out: TraceEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const r = this.ring[(this.head + i) % this.ring.length]!;
      if (filter.direction && r.direction !== filter.direction) continue;
      const e = this.entryOf(r);
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
    this.ring = new Array<Recorded | undefined>(this.ring.length);
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
    const cap = this.ring.length;
    // Subscribers never see more than a buffer's worth of one batch: older entries are gone anyway.
    const recorded = this.pending.length > cap ? this.pending.slice(this.pending.length - cap) : this.pending;
    this.pending = [];
    this.writeFileQueue();
    if (recorded.length === 0 || this.listeners.size === 0) return;
    const batch = recorded.map((r) => this.entryOf(r));
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch {
        // One failing subscriber (a closed socket) must not starve the others.
      }
    }
  }

  private push(direction: TraceEntry['direction'], source: TraceMessage | TraceWire, time: number | undefined): Recorded {
    const recorded: Recorded = {
      seq: ++this.seq,
      time: time ?? this.options.clock.wallNow(),
      direction,
      source,
      entry: undefined,
    };
    const cap = this.ring.length;
    this.ring[(this.head + this.count) % cap] = recorded;
    if (this.count < cap) this.count++;
    else this.head = (this.head + 1) % cap;
    this.pending.push(recorded);
    // Amortised trim: what a batch can hold is decided at delivery; this only bounds the memory.
    if (this.pending.length >= 2 * cap) this.pending = this.pending.slice(this.pending.length - cap);
    if (this.file) this.fileQueue.push(recorded);
    this.schedule();
    return recorded;
  }

  /** The entry of a recorded message: decoded, redacted and summarised on first use, then kept. */
  private entryOf(recorded: Recorded): TraceEntry {
    if (recorded.entry) return recorded.entry;
    const source = recorded.source!;
    let entry: TraceEntry;
    if ('data' in source) {
      const text = redactSipText(textDecoder.decode(source.data));
      const { flow } = source;
      entry = {
        seq: recorded.seq,
        time: recorded.time,
        direction: recorded.direction,
        transport: flow.protocol,
        local: `${flow.local.host}:${flow.local.port}`,
        remote: `${flow.remote.host}:${flow.remote.port}`,
        ...summarizeSipText(text),
        text,
      };
    } else {
      const text = redactSipText(source.text);
      entry = {
        seq: recorded.seq,
        time: recorded.time,
        direction: recorded.direction,
        transport: source.transport,
        local: source.local,
        remote: source.remote,
        ...summarizeSipText(text),
        text,
      };
    }
    recorded.entry = entry;
    recorded.source = undefined;
    return entry;
  }

  private writeFileQueue(): void {
    if (this.fileQueue.length === 0) return;
    const queue = this.fileQueue;
    this.fileQueue = [];
    this.file?.write(queue.map((r) => formatForFile(this.entryOf(r))).join(''));
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
    const keep: Recorded[] = [];
    for (let i = Math.max(0, this.count - cap); i < this.count; i++) keep.push(this.ring[(this.head + i) % this.ring.length]!);
    this.ring = new Array<Recorded | undefined>(cap);
    keep.forEach((r, i) => (this.ring[i] = r));
    this.head = 0;
    this.count = keep.length;
  }

  private setFile(enabled: boolean): void {
    const dataDir = this.options.dataDir;
    if (!enabled || !dataDir) {
      this.writeFileQueue();
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

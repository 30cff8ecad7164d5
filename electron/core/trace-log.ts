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
import type { TraceEntry, TraceFilter, TracePage } from '../../shared/trace';
import type { Clock, TimerHandle } from '../sip/clock';
import { RotatingFile } from './trace-file';
import { traceListPage } from './trace-page';
import { redactSipText, summarizeSipText } from './trace-text';

export { redactSipText, summarizeSipText } from './trace-text';

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

const textDecoder = new TextDecoder();

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

  /**
   * Every matching entry, oldest first; `limit` keeps the newest ones. Unbounded, for in-process use (tests,
   * tooling): what crosses the contract is {@link TraceLog.page}.
   */
  list(filter: Omit<TraceFilter, 'before'> = {}): TraceEntry[] {
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

  /** One bounded page of matches below `filter.before`, for `trace.list` (see trace-page.ts). */
  page(filter: TraceFilter = {}): TracePage {
    const oldestSeq = this.count ? this.ring[this.head]!.seq : this.seq + 1;
    const at = (seq: number): Recorded => this.ring[(this.head + seq - oldestSeq) % this.ring.length]!;
    return traceListPage(
      {
        oldestSeq,
        size: this.count,
        direction: (seq) => at(seq).direction,
        entry: (seq) => this.entryOf(at(seq)),
      },
      filter,
    );
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

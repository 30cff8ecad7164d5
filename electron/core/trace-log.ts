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
import { ByteArena } from '../sip/byte-arena';
import type { Clock, TimerHandle } from '../sip/clock';
import { RotatingFile } from './trace-file';
import { traceListPage } from './trace-page';
import { formatForFile, TRACE_MAX_BYTES, traceCost, traceEntry, type TraceMessage, type TraceWire } from './trace-text';

export { redactSipText, summarizeSipText, TRACE_MAX_BYTES, type TraceMessage, type TraceWire } from './trace-text';

/**
 * A recorded message; `entry` is made (and the source dropped) on first use, so a message is held once, as bytes or
 * as text, never both. `bytes` is what it counts against {@link TraceLogOptions.maxBytes}.
 */
interface Recorded {
  seq: number;
  time: number;
  direction: TraceEntry['direction'];
  source: TraceMessage | TraceWire | undefined;
  entry: TraceEntry | undefined;
  bytes: number;
  /** Out of the ring: never listed or delivered again (the file may still need it until the next flush). */
  evicted: boolean;
}

export interface TraceLogOptions {
  clock: Clock;
  /** Data dir; the trace file goes to `<dataDir>/logs/sip-trace.log`. Without it no file is ever written. */
  dataDir?: string;
  bufferSize?: number;
  /** Most bytes the ring holds, counted by {@link traceCost}; the oldest entries go first. Default 32 MiB. */
  maxBytes?: number;
  toFile?: boolean;
  maxFileBytes?: number;
  maxFiles?: number;
  onFileError?: (err: unknown) => void;
}

/** Subscribers hear at most this often (≤ 10 batches per second). */
export const TRACE_BATCH_MS = 100;

export class TraceLog {
  private ring: (Recorded | undefined)[];
  /** Index of the oldest entry. */
  private head = 0;
  private count = 0;
  private seq = 0;
  /** Sum of `bytes` over the entries in the ring. */
  private held = 0;
  private readonly maxBytes: number;
  /** Recorded since the last flush, for subscribers; trimmed to the newest `capacity` at delivery. */
  private pending: Recorded[] = [];
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<(batch: TraceEntry[]) => void>();
  private file: RotatingFile | undefined;
  /** Recorded since the last flush, for the file (every one of them). */
  private fileQueue: Recorded[] = [];
  /** The recorded bytes; each copy is released when its entry is decoded or forgotten, so chunks are reused. */
  private readonly arena = new ByteArena({ chunkBytes: 256 * 1024, recycle: true });

  constructor(private readonly options: TraceLogOptions) {
    this.ring = new Array<Recorded | undefined>(Math.max(1, options.bufferSize ?? 2000));
    this.maxBytes = options.maxBytes ?? TRACE_MAX_BYTES;
    this.setFile(options.toFile ?? false);
  }

  get capacity(): number {
    return this.ring.length;
  }

  get size(): number {
    return this.count;
  }

  /** What the entries in the ring cost, as counted against the byte cap. */
  get bytes(): number {
    return this.held;
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
    const entry = this.entryOf(this.push(message.direction, message, message.time));
    this.trim();
    return entry;
  }

  /**
   * Records one message as the SIP stack reports it; O(1), nothing decoded or redacted until the entry is used. The
   * bytes are copied into the log's own arena so the datagram (or pool slab) they came in dies young: a ring of
   * 2,000 messages outlives several garbage collections, and in a NOTIFY flood the originals held tens of MB.
   */
  record(wire: TraceWire): void {
    this.push(wire.direction, { direction: wire.direction, flow: wire.flow, data: this.arena.keep(wire.data), time: wire.time }, wire.time);
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
    this.trim();
    return filter.limit !== undefined && out.length > filter.limit
      ? out.slice(out.length - filter.limit)
      : out;
  }

  /** One bounded page of matches below `filter.before`, for `trace.list` (see trace-page.ts). */
  page(filter: TraceFilter = {}): TracePage {
    const oldestSeq = this.count ? this.ring[this.head]!.seq : this.seq + 1;
    const at = (seq: number): Recorded => this.ring[(this.head + seq - oldestSeq) % this.ring.length]!;
    const page = traceListPage(
      {
        oldestSeq,
        size: this.count,
        direction: (seq) => at(seq).direction,
        entry: (seq) => this.entryOf(at(seq)),
      },
      filter,
    );
    // Decoding may have grown the ring past its cap; trimmed only now, as the page walks it by position.
    this.trim();
    return page;
  }

  /** Empties the buffer (the file keeps what it has). Sequence numbers keep counting. */
  clear(): void {
    // Forgotten like evicted entries: never delivered, their bytes released (once the file has them).
    for (let i = 0; i < this.count; i++) this.forget(this.ring[(this.head + i) % this.ring.length]!);
    this.ring = new Array<Recorded | undefined>(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.held = 0;
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
    const pending = this.pending.length > cap ? this.pending.slice(this.pending.length - cap) : this.pending;
    this.pending = [];
    this.writeFileQueue();
    // Nor anything evicted by the byte cap since: its payload may be gone already.
    const recorded = pending.filter((r) => !r.evicted);
    if (recorded.length === 0 || this.listeners.size === 0) return this.trim();
    const batch = recorded.map((r) => this.entryOf(r));
    this.trim();
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
      bytes: 0,
      evicted: false,
    };
    recorded.bytes = traceCost(source, undefined);
    if (this.count === this.ring.length) this.evictOldest();
    this.ring[(this.head + this.count) % this.ring.length] = recorded;
    this.count++;
    this.held += recorded.bytes;
    this.trim();
    const cap = this.ring.length;
    this.pending.push(recorded);
    // Amortised trim: what a batch can hold is decided at delivery; this only bounds the memory.
    if (this.pending.length >= 2 * cap) this.pending = this.pending.slice(this.pending.length - cap);
    if (this.file) this.fileQueue.push(recorded);
    this.schedule();
    return recorded;
  }

  /** The entry of a recorded message: decoded, redacted and summarised on first use, then kept instead of the source. */
  private entryOf(recorded: Recorded): TraceEntry {
    if (recorded.entry) return recorded.entry;
    recorded.entry = traceEntry(recorded.seq, recorded.time, recorded.source!);
    this.dropSource(recorded);
    const bytes = traceCost(undefined, recorded.entry);
    if (!recorded.evicted) this.held += bytes - recorded.bytes;
    recorded.bytes = bytes;
    return recorded.entry;
  }

  /** Evicts the oldest entries while the ring is over its byte cap; the newest always stays, whatever its size. */
  private trim(): void {
    while (this.held > this.maxBytes && this.count > 1) this.evictOldest();
  }

  private evictOldest(): void {
    const r = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    this.held -= r.bytes;
    this.forget(r);
  }

  /** `r` left the ring. Its payload goes now unless the file has yet to write it (until the next flush). */
  private forget(r: Recorded): void {
    r.evicted = true;
    if (this.file) return;
    this.dropSource(r);
    r.entry = undefined;
  }

  /** Lets go of `r`'s message as recorded; its bytes in the arena may then be written over. */
  private dropSource(r: Recorded): void {
    const source = r.source;
    r.source = undefined;
    if (source !== undefined && 'data' in source) this.arena.release(source.data);
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
    for (let i = 0; i < this.count; i++) {
      const r = this.ring[(this.head + i) % this.ring.length]!;
      if (i < this.count - cap) this.forget(r);
      else keep.push(r);
    }
    this.ring = new Array<Recorded | undefined>(cap);
    keep.forEach((r, i) => (this.ring[i] = r));
    this.head = 0;
    this.count = keep.length;
    this.held = keep.reduce((sum, r) => sum + r.bytes, 0);
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

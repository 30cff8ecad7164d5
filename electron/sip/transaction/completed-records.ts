/**
 * Non-INVITE server transactions waiting out Timer J (RFC 3261 §17.2.2: 64·T1, 32 s on UDP), kept as compact
 * records. At 20,000 NOTIFYs a second that is 640,000 transactions in Completed; one clock timer and one full
 * transaction object each would dominate the CPU (timer bookkeeping, garbage collection of long-lived objects).
 * Instead the records sit in a FIFO and a single timer fires at the oldest one's expiry. J is one duration per
 * layer, so insertion order is expiry order and each record still ends exactly at its own Timer J.
 */
import { ByteArena } from '../byte-arena';
import type { Clock, TimerHandle } from '../clock';
import { detachedString } from '../message/detached-string';
import type { SipMessage } from '../message/types';
import type { Flow } from '../transport/types';
import type { CompletedRecord } from './transaction';

/** Compact the FIFO once this many expired slots lead it (and they are at least half of it). */
const COMPACT_AFTER = 1024;

/**
 * Size of one chunk of the response arena (~160 responses of a NOTIFY flood). The responses are copied there: held
 * for the 32 s of Timer J, a slice of Node's buffer pool would hold its whole 8 KiB slab (see byte-arena.ts).
 */
export const ARENA_CHUNK_BYTES = 64 * 1024;

export class CompletedRecords {
  private readonly byKey = new Map<string, CompletedRecord>();
  private queue: (CompletedRecord | undefined)[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private readonly arena = new ByteArena({ chunkBytes: ARENA_CHUNK_BYTES });

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): CompletedRecord | undefined {
    return this.byKey.get(key);
  }

  /** Records the Completed state of transaction `key` until `ms` from now. */
  add(transactionKey: string, flow: Flow, response: SipMessage | undefined, bytes: Uint8Array, ms: number): CompletedRecord {
    // The key is made of header values: kept as is, it would keep the request's header section for Timer J.
    const key = detachedString(transactionKey);
    const record: CompletedRecord = { key, flow, bytes: this.arena.keep(bytes), response, due: this.clock.now() + ms, gone: false };
    const previous = this.byKey.get(key);
    if (previous) previous.gone = true;
    this.byKey.set(key, record);
    this.queue.push(record);
    this.arm();
    return record;
  }

  /** Ends one record now (its transaction was terminated or its flow failed). */
  drop(record: CompletedRecord): void {
    record.gone = true;
    if (this.byKey.get(record.key) === record) this.byKey.delete(record.key);
  }

  /** Ends every record on `flow` (RFC 3261 §17.2.4: the transport reported the flow closed). */
  dropFlow(flow: Flow): void {
    for (const record of this.byKey.values()) if (record.flow === flow || record.flow.id === flow.id) this.drop(record);
  }

  /** Ends every record and stops the timer. */
  clear(): void {
    for (const record of this.byKey.values()) record.gone = true;
    this.byKey.clear();
    this.queue = [];
    this.head = 0;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    const next = this.queue[this.head];
    if (next === undefined) return;
    this.timer = this.clock.setTimeout(() => this.expire(), next.due - this.clock.now());
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    const queue = this.queue;
    let head = this.head;
    for (let record = queue[head]; record !== undefined && record.due <= now; record = queue[head]) {
      queue[head++] = undefined;
      this.drop(record);
    }
    if (head === queue.length) {
      this.queue = [];
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= queue.length) {
      this.queue = queue.slice(head);
      head = 0;
    }
    this.head = head;
    this.arm();
  }
}

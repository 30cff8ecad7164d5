/**
 * Copies of short byte strings kept for a while and released in about the order they were made (responses held for
 * Timer J, messages in the SIP trace ring), packed back to back into chunks.
 *
 * Why: a message as received is its own ArrayBuffer, and one as written is a slice of Node's shared 8 KiB buffer
 * pool. Held past a few garbage collections, their small wrappers move to the old generation and the memory behind
 * them — a whole pool slab for a 400-byte response — waits for the next full collection. In a NOTIFY flood that was
 * tens of megabytes of resident memory. A copy here lets the original die young; a chunk becomes garbage soon
 * after the last copy in it is dropped.
 *
 * With `recycle`, the owner also says when a copy will never be read again ({@link ByteArena.release}); a chunk whose
 * copies are all released is written over by later copies instead of becoming garbage. The SIP trace does that: its
 * ring turns over every fraction of a second in a flood, and its dead chunks were most of the garbage the engine
 * held afterwards (issue 13). Timer J's records do not: their bytes may still sit in an asynchronous socket send.
 */
interface Chunk {
  bytes: Uint8Array;
  /** Copies in it not yet released. */
  live: number;
}

export interface ByteArenaOptions {
  /** Size of one chunk; a copy larger than a quarter of it gets its own buffer. Default 64 KiB. */
  chunkBytes?: number;
  /** Reuse chunks whose copies were all released (the owner must call `release` for every copy). */
  recycle?: boolean;
  /** Released chunks kept for reuse; more become garbage. Default 4. */
  spareChunks?: number;
}

export class ByteArena {
  readonly chunkBytes: number;
  private readonly recycle: boolean;
  private readonly spareChunks: number;
  private chunk: Chunk = { bytes: new Uint8Array(0), live: 0 };
  private at = 0;
  /** Chunks that still hold live copies, by their memory (recycling only). */
  private readonly chunks = new Map<ArrayBufferLike, Chunk>();
  private readonly spare: Uint8Array[] = [];
  private reusedChunks = 0;

  constructor(options: ByteArenaOptions = {}) {
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.recycle = options.recycle ?? false;
    this.spareChunks = options.spareChunks ?? 4;
  }

  /** Chunks written over instead of allocated so far (recycling only), for tests and diagnostics. */
  get reused(): number {
    return this.reusedChunks;
  }

  /** A copy of `bytes` that shares memory only with copies made around the same time. */
  keep(bytes: Uint8Array): Uint8Array {
    const length = bytes.byteLength;
    if (length > this.chunkBytes / 4) return bytes.slice();
    if (this.at + length > this.chunk.bytes.byteLength) this.open();
    const copy = this.chunk.bytes.subarray(this.at, this.at + length);
    copy.set(bytes);
    this.at += length;
    this.chunk.live++;
    return copy;
  }

  /**
   * `copy` (from {@link keep}) will never be read again: once every copy in its chunk is released, the chunk may be
   * written over. Call it once per copy, and only with recycling on; a copy with its own buffer is ignored.
   */
  release(copy: Uint8Array): void {
    if (!this.recycle) return;
    const chunk = this.chunks.get(copy.buffer);
    if (chunk === undefined) return;
    if (chunk.live <= 0) throw new Error('ByteArena: a copy was released twice');
    chunk.live--;
    if (chunk.live === 0 && chunk !== this.chunk) this.retire(chunk);
  }

  private open(): void {
    const previous = this.chunk;
    if (this.recycle && previous.live === 0 && previous.bytes.byteLength > 0) this.retire(previous);
    const spare = this.recycle ? this.spare.pop() : undefined;
    if (spare) this.reusedChunks++;
    this.chunk = { bytes: spare ?? new Uint8Array(this.chunkBytes), live: 0 };
    if (this.recycle) this.chunks.set(this.chunk.bytes.buffer, this.chunk);
    this.at = 0;
  }

  private retire(chunk: Chunk): void {
    this.chunks.delete(chunk.bytes.buffer);
    if (this.spare.length < this.spareChunks) this.spare.push(chunk.bytes);
  }
}

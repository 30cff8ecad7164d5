/**
 * Copies of short byte strings kept for a while and released in about the order they were made (responses held for
 * Timer J, messages in the SIP trace ring), packed back to back into chunks.
 *
 * Why: a message as received is its own ArrayBuffer, and one as written is a slice of Node's shared 8 KiB buffer
 * pool. Held past a few garbage collections, their small wrappers move to the old generation and the memory behind
 * them — a whole pool slab for a 400-byte response — waits for the next full collection. In a NOTIFY flood that was
 * tens of megabytes of resident memory. A copy here lets the original die young; a chunk becomes garbage soon
 * after the last copy in it is dropped.
 */
export class ByteArena {
  private chunk = new Uint8Array(0);
  private at = 0;

  /** @param chunkBytes size of one chunk; a copy larger than a quarter of it gets its own buffer. */
  constructor(readonly chunkBytes = 64 * 1024) {}

  /** A copy of `bytes` that shares memory only with copies made around the same time. */
  keep(bytes: Uint8Array): Uint8Array {
    const length = bytes.byteLength;
    if (length > this.chunkBytes / 4) return bytes.slice();
    if (this.at + length > this.chunk.byteLength) {
      this.chunk = new Uint8Array(this.chunkBytes);
      this.at = 0;
    }
    const copy = this.chunk.subarray(this.at, this.at + length);
    copy.set(bytes);
    this.at += length;
    return copy;
  }
}

/**
 * Rotating text file for the SIP trace (`<data dir>/logs/sip-trace.log`, then `.1` … `.N-1`). Writes happen in
 * batches from the trace log's flush timer, so synchronous appends cost one system call per batch.
 */
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingFileOptions {
  dir: string;
  name?: string;
  /** Rotate when the current file would grow past this many bytes. */
  maxBytes?: number;
  /** Files kept in total, the current one included. */
  maxFiles?: number;
  /** Told about the first write failure; writing then stops until {@link RotatingFile.reopen}. */
  onError?: (err: unknown) => void;
}

export class RotatingFile {
  readonly path: string;
  private size = 0;
  private failed = false;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  constructor(private readonly options: RotatingFileOptions) {
    this.path = join(options.dir, options.name ?? 'sip-trace.log');
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.maxFiles = Math.max(1, options.maxFiles ?? 5);
    this.reopen();
  }

  /** Picks up the size of an existing file and clears a previous failure. */
  reopen(): void {
    this.failed = false;
    try {
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      this.size = statSync(this.path).size;
    } catch {
      this.size = 0;
    }
  }

  write(text: string): void {
    if (this.failed || text.length === 0) return;
    const bytes = Buffer.byteLength(text);
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.path, text, { mode: 0o600 });
      if (this.size === 0) chmodSync(this.path, 0o600);
      this.size += bytes;
    } catch (err) {
      this.failed = true;
      this.options.onError?.(err);
    }
  }

  private rotate(): void {
    const name = (i: number): string => (i === 0 ? this.path : `${this.path}.${i}`);
    rmSync(name(this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 2; i >= 0; i--) {
      try {
        renameSync(name(i), name(i + 1));
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    this.size = 0;
  }
}

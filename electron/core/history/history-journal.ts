/**
 * The crash-safe journal of the call history: `<dataDir>/history/calls.jsonl`, one {@link HistoryEvent} a line.
 *
 * Every event is appended with a single `write` followed by `fsync`, so a process killed at any moment leaves at most
 * one torn line, the last. {@link HistoryJournal.open} reads the file back, drops and truncates away a torn tail (so
 * the next append starts on a clean line), skips unreadable lines in the middle, and describes what it dropped in one
 * problem string. {@link HistoryJournal.rewrite} compacts: the new content goes to `calls.jsonl.tmp`, is fsynced and
 * renamed over `calls.jsonl` (atomic), the previous file staying as `calls.jsonl.1`.
 *
 * Storage failures (disk full, read-only, a directory in the file's place) never throw out of here: they are logged
 * once (and once more when writing works again) and reported as `false`, so the history carries on in memory.
 */
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { formatEvent, type HistoryEvent } from './history-events';
import { parseJournal, problemText } from './journal-file';

/** The journal's file name inside `<dataDir>/history/`. */
export const JOURNAL_FILE = 'calls.jsonl';

/** The file calls the journal writes with; tests replace them to make writes fail. */
export interface JournalIo {
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
}

export interface HistoryJournalOptions {
  /** The data dir; the journal lives in its `history/` subdirectory. */
  dataDir: string;
  log: (message: string) => void;
  io?: JournalIo;
}

/** What {@link HistoryJournal.open} read. */
export interface JournalContents {
  events: HistoryEvent[];
  /** Lines dropped (torn tail and unreadable lines), for the compaction decision. */
  dropped: number;
  /** What was wrong with the file, in the receptionist's words; absent when it read cleanly. */
  problem?: string;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

function removeQuietly(path: string): void {
  try {
    nodeFs.rmSync(path, { force: true });
  } catch {
    // Left behind: removed at the next open, and never read.
  }
}

/** The journal file of one data dir: read once by {@link HistoryJournal.open}, then appended to and compacted. */
export class HistoryJournal {
  readonly path: string;
  /** The file before the last compaction. */
  readonly backupPath: string;
  readonly tempPath: string;
  private readonly dir: string;
  private readonly io: JournalIo;
  private fd: number | undefined;
  private size = 0;
  /** The file does not end on a newline (a failed write left a fragment): the next append starts with one. */
  private needsNewline = false;
  /** A write failed and was logged; the next success is logged too, and failures in between are not. */
  private failing = false;

  constructor(private readonly options: HistoryJournalOptions) {
    this.dir = join(options.dataDir, 'history');
    this.path = join(this.dir, JOURNAL_FILE);
    this.backupPath = `${this.path}.1`;
    this.tempPath = `${this.path}.tmp`;
    this.io = options.io ?? nodeFs;
  }

  /** Bytes in the journal file, as far as this process wrote or read them. */
  get bytes(): number {
    return this.size;
  }

  /** Whether appends reach the disk (false after an unreadable file or when the file could not be opened). */
  get writable(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Reads the journal, repairs its tail and opens it for appending. A missing file is an empty history. A file that
   * cannot be read at all is left alone (never appended to, so nothing is mixed into it) and the history runs in
   * memory only; the returned problem says so.
   */
  open(): JournalContents {
    let data: Buffer;
    try {
      nodeFs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // A compaction that died before its rename: the journal itself is whole, the copy is not needed.
      removeQuietly(this.tempPath);
      data = nodeFs.readFileSync(this.path);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') {
        const problem = `The call history could not be read (${describe(err)}); calls are kept in memory only until the app restarts`;
        this.options.log(`history: ${problem}`);
        return { events: [], dropped: 0, problem };
      }
      data = Buffer.alloc(0);
    }
    const parsed = parseJournal(data);
    this.needsNewline = parsed.openLine;
    if (parsed.torn > 0) this.truncateTail(parsed.goodLength, data.length);
    this.openForAppend();
    const problem = problemText(parsed.torn, parsed.garbled);
    if (problem) this.options.log(`history: ${this.path}: ${problem}`);
    return { events: parsed.events, dropped: parsed.torn + parsed.garbled, ...(problem ? { problem } : {}) };
  }

  /** Appends one event: one write, then fsync. False when it did not reach the disk (logged). */
  append(event: HistoryEvent): boolean {
    if (this.fd === undefined) return false;
    const line = Buffer.from(`${this.needsNewline ? '\n' : ''}${formatEvent(event)}`, 'utf8');
    try {
      const written = this.io.writeSync(this.fd, line);
      if (written !== line.length) throw new Error(`short write (${written} of ${line.length} bytes)`);
    } catch (err) {
      this.failed(`cannot write to ${this.path}: ${describe(err)}`);
      this.undoPartialWrite();
      return false;
    }
    this.size += line.length;
    this.needsNewline = false;
    try {
      this.io.fsyncSync(this.fd);
    } catch (err) {
      // The line is written (the OS has it); only its durability across a power loss is in doubt.
      this.failed(`cannot flush ${this.path} to disk: ${describe(err)}`);
      return false;
    }
    this.recovered();
    return true;
  }

  /**
   * Replaces the journal by `events` atomically (temp file, fsync, rename). The previous file is kept as
   * `calls.jsonl.1` when `keepBackup`, else the backup is removed (after clearing, the old calls must be gone).
   * False when it failed (logged); the old journal then stays in use.
   */
  rewrite(events: readonly HistoryEvent[], { keepBackup }: { keepBackup: boolean }): boolean {
    if (this.fd === undefined) return false;
    const data = Buffer.from(events.map(formatEvent).join(''), 'utf8');
    try {
      this.writeTemp(data);
    } catch (err) {
      this.failed(`cannot compact ${this.path}: ${describe(err)}`);
      removeQuietly(this.tempPath);
      return false;
    }
    this.closeFd();
    let replaced = false;
    try {
      nodeFs.rmSync(this.backupPath, { force: true });
      if (keepBackup) this.keepBackup();
      nodeFs.renameSync(this.tempPath, this.path);
      replaced = true;
      this.syncDir();
    } catch (err) {
      this.failed(`cannot replace ${this.path} by its compacted copy: ${describe(err)}`);
      removeQuietly(this.tempPath);
    }
    if (replaced) this.needsNewline = false;
    this.openForAppend();
    if (replaced) this.recovered();
    return replaced;
  }

  /** Closes the file; later appends are dropped. */
  close(): void {
    this.closeFd();
  }

  private writeTemp(data: Buffer): void {
    const fd = nodeFs.openSync(this.tempPath, 'w', 0o600);
    try {
      let offset = 0;
      while (offset < data.length) offset += this.io.writeSync(fd, data.subarray(offset));
      this.io.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  }

  /** A hard link costs nothing; where the file system has none, a copy. */
  private keepBackup(): void {
    if (!nodeFs.existsSync(this.path)) return;
    try {
      nodeFs.linkSync(this.path, this.backupPath);
    } catch {
      nodeFs.copyFileSync(this.path, this.backupPath);
    }
  }

  /** Makes the rename itself durable. Windows cannot open a directory for fsync; its rename is durable enough. */
  private syncDir(): void {
    let fd: number | undefined;
    try {
      fd = nodeFs.openSync(this.dir, 'r');
      nodeFs.fsyncSync(fd);
    } catch {
      // Best effort only: the rename is done either way.
    } finally {
      if (fd !== undefined) nodeFs.closeSync(fd);
    }
  }

  private truncateTail(goodLength: number, fileLength: number): void {
    try {
      nodeFs.truncateSync(this.path, goodLength);
    } catch (err) {
      this.options.log(`history: cannot cut the torn end off ${this.path}: ${describe(err)}`);
      // The fragment stays; a newline before the next event keeps that event on a line of its own.
      this.needsNewline = fileLength > 0;
    }
  }

  private openForAppend(): void {
    try {
      this.fd = nodeFs.openSync(this.path, 'a', 0o600);
      this.size = nodeFs.fstatSync(this.fd).size;
    } catch (err) {
      this.fd = undefined;
      this.failed(`cannot open ${this.path} for writing: ${describe(err)}; calls are kept in memory only`);
    }
  }

  /** Takes back a partly written line; where that fails too, the next line starts on a fresh line. */
  private undoPartialWrite(): void {
    if (this.fd === undefined) return;
    try {
      nodeFs.ftruncateSync(this.fd, this.size);
    } catch {
      this.needsNewline = true;
    }
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      nodeFs.closeSync(this.fd);
    } catch {
      // Nothing to save: every line was fsynced when written.
    }
    this.fd = undefined;
  }

  private failed(message: string): void {
    if (this.failing) return;
    this.failing = true;
    this.options.log(`history: ${message}`);
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.log(`history: writing ${this.path} works again`);
  }
}

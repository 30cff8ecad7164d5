/**
 * Loads and saves `settings.json` in the data dir (docs/config.md). Writes are atomic (temp file in the same dir,
 * fsync, rename, fsync of the dir) and the file is mode 0600. A file that fails validation (wholly, or in the lines,
 * keys or lists set aside at load) is never overwritten until valid settings are saved, and even then it is kept as
 * `settings.json.rejected-<timestamp>`.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Result } from '../../shared/result';
import { fail, ok } from '../../shared/result';
import type { Settings } from '../../shared/settings';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { FieldError } from '../../shared/settings-validate';
import { describeProblems, settingsErrors, validateSettings } from '../../shared/settings-validate';
import { salvageSettings } from './settings-salvage';

/** Encrypts passwords at rest. Main injects one over Electron safeStorage; serve mode injects {@link plainCipher}. */
export interface SecretCipher {
  readonly kind: 'safeStorage' | 'plain';
  encrypt(plain: string): string;
  /** Throws when `data` cannot be decrypted (other machine or user, corrupted). */
  decrypt(data: string): string;
}

/** No encryption: the password is stored as is; the file's 0600 mode is the only protection (serve mode). */
export const plainCipher: SecretCipher = { kind: 'plain', encrypt: (s) => s, decrypt: (s) => s };

/** A password as written to disk. */
export interface StoredSecret {
  enc: SecretCipher['kind'];
  data: string;
}

/** An expected storage failure (disk full, permission denied) while saving. */
export class SettingsStoreError extends Error {
  override readonly name = 'SettingsStoreError';
  readonly code = 'storage-error';
}

export const SETTINGS_FILE = 'settings.json';
const TEMP_PREFIX = `${SETTINGS_FILE}.tmp-`;

export interface SettingsStoreOptions {
  dataDir: string;
  cipher: SecretCipher;
  /** Wall clock for the `.rejected-<timestamp>` suffix. */
  now?: () => number;
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SettingsStore {
  readonly filePath: string;
  private settings: Settings = structuredClone(DEFAULT_SETTINGS);
  private loadProblem: string | undefined;
  /** The file on disk was refused: it must be moved aside, never overwritten, by the next save. */
  private fileRejected = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SettingsStoreOptions) {
    this.filePath = join(options.dataDir, SETTINGS_FILE);
  }

  /**
   * The settings in force: the file's, with lines that have problems disabled and keys, lists and custom states that
   * have problems left out; the defaults or the last good ones when the whole file was refused.
   */
  get current(): Settings {
    return this.settings;
  }

  /**
   * Why the settings file was refused on load, or which parts of it were set aside: every problem, each naming its
   * field; undefined when it loaded fine.
   */
  get problem(): string | undefined {
    return this.loadProblem;
  }

  get cipherKind(): SecretCipher['kind'] {
    return this.options.cipher.kind;
  }

  /**
   * Reads the file. A missing file gives the defaults, and so do missing blocks and fields in it. Problems confined to lines (a bad field, a password that
   * cannot be decrypted), keys, lists or custom states set just those aside (lines disabled, the rest left out);
   * any other problem (not JSON, wrong version, timers, …) refuses the file and the current settings stay. Either way
   * {@link problem} says what and why, and the file is not overwritten until settings are saved.
   */
  async load(): Promise<Settings> {
    return this.serialize(() => this.doLoad());
  }

  /** Validates and writes `settings`. A failed validation never touches the file. */
  async save(settings: Settings): Promise<Result<Settings>> {
    return this.serialize(() => this.doSave(settings));
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doLoad(): Promise<Settings> {
    await fs.mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    await this.removeStaleTempFiles();
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        this.loadProblem = undefined;
        this.fileRejected = false;
        return this.settings;
      }
      return this.refuse(`Cannot read ${this.filePath}: ${describe(err)}`, false);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return this.refuse(`${this.filePath} is not valid JSON (${describe(err)}); it was left untouched`);
    }
    const decodeErrors: FieldError[] = [];
    const decoded = this.decodePasswords(raw, decodeErrors);
    const result = validateSettings(decoded);
    if (result.ok && decodeErrors.length === 0) {
      this.settings = result.value;
      this.loadProblem = undefined;
      this.fileRejected = false;
      return this.settings;
    }
    // An undecryptable password also fails "password must be text": the first word on a field is enough.
    const errors = [...decodeErrors, ...settingsErrors(decoded)].filter((e, i, all) => all.findIndex((x) => x.field === e.field) === i);
    // Every problem, each with its field (capped, the rest counted): fixing a file one error per start is slow.
    const where = errors.length > 0 ? describeProblems(errors) : result.ok ? '' : result.error.message;
    // Problems inside single lines, keys or lists cost only those: the rest of the file runs (a crash loop otherwise).
    const salvaged = salvageSettings(decoded, errors);
    if (!salvaged) return this.refuse(`${this.filePath} was refused: ${where}. The file was left untouched; the last good settings are in use.`);
    this.settings = salvaged.settings;
    return this.refuse(
      `${this.filePath}: ${salvaged.setAside.join('; ')} until fixed in Settings: ${where}. The file was left untouched.`,
    );
  }

  private refuse(problem: string, rejectFile = true): Settings {
    this.loadProblem = problem;
    this.fileRejected = rejectFile;
    return this.settings;
  }

  /** Turns `{ enc, data }` passwords back into strings; a bare string is accepted as a hand-written plain password. */
  private decodePasswords(raw: unknown, errors: FieldError[]): unknown {
    if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { lines?: unknown }).lines))
      return raw;
    const lines = (raw as { lines: unknown[] }).lines.map((line, i) => {
      if (typeof line !== 'object' || line === null || !('password' in line)) return line;
      const stored = (line as { password: unknown }).password;
      if (typeof stored === 'string') return line;
      const field = `lines.${i}.password`;
      const label = `Line ${i + 1}: password`;
      const s = stored as Partial<StoredSecret> | null;
      if (
        typeof s !== 'object' ||
        s === null ||
        typeof s.data !== 'string' ||
        (s.enc !== 'plain' && s.enc !== 'safeStorage')
      ) {
        errors.push({ field, message: `${label} must be { "enc": "plain" | "safeStorage", "data": "…" }` });
        return line;
      }
      if (s.enc === 'plain') return { ...line, password: s.data };
      if (this.options.cipher.kind !== 'safeStorage') {
        errors.push({
          field,
          message: `${label} is encrypted with the OS keychain (safeStorage), which is not available here`,
        });
        return line;
      }
      try {
        return { ...line, password: this.options.cipher.decrypt(s.data) };
      } catch (err) {
        errors.push({ field, message: `${label} cannot be decrypted (${describe(err)})` });
        return line;
      }
    });
    return { ...raw, lines };
  }

  private encode(settings: Settings): unknown {
    const { cipher } = this.options;
    return {
      ...settings,
      lines: settings.lines.map((line) => {
        if (line.password === undefined) return line;
        const password: StoredSecret = { enc: cipher.kind, data: cipher.encrypt(line.password) };
        return { ...line, password };
      }),
    };
  }

  private async doSave(input: Settings): Promise<Result<Settings>> {
    const validated = validateSettings(input);
    if (!validated.ok) return validated;
    const settings = validated.value;
    try {
      const text = `${JSON.stringify(this.encode(settings), null, 2)}\n`;
      await fs.mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
      if (this.fileRejected) await this.keepRejectedFile();
      await this.writeAtomically(text);
    } catch (err) {
      const e = new SettingsStoreError(`Cannot save ${this.filePath}: ${describe(err)}`);
      return fail(e.code, e.message);
    }
    this.settings = settings;
    this.loadProblem = undefined;
    this.fileRejected = false;
    return ok(settings);
  }

  private async keepRejectedFile(): Promise<void> {
    const stamp = new Date((this.options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    try {
      await fs.rename(this.filePath, `${this.filePath}.rejected-${stamp}`);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    const temp = join(this.options.dataDir, `${TEMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      // The umask may have narrowed the mode further, never widened it; chmod makes it exactly 0600.
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await fs.rename(temp, this.filePath);
    await this.syncDir();
  }

  /** Makes the rename itself durable (POSIX); directories cannot be opened for fsync on Windows. */
  private async syncDir(): Promise<void> {
    let dir: fs.FileHandle | undefined;
    try {
      dir = await fs.open(this.options.dataDir, 'r');
      await dir.sync();
    } catch (err) {
      if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes(errnoCode(err) ?? '')) throw err;
    } finally {
      await dir?.close();
    }
  }

  /** Temp files are only left by a crash in the middle of a write; the real file is still the last complete one. */
  private async removeStaleTempFiles(): Promise<void> {
    const names = await fs.readdir(this.options.dataDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(TEMP_PREFIX))
        .map((n) => fs.rm(join(this.options.dataDir, n), { force: true })),
    );
  }
}

/**
 * Byte-level framing of SIP messages on a stream (RFC 3261 §18.3). Deliberately independent of the message parser:
 * it only finds the end of the header section and reads Content-Length (or its compact form `l`, §7.3.3) to know
 * where the body ends.
 */

const CR = 0x0d;
const LF = 0x0a;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/** Why a stream could not be framed; the connection carrying it cannot be resynchronised and must be closed. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    message: string,
    readonly code:
      'missing-content-length' | 'invalid-content-length' | 'header-too-large' | 'body-too-large',
  ) {
    super(message);
  }
}

/** A CRLF keep-alive seen between messages (RFC 5626 §4.4.1): `ping` is CRLFCRLF, `pong` a lone CRLF. */
export type KeepAliveSignal = 'ping' | 'pong';

export interface StreamFramerOptions {
  /** Largest accepted start line plus headers, in bytes. Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest accepted body, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Called for each keep-alive between messages. */
  onKeepAlive?: (signal: KeepAliveSignal) => void;
}

/**
 * Splits a byte stream into whole SIP messages. Feed it every chunk in order; it returns the messages completed by
 * that chunk (headers and body, exactly Content-Length body bytes). After a {@link FramingError} the framer stays
 * failed: the stream position is unknown, so every later push throws the same error.
 */
export class StreamFramer {
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private readonly onKeepAlive?: (signal: KeepAliveSignal) => void;
  /** Unconsumed bytes live in buf[start, end); growth doubles so total copying stays linear in the input. */
  private buf = Buffer.alloc(4096);
  private start = 0;
  private end = 0;
  /** Offset (relative to `start`) up to which the header section was already searched for its terminator. */
  private scannedTo = 0;
  /** Total length of the message being read, once its headers are complete. */
  private expected: number | undefined;
  private idleLineFeeds = 0;
  private pongReported = false;
  private failure: FramingError | undefined;

  constructor(options: StreamFramerOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.onKeepAlive = options.onKeepAlive;
  }

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Appends `chunk` and returns every message it completes, in order. Throws {@link FramingError}. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failure) throw this.failure;
    this.append(chunk);
    const messages: Buffer[] = [];
    try {
      for (;;) {
        if (this.expected === undefined && !this.readHeaders()) break;
        const expected = this.expected as number;
        if (this.buffered < expected) break;
        messages.push(Buffer.from(this.buf.subarray(this.start, this.start + expected)));
        this.consume(expected);
        this.expected = undefined;
      }
    } catch (err) {
      if (err instanceof FramingError) this.fail(err);
      throw err;
    }
    if (this.idleLineFeeds === 1 && this.buffered === 0 && !this.pongReported) {
      // A lone CRLF at the end of the data is a pong; keep counting in case it was the first half of a split ping.
      this.pongReported = true;
      this.onKeepAlive?.('pong');
    }
    return messages;
  }

  /** Skips CRLFs between messages, then finds the header end. Returns false when more bytes are needed. */
  private readHeaders(): boolean {
    this.skipKeepAlives();
    const length = this.buffered;
    if (length === 0) return false;
    const view = this.buf.subarray(this.start, this.end);
    const headerEnd = findHeaderEnd(view, this.scannedTo);
    if (headerEnd === undefined) {
      if (length > this.maxHeaderBytes)
        throw new FramingError(`header section exceeds ${this.maxHeaderBytes} bytes`, 'header-too-large');
      this.scannedTo = length;
      return false;
    }
    if (headerEnd.end > this.maxHeaderBytes)
      throw new FramingError(`header section exceeds ${this.maxHeaderBytes} bytes`, 'header-too-large');
    const bodyLength = contentLength(view.subarray(0, headerEnd.index).toString('latin1'));
    if (bodyLength > this.maxBodyBytes) {
      throw new FramingError(`body of ${bodyLength} bytes exceeds ${this.maxBodyBytes}`, 'body-too-large');
    }
    this.expected = headerEnd.end + bodyLength;
    this.scannedTo = 0;
    return true;
  }

  /** RFC 3261 §7.5: CRLFs before a start line are ignored; RFC 5626 §4.4.1 gives them keep-alive meaning. */
  private skipKeepAlives(): void {
    let i = this.start;
    while (i < this.end && (this.buf[i] === CR || this.buf[i] === LF)) {
      if (this.buf[i] === LF && ++this.idleLineFeeds === 2) {
        this.idleLineFeeds = 0;
        this.pongReported = false;
        this.onKeepAlive?.('ping');
      }
      i++;
    }
    this.consume(i - this.start);
    if (this.buffered > 0 && this.idleLineFeeds === 1) {
      if (!this.pongReported) this.onKeepAlive?.('pong');
      this.idleLineFeeds = 0;
      this.pongReported = false;
    }
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const needed = this.buffered + chunk.length;
      if (needed > this.buf.length / 2) {
        let size = this.buf.length;
        while (size < needed) size *= 2;
        const grown = Buffer.alloc(size);
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      } else {
        this.buf.copy(this.buf, 0, this.start, this.end);
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private consume(count: number): void {
    this.start += count;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      // Do not keep a large message's buffer alive on an idle connection.
      if (this.buf.length > 64 * 1024) this.buf = Buffer.alloc(4096);
    }
  }

  private fail(error: FramingError): void {
    this.failure = error;
    this.buf = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
  }
}

/** Finds the blank line ending the headers, resuming a previous search from `from`; tolerates bare-LF senders. */
function findHeaderEnd(view: Buffer, from: number): { index: number; end: number } | undefined {
  const crlf = view.indexOf(CRLFCRLF, Math.max(0, from - 3));
  const lf = view.indexOf(LFLF, Math.max(0, from - 1));
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, end: crlf + 4 };
  if (lf >= 0) return { index: lf, end: lf + 2 };
  return undefined;
}

/**
 * Reads Content-Length (long or compact name, any case, folded lines joined) from a header section in latin1.
 * RFC 3261 §18.3 makes it mandatory on streams; conflicting duplicates would let two peers frame differently.
 */
export function contentLength(headerSection: string): number {
  const lines = headerSection.split(/\r?\n/).slice(1);
  let value: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1] as string))
      line += ' ' + (lines[++i] as string).trim();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name !== 'content-length' && name !== 'l') continue;
    const raw = line.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(raw))
      throw new FramingError(`invalid Content-Length "${raw}"`, 'invalid-content-length');
    const parsed = Number(raw);
    if (value !== undefined && value !== parsed)
      throw new FramingError('conflicting Content-Length headers', 'invalid-content-length');
    value = parsed;
  }
  if (value === undefined)
    throw new FramingError('Content-Length is mandatory on stream transports', 'missing-content-length');
  return value;
}

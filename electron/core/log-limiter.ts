/**
 * {@link LogLimiter}: keeps the log readable and small when the network is hostile. Anyone who can send a UDP
 * packet to the console can make it log (a malformed message, a bad NOTIFY body); written in full, 100,000 such
 * packets once made 28 MB of stderr. Each kind of line is now written at most once per window, later ones are
 * counted into one summary line, and every line is cut to a fixed number of bytes with control characters escaped,
 * so received bytes can neither flood the log nor forge lines in it.
 */
import type { Clock, TimerHandle } from '../sip/clock';
import { isControl } from '../sip/message/control-chars';

export interface LogLimiterOptions {
  clock: Clock;
  /** Receives each line that passes, already truncated. */
  write: (line: string) => void;
  /** Length of a window per reason. Default 10 s. */
  windowMs?: number;
  /** Longest line written, in UTF-8 bytes. Default 200. */
  maxBytes?: number;
  /** Reasons tracked at once; beyond, lines share one overflow reason (bounds memory on odd input). Default 256. */
  maxReasons?: number;
}

interface Window {
  suppressed: number;
  last: string;
  timer: TimerHandle;
}

const OVERFLOW_REASON = '(other)';
const ELLIPSIS = '…';

/**
 * The reason of a log line: its text before the first `": "`, e.g. `malformed SIP message dropped` or
 * `NOTIFY for sip:101@pbx (dialog) ignored`. Engine messages put a fixed description there, never received bytes.
 */
export function reasonOf(message: string): string {
  const colon = message.indexOf(': ');
  return (colon < 0 ? message : message.slice(0, colon)).slice(0, 100);
}

/** Rate limiter per reason: the first line of a window is written, the rest summarised when the window ends. */
export class LogLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly maxBytes: number;
  private readonly maxReasons: number;

  constructor(private readonly options: LogLimiterOptions) {
    this.windowMs = options.windowMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? 200;
    this.maxReasons = options.maxReasons ?? 256;
  }

  /** Writes `message` unless a line of the same reason was written in this window; then it is only counted. */
  log(message: string, reason: string = reasonOf(message)): void {
    const key = this.windows.has(reason) || this.windows.size < this.maxReasons ? reason : OVERFLOW_REASON;
    const open = this.windows.get(key);
    if (open) {
      open.suppressed++;
      open.last = message;
      return;
    }
    this.options.write(truncate(message, this.maxBytes));
    this.windows.set(key, { suppressed: 0, last: '', timer: this.schedule(key) });
  }

  /** Writes the summaries still pending (before the process exits) and forgets every window. */
  flush(): void {
    for (const [reason, window] of this.windows) {
      this.options.clock.clearTimeout(window.timer);
      if (window.suppressed > 0) this.options.write(this.summary(reason, window));
    }
    this.windows.clear();
  }

  private schedule(reason: string): TimerHandle {
    return this.options.clock.setTimeout(() => this.windowEnded(reason), this.windowMs);
  }

  /** A window with suppressed lines ends in their summary and a new window (a flood stays at one line per window). */
  private windowEnded(reason: string): void {
    const window = this.windows.get(reason);
    if (!window) return;
    if (window.suppressed === 0) {
      this.windows.delete(reason);
      return;
    }
    this.options.write(this.summary(reason, window));
    window.suppressed = 0;
    window.last = '';
    window.timer = this.schedule(reason);
  }

  private summary(reason: string, window: Window): string {
    const seconds = Math.round(this.windowMs / 1000);
    return truncate(`${reason}: ${window.suppressed} more suppressed in the last ${seconds} s; last: ${window.last}`, this.maxBytes);
  }
}

/** `line` with control characters escaped, cut to `maxBytes` UTF-8 bytes (an ellipsis marks the cut). */
export function truncate(line: string, maxBytes: number): string {
  // Every character is at least one byte: what lies beyond the first `maxBytes` characters is never written.
  const cut = line.length > maxBytes;
  let text = '';
  for (const ch of cut ? line.slice(0, maxBytes) : line) {
    const code = ch.charCodeAt(0);
    text += isControl(code) || code === 0x09 ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  if (!cut && Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}

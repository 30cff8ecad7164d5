/**
 * The last safety net of the Electron main process (issue 7): an error nothing caught, or a promise rejection
 * nobody observed, is logged and the console keeps running. Node's default is to exit, which for a receptionist
 * means lamps and lines gone mid-call; the real fixes (guards around every SIP callback, no unobserved promises)
 * live in the engine, so anything arriving here is a bug worth a log line, not a reason to die.
 */

/** The part of `process` this needs; injected in tests. */
export interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

/** Longest log line per report: a hostile input echoed into an error message must not flood the log. */
const MAX_REPORT_CHARS = 4000;

function describe(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return text.length > MAX_REPORT_CHARS ? `${text.slice(0, MAX_REPORT_CHARS)}…` : text;
}

/** Installs the handlers; `log` gets one line per event (it must not throw). */
export function installLastResortHandlers(proc: ProcessEvents, log: (line: string) => void): void {
  proc.on('unhandledRejection', (reason) => log(`Unhandled promise rejection (kept running): ${describe(reason)}`));
  proc.on('uncaughtException', (error) => log(`Uncaught exception (kept running): ${describe(error)}`));
}

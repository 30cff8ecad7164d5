/**
 * Child process for the history crash test (`test/integration/history-crash.test.ts`): opens a real
 * {@link HistoryService} on `<dataDir>` and reports a burst of {@link BURST_EVENTS} call events (start, answer, end
 * of call after call) as fast as it can, printing the count of events done after each one. A count on stdout means
 * that event was written and fsynced. Then it idles until the test kills it.
 *
 * Run as `node --import tsx test/support/history-writer.ts <dataDir>`.
 */
import { pathToFileURL } from 'node:url';
import { HistoryService } from '../../electron/core/history/history-service';

/** Events in the burst: 33 whole calls and the start of a 34th. */
export const BURST_EVENTS = 100;

function main(dataDir: string): void {
  const history = new HistoryService({
    dataDir,
    clock: { wallNow: () => Date.now() },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  history.open();
  let done = 0;
  const report = (): void => {
    done++;
    // Synchronous on a pipe (Linux, macOS): the parent has the count before the next event starts.
    process.stdout.write(`${done}\n`);
  };
  for (let call = 0; done < BURST_EVENTS; call++) {
    const id = `burst-${call}`;
    const at = Date.now();
    const number = String(100 + (call % 7));
    history.callStarted({
      id,
      line: 1,
      direction: call % 2 ? 'outgoing' : 'incoming',
      far: { number, uri: `sip:${number}@pbx.test` },
      at,
    });
    report();
    if (done >= BURST_EVENTS) break;
    history.callAnswered(id, at + 1);
    report();
    if (done >= BURST_EVENTS) break;
    history.callEnded(id, { at: at + 2, cause: 'remote-hangup' });
    report();
  }
  process.stdout.write('done\n');
  setInterval(() => undefined, 60_000);
}

// Imported by the test for BURST_EVENTS: run only as the script itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dataDir = process.argv[2];
  if (!dataDir) {
    process.stderr.write('usage: history-writer.ts <dataDir>\n');
    process.exit(2);
  }
  main(dataDir);
}

/**
 * The flood benchmark's second baseline: the raw responder plus the console's own parsers on every NOTIFY — the SIP
 * message (`parseMessage`) and its event body (`parseEventBody`, a dialog-info document here) — and nothing else: no
 * transactions, no dialogs, no queue, no tiles, no trace. It prices the parsing any subscriber that shows lamps must
 * do, so the engine's cost can be read as "parsing" plus "everything else".
 */
import { parseEventBody } from '../../electron/sip/event-bodies';
import { parseMessage, SipParseError } from '../../electron/sip/message';
import { runResponder } from './responder';

/** Bodies that did not parse: none are expected, and a count keeps the parse from being optimized away. */
let refused = 0;
runResponder((data) => {
  try {
    const message = parseMessage(data);
    const parsed = parseEventBody(message.get('Content-Type') ?? '', message.body);
    if (!parsed.ok) refused++;
  } catch (error) {
    if (!(error instanceof SipParseError)) throw error;
    refused++;
  }
});
process.on('exit', () => {
  if (refused > 0) console.error(`parsing responder: ${refused} NOTIFYs did not parse`);
});

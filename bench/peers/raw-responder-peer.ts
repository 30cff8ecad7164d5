/**
 * The flood benchmark's first baseline: the least a SIP subscriber can do — answer every NOTIFY from its bytes, with
 * no parser, no transactions, no state (see `responder.ts`).
 */
import { runResponder } from './responder';

runResponder();

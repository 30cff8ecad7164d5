/**
 * Micro-benchmark for the dialog-info parser (wired into `npm run bench` by the lead). The body is a Kamailio-style
 * NOTIFY with a lingering terminated dialog and a live one: the common shape on a busy panel.
 */
import { parseDialogInfo } from '../electron/sip/event-bodies/dialog-info';

const BODY = new TextEncoder().encode(`<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="9" state="full" entity="sip:101@pbx.example.com">
  <dialog id="1b7d9e02-call-a" call-id="1b7d9e02-call-a" local-tag="a1" remote-tag="b1" direction="recipient">
    <state event="remote-bye">terminated</state>
    <local><identity>sip:101@pbx.example.com</identity></local>
    <remote><identity>sip:103@pbx.example.com</identity></remote>
  </dialog>
  <dialog id="c44f0a9e-call-b" call-id="c44f0a9e-call-b" local-tag="a2" remote-tag="b2" direction="recipient">
    <state>confirmed</state>
    <local>
      <identity display="Reception">sip:101@pbx.example.com</identity>
      <target uri="sip:101@192.0.2.10:5060"><param pname="+sip.rendering" pvalue="yes"/></target>
    </local>
    <remote>
      <identity display="Bob &amp; Co">sip:102@pbx.example.com</identity>
      <target uri="sip:102@192.0.2.11:5060"/>
    </remote>
  </dialog>
</dialog-info>
`);

/** Parses the sample body `iterations` times after a short warm-up and returns parses per second. */
export function benchDialogInfo(iterations = 20_000): number {
  const warmUp = Math.min(1_000, iterations);
  for (let i = 0; i < warmUp; i++) parseDialogInfo(BODY);
  const start = process.hrtime.bigint();
  let dialogs = 0;
  for (let i = 0; i < iterations; i++) {
    const result = parseDialogInfo(BODY);
    if (!result.ok) throw new Error(`benchmark body no longer parses: ${result.reason}`);
    dialogs += result.value.dialogs.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (dialogs !== iterations * 2) throw new Error('benchmark body lost a dialog');
  return iterations / seconds;
}

/**
 * Benchmark for issue 3's "RLMI 1,000 resources < 30 ms": a full-state RFC 4662 list NOTIFY body whose every
 * resource carries an `application/dialog-info+xml` part (the Kamailio rls shape, call-ids and tags included),
 * parsed by {@link parseEventBody}. Wired into `npm run bench` by the lead.
 */
import { parseEventBody } from '../electron/sip/event-bodies/index';

const BOUNDARY = 'rlmi-bench-7c1f0a';

/** Builds the body and its Content-Type (boundary last, `start` in the middle). */
export function buildRlmiBody(resources: number): { contentType: string; body: Uint8Array } {
  const rlmi: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:panel@pbx.example.com" version="1" fullState="true">',
    '  <name xml:lang="en">Reception panel</name>',
  ];
  const parts: string[] = [];
  for (let i = 0; i < resources; i++) {
    const ext = 1000 + i;
    const state = ['confirmed', 'early', 'terminated'][i % 3];
    rlmi.push(
      `  <resource uri="sip:${ext}@pbx.example.com"><name>Extension ${ext}</name>` +
        `<instance id="i${ext}" state="active" cid="d${ext}@pbx.example.com"/></resource>`,
    );
    parts.push(
      `--${BOUNDARY}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <d${ext}@pbx.example.com>\r\n` +
        'Content-Type: application/dialog-info+xml;charset="UTF-8"\r\n\r\n' +
        '<?xml version="1.0"?>\r\n' +
        `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:${ext}@pbx.example.com">\r\n` +
        ` <dialog id="c${ext}" call-id="c${ext}-a8f3" local-tag="lt${ext}" remote-tag="rt${ext}" direction="recipient">\r\n` +
        `  <state>${state}</state>\r\n` +
        `  <local><identity>sip:${ext}@pbx.example.com</identity><target uri="sip:${ext}@192.0.2.10"/></local>\r\n` +
        '  <remote><identity display="Caller">sip:200@pbx.example.com</identity></remote>\r\n' +
        ' </dialog>\r\n</dialog-info>\r\n',
    );
  }
  rlmi.push('</list>');
  const root =
    `--${BOUNDARY}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <list@pbx.example.com>\r\n` +
    `Content-Type: application/rlmi+xml;charset="UTF-8"\r\n\r\n${rlmi.join('\r\n')}\r\n`;
  const body = new TextEncoder().encode(`${root}${parts.join('')}--${BOUNDARY}--\r\n`);
  const contentType = `multipart/related;type="application/rlmi+xml";start="<list@pbx.example.com>";boundary="${BOUNDARY}"`;
  return { contentType, body };
}

/** Times `parseEventBody` on a `resources`-member full-state list: median of 11 runs after 5 warm-ups. */
export function benchRlmi(resources = 1000): { parseMs: number; bodyBytes: number } {
  const { contentType, body } = buildRlmiBody(resources);
  const times: number[] = [];
  for (let run = 0; run < 16; run++) {
    const start = performance.now();
    const result = parseEventBody(contentType, body);
    const elapsed = performance.now() - start;
    if (!result.ok || result.value.type !== 'resource-list' || result.value.resources.length !== resources) {
      throw new Error(`benchmark body no longer parses: ${result.ok ? 'wrong shape' : result.reason}`);
    }
    if (result.value.resources.some((r) => r.body === undefined))
      throw new Error('benchmark body lost a part');
    if (run >= 5) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return { parseMs: times[Math.floor(times.length / 2)] ?? Number.NaN, bodyBytes: body.length };
}

/**
 * The baselines of the flood benchmark: a subscriber that SUBSCRIBEs with hand-built strings and answers every
 * NOTIFY 200 by copying the header lines a response needs (RFC 3261 §8.2.6.2) — no transactions, no state, no tiles.
 * `raw-responder-peer.ts` does nothing more; `parsing-responder-peer.ts` also runs the console's parsers on every
 * NOTIFY (`inspect`), the least a subscriber that shows lamps must do. What the console costs is measured against
 * both in the same run.
 */
import { createSocket } from 'node:dgram';
import type { FloodPeerCommand, FloodPeerReport } from './flood-peer-protocol';

const COPIED = /^(via|from|to|call-id|cseq|v|f|t|i):/i;

/** Runs a baseline responder in this process; `inspect` sees every NOTIFY's bytes after its 200 is sent. */
export function runResponder(inspect?: (data: Buffer) => void): void {
  const send = (report: FloodPeerReport): void => void process.send?.(report);
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
  let pending = 0;
  let startedAt = 0;
  let cpuMark = process.cpuUsage();

  function subscribe(notifierPort: number, i: number): void {
    const ext = 1000 + i;
    const local = socket.address().port;
    const text =
      `SUBSCRIBE sip:${ext}@bench.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-raw-${i}\r\n` +
      `Max-Forwards: 70\r\nFrom: <sip:100@bench.local>;tag=raw${i}\r\nTo: <sip:${ext}@bench.local>\r\n` +
      `Call-ID: raw-${i}@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\nContact: <sip:100@127.0.0.1:${local}>\r\nEvent: dialog\r\n` +
      `Accept: application/dialog-info+xml\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`;
    socket.send(text, notifierPort, '127.0.0.1');
  }

  socket.on('message', (data, rinfo) => {
    const text = data.toString('latin1');
    if (text.startsWith('SIP/2.0 ')) {
      if (text.startsWith('SIP/2.0 200') && --pending === 0) send({ type: 'subscribed', ms: performance.now() - startedAt });
      return;
    }
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    const lines = head.split('\r\n');
    let response = 'SIP/2.0 200 OK\r\n';
    for (let i = 1; i < lines.length; i++) if (COPIED.test(lines[i]!)) response += `${lines[i]}\r\n`;
    socket.send(`${response}Content-Length: 0\r\n\r\n`, rinfo.port, rinfo.address);
    inspect?.(data);
  });

  process.on('message', (command: FloodPeerCommand) => {
    if (command.type === 'start') {
      startedAt = performance.now();
      pending = command.subscriptions;
      for (let i = 0; i < command.subscriptions; i++) subscribe(command.notifierPort, i);
    } else if (command.type === 'begin') cpuMark = process.cpuUsage();
    else if (command.type === 'end') {
      const cpu = process.cpuUsage(cpuMark);
      const memory = process.memoryUsage();
      send({ type: 'figures', cpuMicros: cpu.user + cpu.system, rss: memory.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: memory.heapUsed, depthAtEnd: 0, drainMs: 0, states: {} });
    } else if (command.type === 'exit') socket.close(() => process.exit(0));
  });

  socket.bind(0, '127.0.0.1', () => send({ type: 'ready' }));
}

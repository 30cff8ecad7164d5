/**
 * SIP core figures: message parse + serialize rate, and request → 200 OK over UDP loopback through the real stack
 * (transport, parser, transaction layer), with p50/p99 latency. Printed, never asserted: goals are tracked here,
 * not in timed tests.
 */
import { createSocket } from 'node:dgram';
import { TraceLog } from '../electron/core/trace-log';
import { SystemClock } from '../electron/sip/clock';
import { createResponse, parseMessage } from '../electron/sip/message';
import { loadSipFixture } from '../electron/sip/message/testing/message-fixtures';
import { SipStack, type WireEvent } from '../electron/sip/stack';
import { UdpTransport } from '../electron/sip/transport';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function benchParse(iterations = 50_000): Record<string, string> {
  const text = loadSipFixture('notify-utf8.sip');
  const bytes = Buffer.from(text);
  for (let i = 0; i < Math.min(2000, iterations); i++) createResponse(parseMessage(bytes) as never, 200).toBuffer();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const request = parseMessage(bytes);
    if (request.kind !== 'request') throw new Error('fixture is not a request');
    createResponse(request, 200).toBuffer();
  }
  const ms = performance.now() - start;
  return { 'parse NOTIFY + build and serialize 200': `${Math.round(iterations / (ms / 1000)).toLocaleString('en')} msg/s (${((ms * 1000) / iterations).toFixed(1)} µs each)` };
}

/** Sends `count` NOTIFYs from a raw UDP socket in bursts of `window` and times each 200 OK. */
export async function benchUdpAnswer(count = 20_000, window = 200): Promise<Record<string, string>> {
  const clock = new SystemClock();
  const transport = new UdpTransport({ host: '127.0.0.1', port: 0 });
  const stack = new SipStack({ clock, transportFactory: () => transport });
  stack.addRequestHandler((request, tx) => {
    if (request.method !== 'NOTIFY') return false;
    tx.respond(createResponse(request, 200, 'OK'));
    return true;
  });
  stack.listen('udp');
  await transport.start();
  const serverPort = transport.localAddress!.port;
  const client = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const clientPort = client.address().port;
  const template = loadSipFixture('notify-utf8.sip');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let answered = 0;
  let release: (() => void) | undefined;
  client.on('message', (data) => {
    const text = data.toString('latin1');
    const branch = /branch=([^;\r\n]+)/.exec(text)?.[1] ?? '';
    const t0 = sentAt.get(branch);
    if (t0 === undefined) return;
    sentAt.delete(branch);
    latencies.push(performance.now() - t0);
    answered++;
    if (sentAt.size === 0) release?.();
  });
  const start = performance.now();
  for (let sent = 0; sent < count; ) {
    const done = new Promise<void>((resolve) => (release = resolve));
    for (let i = 0; i < window && sent < count; i++, sent++) {
      const branch = `z9hG4bKbench${sent}`;
      const message = template
        .replace(/^Via: .*$/m, `Via: SIP/2.0/UDP 127.0.0.1:${clientPort};branch=${branch}\r`)
        .replace(/^CSeq: \d+/m, `CSeq: ${sent + 1}`);
      sentAt.set(branch, performance.now());
      client.send(message, serverPort, '127.0.0.1');
    }
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))]);
    sentAt.clear();
  }
  const seconds = (performance.now() - start) / 1000;
  const granted = transport.recvBufferSize;
  client.close();
  await stack.close();
  latencies.sort((a, b) => a - b);
  return {
    'NOTIFY → 200 OK over UDP loopback': `${Math.round(answered / seconds).toLocaleString('en')} answered/s, ${answered}/${count} answered`,
    'latency p50 / p99': `${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms (window ${window})`,
    'UDP receive buffer granted': `${(granted / 1024 / 1024).toFixed(1)} MiB`,
  };
}

/**
 * The SIP trace as the app wires it (electron/core/lines/line-manager.ts: every message into a {@link TraceLog},
 * the console service subscribed to its batches), for running a stack benchmark with the trace's cost included. `close` stops it.
 */
export function appTrace(): { onWire: (event: WireEvent) => void; close: () => void } {
  const trace = new TraceLog({ clock: new SystemClock() });
  let delivered = 0;
  const unsubscribe = trace.subscribe((batch) => (delivered += batch.length));
  return {
    onWire: (event) => trace.record(event),
    close: () => {
      trace.flush();
      unsubscribe();
      if (delivered === 0) throw new Error('the trace saw no messages');
    },
  };
}

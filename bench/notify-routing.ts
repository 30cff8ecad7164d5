/**
 * NOTIFY → 200 OK through the whole subscriber path (UDP transport, parser, transaction layer, SubscriptionRouter,
 * Subscription) on 127.0.0.1. `subscriptions` real subscriptions are set up against a raw dgram notifier running in a
 * worker thread (so its blasting does not steal the event loop under test), which then sends NOTIFYs across them in
 * windows and times each answer. Figures for `npm run bench`; never asserted.
 */
import { Worker } from 'node:worker_threads';
import { SystemClock } from '../electron/sip/clock';
import { SipStack, type SipStackOptions } from '../electron/sip/stack';
import { UdpTransport } from '../electron/sip/transport';
import { NOTIFIER_PEER_SOURCE } from './peers/notifier-peer';
import { fakeLineContext } from '../electron/sip/usage/testing/fake-line-context';
import { Subscription } from '../electron/sip/usage/subscription/subscription';
import { SubscriptionRouter } from '../electron/sip/usage/subscription/subscription-router';

export interface NotifyRoutingResult {
  subscriptions: number;
  sent: number;
  answered: number;
  answeredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** NOTIFYs that reached `onNotify` during the flood (retransmissions absorbed by the transaction layer are not). */
  handedOn: number;
  /** The same, formatted for printing. */
  figures: Record<string, string>;
}

type PeerMessage =
  | { type: 'listening'; port: number }
  | { type: 'dialogs'; size: number }
  | { type: 'warmed'; answered: number }
  | { type: 'result'; answered: number; seconds: number; p50: number; p99: number };

/** Resolves with the first message from the worker of the given type. */
function next<T extends PeerMessage['type']>(worker: Worker, type: T, predicate: (m: Extract<PeerMessage, { type: T }>) => boolean = () => true): Promise<Extract<PeerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PeerMessage): void => {
      if (message.type !== type || !predicate(message as Extract<PeerMessage, { type: T }>)) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(message as Extract<PeerMessage, { type: T }>);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

export interface NotifyRoutingOptions {
  count?: number;
  subscriptions?: number;
  window?: number;
  /** Open-loop rounds after the flood: each sends this many NOTIFYs a second for one second. */
  pacedRates?: readonly number[];
  /** The stack's wire hook, e.g. the app's SIP trace, to measure what it costs. */
  onWire?: SipStackOptions['onWire'];
}

/**
 * Sends `count` NOTIFYs round-robin over `subscriptions` subscriptions in bursts of `window` (each burst waits for
 * its answers, at most 2 s) and reports the answer rate and latency percentiles measured at the notifier.
 */
export async function benchNotifyRouting(options: NotifyRoutingOptions = {}): Promise<NotifyRoutingResult> {
  const { count = 20_000, subscriptions = 1000, window = 200, pacedRates = [5_000, 10_000, 20_000], onWire } = options;
  const clock = new SystemClock();
  const transport = new UdpTransport({ host: '127.0.0.1', port: 0 });
  const stack = new SipStack({ clock, transportFactory: () => transport, onWire });
  const router = new SubscriptionRouter(stack);
  stack.listen('udp');
  await transport.start();

  const worker = new Worker(NOTIFIER_PEER_SOURCE, { eval: true });
  const listening = next(worker, 'listening');
  worker.postMessage({ type: 'start', ourPort: transport.localAddress.port });
  const peerPort = (await listening).port;
  const allDialogs = next(worker, 'dialogs', (m) => m.size === subscriptions);

  const line = fakeLineContext(stack, { server: { protocol: 'udp', host: '127.0.0.1', port: peerPort }, domain: 'bench.local' });
  let delivered = 0;
  const subs: Subscription[] = [];
  for (let i = 0; i < subscriptions; i++) {
    const sub = new Subscription(
      line,
      { event: 'dialog', target: `sip:${1000 + i}@bench.local`, accept: ['application/dialog-info+xml'], expires: 3600 },
      { clock, router },
      { onNotify: () => delivered++, onStatus: () => undefined },
    );
    subs.push(sub);
    sub.start();
  }
  await allDialogs;
  // One NOTIFY per subscription before timing, as a notifier sends after the 2xx (RFC 6665 §4.2.1.2).
  const warmed = next(worker, 'warmed');
  worker.postMessage({ type: 'warm' });
  await warmed;
  await waitFor(() => subs.every((s) => s.status.state === 'active'), 10_000);

  const before = delivered;
  const result = next(worker, 'result');
  worker.postMessage({ type: 'flood', count, window });
  const { answered, seconds, p50, p99 } = await result;
  const handedOn = delivered - before;

  // Open loop at the target rate: what a notifier sending 20,000 NOTIFYs a second sees.
  const pacedFigures: Record<string, string> = {};
  for (const [round, rate] of pacedRates.entries()) {
    const pacedResult = next(worker, 'result');
    worker.postMessage({ type: 'paced', count: rate, rate, round });
    const r = await pacedResult;
    pacedFigures[`paced ${rate.toLocaleString('en')}/s for 1 s`] =
      `${r.answered}/${rate} answered, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;
  }

  await Promise.all(subs.map((s) => s.stop()));
  router.close();
  worker.postMessage({ type: 'close' });
  await new Promise((resolve) => worker.once('exit', resolve));
  await stack.close();

  const answeredPerSecond = Math.round(answered / seconds);
  return {
    subscriptions,
    sent: count,
    answered,
    answeredPerSecond,
    p50Ms: p50,
    p99Ms: p99,
    handedOn,
    figures: {
      'NOTIFY → 200 OK through SubscriptionRouter': `${answeredPerSecond.toLocaleString('en')} answered/s, ${answered}/${count} answered, ${handedOn} handed on`,
      'latency p50 / p99': `${p50.toFixed(2)} ms / ${p99.toFixed(2)} ms (window ${window}, ${subscriptions} subscriptions)`,
      ...pacedFigures,
    },
  };
}

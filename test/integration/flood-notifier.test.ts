import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest, createResponse, parseMessage } from '../../electron/sip/message';
import { startFloodNotifier, type FloodNotifier } from '../support/flood-notifier';
import {
  startRawWatcher,
  type RawWatcher,
  type WatcherNotify,
  type WatcherSubscription,
} from '../support/raw-watcher';

const SUBSCRIPTIONS = 20;

function version(n: WatcherNotify): number {
  return Number(/<dialog-info [^>]*version="(\d+)"/.exec(n.body)?.[1] ?? NaN);
}

/** Tile state as RFC 4235 defines it for one recipient dialog: early → ringing, confirmed → busy, else idle. */
function tileState(n: WatcherNotify): string {
  const state = /<state>([^<]+)<\/state>/.exec(n.body)?.[1];
  return state === 'early' ? 'ringing' : state === 'confirmed' ? 'busy' : 'idle';
}

describe('flood notifier', () => {
  let notifier: FloodNotifier;
  let watcher: RawWatcher;
  let subs: WatcherSubscription[];

  beforeAll(async () => {
    notifier = await startFloodNotifier();
    watcher = await startRawWatcher({ serverPort: notifier.port });
  });

  afterAll(async () => {
    await watcher?.stop();
    await notifier?.stop();
  });

  it('accepts dialog SUBSCRIBEs with 200 and an idle full-state NOTIFY at version 0', async () => {
    subs = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS }, (_, i) =>
        watcher.subscribe({ uri: `sip:${300 + i}@test.local`, event: 'dialog' }),
      ),
    );
    expect(subs.map((s) => s.status)).toEqual(Array(SUBSCRIPTIONS).fill(200));
    await notifier.waitForSubscriptions(SUBSCRIPTIONS);
    expect(notifier.subscriptions()).toBe(SUBSCRIPTIONS);
    for (const sub of subs) {
      const first = await watcher.waitForNotify(
        `initial NOTIFY of ${sub.uri}`,
        (n) => n.callId === sub.callId,
      );
      expect(version(first)).toBe(0);
      expect(tileState(first)).toBe('idle');
      expect(first.body).toContain(`entity="${sub.uri}"`);
      expect(first.subscriptionState).toMatch(/^active;expires=\d+/);
    }
  });

  it('gets every one of 500 NOTIFYs answered and reports the true final state per resource', async () => {
    const before = watcher.notifies.length;
    const result = await notifier.flood({ total: 500, durationMs: 500 });
    expect(result.sent).toBe(500);
    expect(result.answered).toBe(500);
    expect(result.failed).toBe(0);
    expect(result.timedOut).toBe(0);
    expect(result.sendMs).toBeGreaterThanOrEqual(400);

    const received = watcher.notifies.slice(before).filter((n) => !n.duplicate);
    expect(received).toHaveLength(500);
    expect(result.finalStates.size).toBe(SUBSCRIPTIONS);
    for (const sub of subs) {
      const mine = sub.notifies().filter((n) => !n.duplicate);
      // Versions count up by one per NOTIFY (RFC 4235 §4.1); the newest one is the state a tile must end in.
      expect(mine.map(version).sort((a, b) => a - b)).toEqual(mine.map((_, i) => i));
      const newest = mine.reduce((a, b) => (version(b) > version(a) ? b : a));
      expect(result.finalStates.get(sub.uri)).toEqual({ version: version(newest), state: tileState(newest) });
    }
    const states = new Set([...result.finalStates.values()].map((s) => s.state));
    expect(states.size).toBeGreaterThan(1);
    // Half a second has no steady state after its first second.
    expect(result.answerP99AfterFirstSecondMs).toBeNaN();
  });

  it('times the answers after the first second of a flood longer than two', async () => {
    const result = await notifier.flood({ total: 110, durationMs: 2200 });
    expect(result.answered).toBe(110);
    expect(result.answerP99AfterFirstSecondMs).toBeGreaterThanOrEqual(0);
    expect(result.answerP99AfterFirstSecondMs).toBeLessThan(1000);
  });

  it('ends a subscription on un-SUBSCRIBE with a terminated NOTIFY', async () => {
    const sub = subs[0] as WatcherSubscription;
    expect(await watcher.unsubscribe(sub)).toBe(200);
    const last = await watcher.waitForNotify(
      'the final NOTIFY',
      (n) => n.callId === sub.callId && n.subscriptionState.startsWith('terminated'),
    );
    expect(last.subscriptionState).toBe('terminated;reason=timeout');
    expect(notifier.subscriptions()).toBe(SUBSCRIPTIONS - 1);
    expect(await watcher.unsubscribe(sub)).toBe(481);
  });
});

describe('flood notifier over a lossy subscriber', () => {
  it('retransmits an unanswered NOTIFY on timer E until the 200 arrives', async () => {
    const notifier = await startFloodNotifier();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const copies = new Map<string, number[]>();
    socket.on('message', (data, rinfo) => {
      const message = parseMessage(data);
      if (message.kind !== 'request') return;
      const branch = message.vias[0]?.branch ?? '';
      const seen = [...(copies.get(branch) ?? []), Date.now()];
      copies.set(branch, seen);
      // Drop the first copy of every NOTIFY, as a lossy network would.
      if (seen.length > 1) socket.send(createResponse(message, 200).toBuffer(), rinfo.port, rinfo.address);
    });
    try {
      const subscribe = createRequest({
        method: 'SUBSCRIBE',
        uri: 'sip:400@test.local',
        headers: [
          ['Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-lossy-1`],
          ['From', '<sip:reception@test.local>;tag=lossy'],
          ['To', '<sip:400@test.local>'],
          ['Call-ID', 'lossy-1@127.0.0.1'],
          ['CSeq', '1 SUBSCRIBE'],
          ['Contact', `<sip:reception@127.0.0.1:${port}>`],
          ['Event', 'dialog'],
          ['Expires', '600'],
        ],
      });
      socket.send(subscribe.toBuffer(), notifier.port, '127.0.0.1');
      await notifier.waitForSubscriptions(1);
      const result = await notifier.flood({ total: 3, durationMs: 10 });
      expect(result).toMatchObject({ sent: 3, answered: 3, retransmitted: 3, failed: 0, timedOut: 0 });
      const floodCopies = [...copies.values()].filter((times) => times.length === 2).slice(-3);
      expect(floodCopies).toHaveLength(3);
      for (const [first, second] of floodCopies as Array<[number, number]>) {
        expect(second - first).toBeGreaterThanOrEqual(450);
        expect(second - first).toBeLessThan(1500);
      }
    } finally {
      socket.close();
      await notifier.stop();
    }
  });
});

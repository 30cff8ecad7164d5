/** Shared rig for the subscription tests: a subscriber stack and a {@link FakeNotifier} on a FakeNetwork, fake time. */
import { FakeClock } from '../../clock';
import type { SipRequest } from '../../message';
import { parseMessage } from '../../message';
import { SipStack } from '../../stack';
import { FakeNetwork, type FakeTransport } from '../../transport/testing/fake-network';
import type { Endpoint, TransportProtocol } from '../../transport/types';
import { fakeLineContext, type FakeLineOptions } from './fake-line-context';
import { FakeNotifier, type FakeNotifierOptions } from './fake-notifier';
import { Subscription, type NotifierResetSign, type NotifyEvent, type SubscriptionConfig, type SubscriptionDeps, type SubscriptionStatus } from '../subscription/subscription';
import { SubscriptionRouter } from '../subscription/subscription-router';

export const CLIENT: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };
export const SERVER: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };

export interface Rig {
  clock: FakeClock;
  net: FakeNetwork;
  notifier: FakeNotifier;
  stack: SipStack;
  /** The subscriber's transport, to break its connections. */
  transport: FakeTransport;
  router: SubscriptionRouter;
  subscription: Subscription;
  notifies: Array<NotifyEvent & { answeredFirst: boolean }>;
  statuses: SubscriptionStatus[];
  /** Every sign of lost notifier state the subscription reported. */
  signs: NotifierResetSign[];
  /** Lets deliveries run (real immediates), then moves fake time by `ms` and lets the results run. */
  settle(ms?: number): Promise<void>;
  /** SUBSCRIBEs the notifier received. */
  readonly subscribes: SipRequest[];
  /** Responses the subscriber sent for NOTIFYs, parsed, in order. */
  notifyAnswers(): Array<{ status: number; cseq: number; callId: string }>;
  close(): Promise<void>;
}

export interface RigOptions {
  config?: Partial<SubscriptionConfig>;
  notifier?: Partial<FakeNotifierOptions>;
  deps?: Partial<SubscriptionDeps>;
  line?: Partial<FakeLineOptions>;
  protocol?: TransportProtocol;
  /** Extra fake endpoints started before the subscription (proxies). */
  setup?: (net: FakeNetwork, clock: FakeClock) => SipStack[];
}

export async function rig(options: RigOptions = {}): Promise<Rig> {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const protocol = options.protocol ?? 'udp';
  const server: Endpoint = { ...SERVER, protocol };
  const notifier = new FakeNotifier(net, clock, { endpoint: server, users: { '200': 'secret' }, ...options.notifier });
  notifier.listen();
  const extra = options.setup?.(net, clock) ?? [];
  const transport = net.transport({ ...CLIENT, protocol });
  const stack = new SipStack({ clock, transportFactory: () => transport });
  const router = new SubscriptionRouter(stack);
  const line = fakeLineContext(stack, { server, ...options.line });
  const notifies: Rig['notifies'] = [];
  const statuses: SubscriptionStatus[] = [];
  const signs: NotifierResetSign[] = [];
  const answered = (cseq: number): boolean =>
    net.sent.some((d) => d.from.port === CLIENT.port && d.text.startsWith('SIP/2.0 200') && d.text.includes(`CSeq: ${cseq} NOTIFY`));
  const subscription = new Subscription(
    line,
    { event: 'dialog', target: 'sip:101@test.local', accept: ['application/dialog-info+xml'], expires: 600, ...options.config },
    { clock, router, random: () => 0.5, ...options.deps },
    {
      onNotify: (n) => notifies.push({ ...n, answeredFirst: answered(n.cseq) }),
      onStatus: (s) => statuses.push(s),
      onResetSign: (sign) => signs.push(sign),
    },
  );
  const settle = async (ms = 0): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
    if (ms > 0) {
      clock.advance(ms);
      for (let i = 0; i < 20; i++) await net.flush();
    }
  };
  return {
    clock,
    net,
    notifier,
    stack,
    transport,
    router,
    subscription,
    notifies,
    statuses,
    signs,
    settle,
    get subscribes() {
      return notifier.requests;
    },
    notifyAnswers: () =>
      net.sent
        .filter((d) => d.from.port === CLIENT.port && d.text.startsWith('SIP/2.0 ') && / NOTIFY\r\n/.test(d.text))
        .map((d) => {
          const m = parseMessage(d.data);
          return { status: m.kind === 'response' ? m.status : 0, cseq: m.cseq.seq, callId: m.callId };
        }),
    close: async () => {
      await Promise.all([stack.close(), notifier.stack.close(), ...extra.map((s) => s.close())]);
    },
  };
}

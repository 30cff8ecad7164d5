/**
 * A {@link CallService} over a {@link FakeCallAgent}, a fake clock and tiles the test sets: everything a call-service
 * test needs to play the SIP side by hand.
 */
import type { CallView } from '../../../../shared/calls';
import type { LineConfig, Settings } from '../../../../shared/settings';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import type { TileView } from '../../../../shared/tiles';
import { FakeClock } from '../../../sip/clock';
import type { SipStack } from '../../../sip/stack';
import type { LineContext } from '../../../sip/usage/line-context';
import type { CallMediaFactory } from '../call-media';
import { CallService } from '../call-service';
import { FakeCallAgent, type FakeSession } from './fake-call-agent';

export interface CallServiceRig {
  service: CallService;
  agent: FakeCallAgent;
  clock: FakeClock;
  tiles: Map<string, TileView>;
  logs: string[];
  /** The latest `calls.changed` payload. */
  latest(): CallView[];
  /** The view of call `id` in the latest `calls.changed`. */
  view(id: string): CallView | undefined;
  /** An incoming call rings and is answered: the usual start of a transfer. */
  answeredCall(number?: string): Promise<FakeSession>;
}

export const LINE: LineConfig = { id: 'a', enabled: true, displayName: 'Front desk', user: '100', domain: 'pbx.test', transport: 'udp', expires: 600 };

/** Lets the service's awaits and its batched `calls.changed` run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function callServiceRig(line: Partial<LineConfig> = {}): CallServiceRig {
  const clock = new FakeClock();
  const config: LineConfig = { ...LINE, ...line };
  const settings: Settings = { ...DEFAULT_SETTINGS, lines: [config] };
  const stack = {} as SipStack;
  const context = { number: 1, domain: config.domain, aor: `sip:${config.user}@${config.domain}` } as LineContext;
  const tiles = new Map<string, TileView>();
  const logs: string[] = [];
  let agent: FakeCallAgent | undefined;
  let latest: CallView[] = [];
  const service = new CallService({
    clock,
    lines: {
      stack,
      lineContext: (n) => (n === 1 ? context : undefined),
      lineConfig: (n) => (n === 1 ? config : undefined),
      defaultLineNumber: 1,
    },
    history: { callStarted: () => undefined, callAnswered: () => undefined, callEnded: () => undefined },
    tiles: { tileView: (id) => tiles.get(id) },
    createAgent: (options) => (agent = new FakeCallAgent(options)),
    createMediaFactory: () => (() => undefined) as unknown as CallMediaFactory,
    setInCall: () => undefined,
    log: (message) => logs.push(message),
  });
  service.apply(settings);
  service.onChanged((views) => (latest = views));
  return {
    service,
    agent: agent!,
    clock,
    tiles,
    logs,
    latest: () => latest,
    view: (id) => latest.find((v) => v.id === id),
    answeredCall: async (number = '0301234567') => {
      const session = agent!.incoming(number);
      const answered = await service.answer(session.id);
      if (!answered.ok) throw new Error(answered.error.message);
      await flush();
      return session;
    },
  };
}

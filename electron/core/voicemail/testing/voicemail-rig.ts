/**
 * Test rig for the voicemail service: a real {@link LineManager}, a real {@link VoicemailService} and the
 * {@link LinesWithVoicemail} the console service sees, on a {@link FakeNetwork}, against one fake PBX endpoint that
 * is registrar and notifier at once (a line sends its SUBSCRIBEs over its registration's flow). Fake time.
 */
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../../../shared/settings';
import type { LineState } from '../../../../shared/lines';
import { FakeClock } from '../../../sip/clock';
import type { SipRequest } from '../../../sip/message';
import { FakeNetwork } from '../../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../../sip/transport/types';
import { FakeNotifier, type NotifierDialog } from '../../../sip/usage/testing/fake-notifier';
import { FakeRegistrar } from '../../../sip/usage/testing/fake-registrar';
import { LineManager } from '../../lines/line-manager';
import { TraceLog } from '../../trace-log';
import { LinesWithVoicemail } from '../lines-with-voicemail';
import { VoicemailService } from '../voicemail-service';

const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const CONSOLE: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };

/** Line `n` (1-based): user `20<n-1>` at test.local, registering at the fake PBX. */
export function mailboxLine(n: number, extra: Partial<LineConfig> = {}): LineConfig {
  return {
    id: `line-${n}`,
    enabled: true,
    displayName: `Reception ${n}`,
    user: String(199 + n),
    password: 'secret',
    domain: 'test.local',
    registrar: PBX.host,
    transport: 'udp',
    expires: 600,
    ...extra,
  };
}

export interface VoicemailRig {
  clock: FakeClock;
  registrar: FakeRegistrar;
  notifier: FakeNotifier;
  lines: LinesWithVoicemail;
  /** Every `lines.changed` payload, in order. */
  events: LineState[][];
  logs: string[];
  settings: Settings;
  apply(change: Partial<Settings>): void;
  /** Lets deliveries run, moves fake time by `ms`, lets the results run. */
  settle(ms?: number): Promise<void>;
  /** message-summary SUBSCRIBEs that started a dialog (no To tag). */
  initialSubscribes(): SipRequest[];
  /** The notifier's live message-summary dialog of line `n`. */
  dialog(n?: number): NotifierDialog;
  /** Sends a message-summary NOTIFY with `body` in line `n`'s dialog and lets it arrive. */
  summary(body: string, n?: number): Promise<void>;
  close(): Promise<void>;
}

export function voicemailRig(settings: Partial<Settings> = {}): VoicemailRig {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const registrar = new FakeRegistrar(net, clock, { endpoint: PBX, users: { '200': 'secret', '201': 'secret' } });
  const notifier = new FakeNotifier(net, clock, { endpoint: PBX, stack: registrar.stack });
  // The fake sends dialog-info when not told otherwise; a mailbox NOTIFY without a summary is the honest default.
  notifier.autoNotify = false;
  notifier.listen();
  const logs: string[] = [];
  const log = (message: string): void => void logs.push(message);
  const manager = new LineManager({
    clock,
    dataDir: '',
    trace: new TraceLog({ clock }),
    stack: { transportFactory: () => net.transport(CONSOLE) },
    resolve: async () => [{ protocol: 'udp', host: PBX.host, port: PBX.port, serverName: PBX.host }],
    log,
  });
  const voicemail = new VoicemailService({ clock, lines: manager, log });
  const lines = new LinesWithVoicemail(manager, voicemail);
  const events: LineState[][] = [];
  lines.onChanged((states) => events.push(states));
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
  };
  const settle = async (ms = 0): Promise<void> => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  const isMailbox = (r: SipRequest): boolean => r.get('Event') === 'message-summary';
  const rig: VoicemailRig = {
    clock,
    registrar,
    notifier,
    lines,
    events,
    logs,
    settings: { ...DEFAULT_SETTINGS, lines: [mailboxLine(1)], ...settings },
    apply(change) {
      rig.settings = { ...rig.settings, ...change };
      lines.apply(rig.settings);
    },
    settle,
    initialSubscribes: () => notifier.requests.filter((r) => isMailbox(r) && r.to.params.tag === undefined),
    dialog(n = 1) {
      const from = `<sip:${mailboxLine(n).user}@test.local>`;
      const found = [...notifier.dialogs.values()].filter((d) => d.event === 'message-summary' && d.subscriberFrom.includes(from));
      if (found.length !== 1) throw new Error(`expected one message-summary dialog on line ${n}, found ${found.length}`);
      return found[0]!;
    },
    async summary(body, n = 1) {
      void notifier.notify(rig.dialog(n), { state: 'active', body, contentType: 'application/simple-message-summary' });
      await settle();
    },
    async close() {
      const done = lines.shutdown();
      let finished = false;
      void done.then(() => (finished = true));
      for (let i = 0; i < 20 && !finished; i++) await settle(500);
      await done;
      await registrar.stack.close();
    },
  };
  lines.apply(rig.settings);
  return rig;
}

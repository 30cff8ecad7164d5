/**
 * Test rig for the BLF service: a real {@link LineManager} and a real {@link BlfService} on a {@link FakeNetwork},
 * against one fake PBX endpoint that is registrar and notifier at once (a line sends its SUBSCRIBEs over its
 * registration's flow, so both must answer on the same address). Time is a {@link FakeClock}.
 */
import { loadBody, loadNotify } from '../../../sip/event-bodies/testing/body-fixtures';
import { FakeClock } from '../../../sip/clock';
import type { SipRequest, SipResponse } from '../../../sip/message';
import { FakeNetwork } from '../../../sip/transport/testing/fake-network';
import type { Endpoint } from '../../../sip/transport/types';
import { FakeNotifier, type NotifierDialog, type NotifyOptions } from '../../../sip/usage/testing/fake-notifier';
import { FakeRegistrar } from '../../../sip/usage/testing/fake-registrar';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../../../shared/settings';
import type { TileConfig, TilesPatch, TileView, WatchEvent } from '../../../../shared/tiles';
import { LineManager } from '../../lines/line-manager';
import { TraceLog } from '../../trace-log';
import { BlfService } from '../blf-service';

export const PBX: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
export const CONSOLE: Endpoint = { protocol: 'udp', host: '127.0.0.1', port: 5070 };

/** Line `n` (1-based): user `20<n-1>` at test.local, registering at the fake PBX. */
export function lineConfig(n: number): LineConfig {
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
  };
}

/** A tile watching `uri` (dialog unless told), clicking calls it. */
export function tile(id: string, uri: string, extra: Partial<TileConfig> = {}): TileConfig {
  return { id, name: `Tile ${id}`, uri, watch: ['dialog'], action: { kind: 'call', uri }, ...extra };
}

export type DialogFixture = 'ringing' | 'busy' | 'hold' | 'idle' | 'partial-busy';

/**
 * A dialog-info body from `test/fixtures/bodies/blf/dialog-<name>.xml` with its placeholders filled. The caller
 * defaults to 102 "Bob Jones".
 */
export function dialogBody(name: DialogFixture, values: { version: number; entity: string; caller?: string; callerName?: string }): string {
  const filled: Record<string, string> = { caller: '102', callerName: 'Bob Jones', ...values, version: String(values.version) };
  return loadBody(`blf/dialog-${name}.xml`).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = filled[key];
    if (value === undefined) throw new Error(`fixture dialog-${name}.xml: no value for {{${key}}}`);
    return value;
  });
}

/** An RLMI NOTIFY fixture (`test/fixtures/bodies/blf/<name>.txt`): Content-Type and CRLF body. */
export function listBody(name: string): { contentType: string; body: string } {
  return loadNotify(`blf/${name}.txt`);
}

export interface BlfRig {
  clock: FakeClock;
  net: FakeNetwork;
  registrar: FakeRegistrar;
  notifier: FakeNotifier;
  lines: LineManager;
  blf: BlfService;
  /** Every patch the service published, in order. */
  patches: TilesPatch[];
  /** Every line the service logged. */
  logs: string[];
  /** The settings last applied. */
  settings: Settings;
  /** Applies a settings change to the lines, then to the BLF (the console service's order). */
  apply(change: Partial<Settings>): void;
  /** Lets network deliveries run without moving time (0 ms timers do not fire). */
  flush(): Promise<void>;
  /** Lets deliveries run, moves fake time by `ms` (0 fires due timers), and lets the results run. */
  settle(ms?: number): Promise<void>;
  /** SUBSCRIBEs that started a subscription dialog (no To tag), in order. */
  initialSubscribes(): SipRequest[];
  /** The notifier's live dialog for `event` at `uri` subscribed from line `line`. */
  dialog(event: WatchEvent, uri: string, line?: number): NotifierDialog;
  /** Sends a NOTIFY (active unless told) in `dialog`; resolves with the console's answer once the network ran. */
  notify(dialog: NotifierDialog, body: string, options?: Partial<NotifyOptions>): Promise<SipResponse | undefined>;
  /** The current view of tile `id` from `tileViews()`. */
  view(id: string): TileView | undefined;
  close(): Promise<void>;
}

/** Builds the rig and applies `settings` (lines 1 and 2 unless told); does not settle. */
export function blfRig(settings: Partial<Settings> = {}): BlfRig {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const registrar = new FakeRegistrar(net, clock, { endpoint: PBX, users: { '200': 'secret', '201': 'secret' } });
  const notifier = new FakeNotifier(net, clock, { endpoint: PBX, stack: registrar.stack });
  notifier.listen();
  const logs: string[] = [];
  const log = (message: string): void => void logs.push(message);
  const lines = new LineManager({
    clock,
    dataDir: '',
    trace: new TraceLog({ clock }),
    stack: { transportFactory: () => net.transport(CONSOLE) },
    resolve: async () => [{ protocol: 'udp', host: PBX.host, port: PBX.port, serverName: PBX.host }],
    log,
  });
  const blf = new BlfService({ clock, lines, log });
  const patches: TilesPatch[] = [];
  blf.onPatch((patch) => patches.push(patch));

  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await net.flush();
  };
  const settle = async (ms = 0): Promise<void> => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  const rig: BlfRig = {
    clock,
    net,
    registrar,
    notifier,
    lines,
    blf,
    patches,
    logs,
    settings: { ...DEFAULT_SETTINGS, lines: [lineConfig(1), lineConfig(2)], ...settings },
    apply(change) {
      rig.settings = { ...rig.settings, ...change };
      lines.apply(rig.settings);
      blf.apply(rig.settings);
    },
    flush,
    settle,
    initialSubscribes: () => notifier.requests.filter((r) => r.to.params.tag === undefined),
    dialog(event, uri, line = 1) {
      const from = `<sip:${lineConfig(line).user}@test.local>`;
      const found = [...notifier.dialogs.values()].filter((d) => d.event === event && d.resource === uri && d.subscriberFrom.includes(from));
      if (found.length !== 1) throw new Error(`expected one ${event} dialog for ${uri} on line ${line}, found ${found.length}`);
      return found[0]!;
    },
    async notify(dialog, body, options = {}) {
      const answer = notifier.notify(dialog, { state: 'active', body, contentType: 'application/dialog-info+xml', ...options });
      await flush();
      return answer;
    },
    view: (id) => blf.tileViews().find((v) => v.id === id),
    async close() {
      const done = blf.shutdown().then(() => lines.shutdown());
      let finished = false;
      void done.then(() => (finished = true));
      for (let i = 0; i < 20 && !finished; i++) await settle(500);
      await done;
      await registrar.stack.close();
    },
  };
  lines.apply(rig.settings);
  blf.apply(rig.settings);
  return rig;
}

/**
 * Busy lamp field service (issue 3): turns the configured tiles and resource lists into exactly one SIP subscription
 * per unique (event, URI, line), feeds every NOTIFY body through the throttled {@link NotifyQueue}, keeps per
 * subscription state (dialogs with version ordering, presence, list members) and publishes tile views as batched
 * patches. The 200 OK to each NOTIFY is sent by the subscription usage before anything here runs.
 */
import { fail, ok, type Result } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import { NOTIFY_PROFILES, type NotifyQueueStats, type TileConfig, type TileListConfig, type TilesPatch, type TileView, type WatchEvent } from '../../../shared/tiles';
import type { Clock } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { ACCEPT_BY_EVENT, parseEventBody } from '../../sip/event-bodies';
import { peekDialogInfoState } from '../../sip/event-bodies/dialog-info';
import { peekResourceListState } from '../../sip/event-bodies/rlmi';
import { detachedString } from '../../sip/message/detached-string';
import type { EventBody } from '../../sip/event-bodies/types';
import { DEFAULT_SUBSCRIPTION_EXPIRES, Subscription, SubscriptionRouter, type SubscriptionStatus } from '../../sip/usage/subscription/subscription';
import type { LineManager } from '../lines/line-manager';
import { importKeyConfiguration } from './key-import/console-format';
import { LampHealer } from './lamp-healer';
import { memberName } from './member-name';
import { NotifyQueue } from './notify-queue';
import { PatchBatcher } from './patch-batcher';
import { SubscriptionState, type ListMember, type TileSource } from './notified-state';
import { computeTileView } from './tile-view';

export interface BlfServiceDeps {
  clock: Clock;
  lines: LineManager;
  log?: (message: string) => void;
  /** Subscription lifetime requested (RFC 6665 §4.1.2.1) until settings say otherwise (`sip.subscriptionExpiresSeconds`). */
  expires?: number;
}

interface QueuedNotify {
  entry: SubscriptionState;
  /** The entry's generation when the NOTIFY arrived: bodies of a replaced subscription are dropped. */
  generation: number;
  /** The entry's dialog epoch when the NOTIFY arrived: bodies of a replaced dialog are dropped. */
  epoch: number;
  /** Arrival number: a NOTIFY that arrived after an entry went stale brings fresh state. */
  arrival: number;
  cseq: number;
  contentType: string;
  body: Uint8Array;
}

/** A tile as configured, resolved to its line and subscription keys. */
interface ResolvedTile {
  config: TileConfig;
  line: number;
  uri: string;
  keys: Partial<Record<WatchEvent, string>>;
}


export class BlfService {
  private readonly entries = new Map<string, SubscriptionState>();
  private tiles: ResolvedTile[] = [];
  private lists: Array<{ config: TileListConfig; key: string }> = [];
  private readonly views = new Map<string, TileView>();
  /** Each view serialised, so an unchanged one is recognised with one stringify instead of two. */
  private readonly viewJson = new Map<string, string>();
  /** Configured tiles by subscription key: a NOTIFY updates its tiles without scanning the panel. */
  private tilesByKey = new Map<string, ResolvedTile[]>();
  /** Member tile ids per list group, to find the members a new full state dropped. */
  private readonly listMembers = new Map<string, Set<string>>();
  private readonly queue: NotifyQueue<QueuedNotify>;
  private readonly batcher: PatchBatcher;
  private readonly statsListeners = new Set<(stats: NotifyQueueStats) => void>();
  private readonly renewalListeners = new Set<(line: number, why: string) => void>();
  private readonly healer: LampHealer;
  private arrivals = 0;
  private expires: number;
  private retry = { retryBaseSeconds: 30, retryMaxSeconds: 1800 };
  private closed = false;
  private dialogEpochs = 0;

  constructor(private readonly deps: BlfServiceDeps) {
    const profile = NOTIFY_PROFILES.console;
    this.queue = new NotifyQueue<QueuedNotify>({
      clock: deps.clock,
      ratePerSecond: profile.ratePerSecond,
      bound: profile.queueBound,
      classify: (item) => this.classify(item),
      apply: (item) => this.applyNotify(item),
    });
    this.queue.onStats(() => this.emitStats());
    this.batcher = new PatchBatcher({ clock: deps.clock });
    this.expires = deps.expires ?? DEFAULT_SUBSCRIPTION_EXPIRES;
    this.healer = new LampHealer({
      clock: deps.clock,
      entriesOf: (line) => [...this.entries.values()].filter((entry) => entry.line === line),
      markStale: (entries) => this.markStale(entries),
      reregister: (line) => void deps.lines.reregister(line),
      renewing: (line, why) => {
        for (const listener of [...this.renewalListeners]) listener(line, why);
      },
      log: deps.log,
    });
    deps.lines.onChanged((states) => this.healer.linesChanged(states));
  }

  /**
   * "Refresh lamps" (and "Register now"): renews every subscription of `line`, or of every line, paced, with the
   * tiles marked stale until their fresh state arrives.
   */
  refresh(line?: number): Result<{ subscriptions: number }> {
    const count = this.deps.lines.states().length;
    if (line !== undefined && (line < 1 || line > count)) return fail('not-found', `There is no line ${line}`, { field: 'line' });
    const lines = line !== undefined ? [line] : Array.from({ length: count }, (_, i) => i + 1);
    let subscriptions = 0;
    for (const number of lines) subscriptions += this.healer.signal(number, 'refresh asked for', { force: true });
    return ok({ subscriptions });
  }

  /** Tile changes, batched (≤ 20 a second). */
  onPatch(listener: (patch: TilesPatch) => void): () => void {
    return this.batcher.onFlush(listener);
  }

  /**
   * Calls `listener` whenever a line's subscriptions are renewed because its PBX likely restarted (issue 7,
   * defect 4) or the user asked ("Refresh lamps"), with why; returns the unsubscribe function. Other state the PBX
   * kept for the line (the own presence) is gone too after a restart.
   */
  onLineRenewal(listener: (line: number, why: string) => void): () => void {
    this.renewalListeners.add(listener);
    return () => this.renewalListeners.delete(listener);
  }

  onStats(listener: (stats: NotifyQueueStats) => void): () => void {
    this.statsListeners.add(listener);
    return () => this.statsListeners.delete(listener);
  }

  /** Every tile view: configured tiles in order, then list members list by list. */
  tileViews(): TileView[] {
    const views: TileView[] = [];
    for (const tile of this.tiles) {
      const view = this.views.get(tile.config.id);
      if (view) views.push(view);
    }
    for (const list of this.lists) {
      const entry = this.entries.get(list.key);
      for (const member of entry?.members.values() ?? []) {
        const view = this.views.get(memberTileId(list.config, member.uri));
        if (view) views.push(view);
      }
    }
    return views;
  }

  stats(): NotifyQueueStats {
    const q = this.queue.stats();
    let subscriptions = 0;
    for (const entry of this.entries.values()) if (entry.status?.state === 'active' || entry.status?.state === 'pending') subscriptions++;
    return { depth: q.depth, bound: q.bound, ratePerSecond: q.ratePerSecond, received: q.received, applied: q.applied, coalesced: q.coalesced, rejected: q.rejected, subscriptions };
  }

  /** Brings subscriptions in line with the settings: one per unique (event, URI, line); unused ones un-SUBSCRIBE. */
  apply(settings: Settings): void {
    const limits = settings.notify.profile === 'custom' ? settings.notify : NOTIFY_PROFILES[settings.notify.profile];
    this.queue.configure({ ratePerSecond: limits.ratePerSecond, bound: limits.queueBound });
    this.retry = { retryBaseSeconds: settings.sip.retryBaseSeconds, retryMaxSeconds: settings.sip.retryMaxSeconds };
    this.expires = settings.sip.subscriptionExpiresSeconds ?? this.deps.expires ?? DEFAULT_SUBSCRIPTION_EXPIRES;
    this.healer.configure(settings.sip.keepAliveSeconds);
    const defaultLine = settings.defaultLine;
    const wanted = new Map<string, { event: WatchEvent; uri: string; line: number; eventList: boolean }>();

    this.tiles = settings.tiles.map((config) => {
      const line = config.line ?? defaultLine;
      const uri = this.qualify(config.uri, line);
      const keys: ResolvedTile['keys'] = {};
      for (const event of config.watch) {
        const key = subscriptionKey(event, uri, line, false);
        keys[event] = key;
        wanted.set(key, { event, uri, line, eventList: false });
      }
      return { config, line, uri, keys };
    });
    this.tilesByKey = new Map();
    for (const tile of this.tiles)
      for (const key of Object.values(tile.keys)) this.tilesByKey.set(key, [...(this.tilesByKey.get(key) ?? []), tile]);
    this.lists = settings.tileLists.map((config) => {
      const line = config.line ?? defaultLine;
      const uri = this.qualify(config.uri, line);
      const key = subscriptionKey(config.event, uri, line, true);
      wanted.set(key, { event: config.event, uri, line, eventList: true });
      return { config, key };
    });

    for (const [key, entry] of this.entries) {
      const token = this.deps.lines.lineToken(entry.line);
      if (!wanted.has(key) || entry.lineToken !== token) {
        this.entries.delete(key);
        this.healer.forget(entry);
        observe(entry.stop(), 'ending a BLF subscription');
      } else entry.subscription?.setExpires(this.expires);
    }
    for (const [key, want] of wanted) {
      if (this.entries.has(key)) continue;
      const entry = new SubscriptionState(key, want.event, want.uri, want.line, want.eventList, this.deps.lines.lineToken(want.line));
      this.entries.set(key, entry);
      this.startSubscription(entry);
    }
    this.recomputeAll();
  }

  /** Parses a phone key configuration (seed 000) into tiles, checked against the configured lines. */
  importXml(xml: string): Result<TileConfig[]> {
    return importKeyConfiguration(xml, { lineCount: this.deps.lines.states().length });
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.healer.close();
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.stop()));
    this.batcher.flush();
  }

  private startSubscription(entry: SubscriptionState): void {
    const line = this.deps.lines.lineContext(entry.line);
    if (!line) {
      entry.status = { state: 'failed', reason: `line ${entry.line} is not configured or disabled` };
      entry.noLine = true;
      return;
    }
    // One router per stack, shared with any other subscriber usage (it answers 481 to NOTIFYs it cannot place).
    const router = SubscriptionRouter.forStack(line.stack);
    const generation = ++entry.generation;
    entry.subscription = new Subscription(
      line,
      {
        event: entry.event,
        target: entry.uri,
        accept: ACCEPT_BY_EVENT[entry.event],
        expires: this.expires,
        eventList: entry.eventList,
      },
      { clock: this.deps.clock, router, ...this.retry },
      {
        onNotify: (notify) => {
          if (this.closed) return;
          const arrival = ++this.arrivals;
          // Detached: a queued body may wait long (the bound is 5000), and a slice would keep its header section.
          const contentType = detachedString(notify.contentType);
          this.queue.push({ entry, generation, epoch: entry.dialogEpoch, arrival, cseq: notify.cseq, contentType, body: notify.body });
        },
        onResetSign: (sign) => {
          if (entry.generation !== generation || this.closed) return;
          // A notifier counting CSeq afresh counts versions afresh too: its next bodies must not be taken as stale.
          if (sign.kind === 'cseq-backwards') entry.resetVersions();
          this.healer.signal(entry.line, sign.detail, { reregister: true });
        },
        onStatus: (status: SubscriptionStatus) => {
          if (entry.generation !== generation) return;
          const restarted = status.state === 'subscribing' && entry.status?.state !== 'subscribing';
          entry.status = status;
          // A new dialog starts a new version space (RFC 4235 §4.1.2).
          if (restarted) {
            entry.dialogEpoch = ++this.dialogEpochs;
            entry.resetVersions();
          }
          this.recomputeEntry(entry);
        },
      },
    );
    entry.subscription.start();
  }

  /** Cheap look at a body for the queue: full or partial state, and its version (no full parse). */
  private classify(item: QueuedNotify): { key: string; kind: 'full' | 'partial' | 'unknown'; version?: number } {
    // Per dialog, not per subscription: versions of two dialogs (or of a replaced subscription) are not comparable.
    const key = `${item.entry.key}#${item.epoch}`;
    if (item.body.length === 0) return { key, kind: 'full' };
    if (item.entry.eventList) {
      const peek = peekResourceListState(item.body);
      return { key, kind: peek.state ?? 'unknown', ...(peek.version !== undefined ? { version: peek.version } : {}) };
    }
    if (item.entry.event === 'dialog') {
      const peek = peekDialogInfoState(item.body);
      return { key, kind: peek.state ?? 'unknown', ...(peek.version !== undefined ? { version: peek.version } : {}) };
    }
    return { key, kind: 'full' };
  }

  /** Returns false for a body that cannot be parsed: the queue counts it as rejected, not applied. */
  private applyNotify(item: QueuedNotify): boolean {
    const { entry } = item;
    if (entry.generation !== item.generation || entry.dialogEpoch !== item.epoch || this.entries.get(entry.key) !== entry) return true;
    // The first NOTIFY after the mark is the renewed subscription's (or a live dialog's) fresh state.
    if (entry.staleSince !== undefined && item.arrival > entry.staleAfter) entry.staleSince = undefined;
    if (isBlank(item.body) && !entry.eventList) {
      entry.applyEmpty();
      this.recomputeEntry(entry);
      return true;
    }
    const parsed = parseEventBody(item.contentType, item.body);
    if (!parsed.ok) {
      this.deps.log?.(`NOTIFY for ${entry.uri} (${entry.event}) ignored: ${parsed.reason}`);
      return false;
    }
    for (const warning of parsed.warnings) this.deps.log?.(`NOTIFY for ${entry.uri} (${entry.event}): ${warning}`);
    const outcome = entry.applyBody(parsed.value as EventBody, item.cseq);
    if (outcome.versionReset) this.healer.signal(entry.line, outcome.versionReset, { reregister: true });
    if (outcome.needFullState) entry.subscription?.refresh();
    if (outcome.problem) this.deps.log?.(`NOTIFY for ${entry.uri} (${entry.event}) ignored: ${outcome.problem}`);
    this.recomputeEntry(entry);
    return true;
  }

  /** The entries' tiles show "stale since" from now (or from an earlier mark still standing). */
  private markStale(entries: SubscriptionState[]): void {
    const now = this.deps.clock.wallNow();
    for (const entry of entries) {
      entry.staleSince ??= now;
      entry.staleAfter = this.arrivals;
      this.recomputeEntry(entry);
    }
  }

  private recomputeAll(): void {
    const live = new Set<string>();
    for (const tile of this.tiles) {
      live.add(tile.config.id);
      this.updateView(this.viewForTile(tile));
    }
    for (const list of this.lists) {
      const entry = this.entries.get(list.key);
      for (const member of entry?.members.values() ?? []) {
        live.add(memberTileId(list.config, member.uri));
        this.updateView(this.viewForMember(list.config, entry!, member));
      }
    }
    for (const id of [...this.views.keys()]) if (!live.has(id)) this.removeView(id);
    for (const list of this.lists) this.listMembers.set(list.config.id, new Set([...live].filter((id) => id.startsWith(`${list.config.id}/`))));
    this.emitStats();
  }

  private recomputeEntry(entry: SubscriptionState): void {
    for (const tile of this.tilesByKey.get(entry.key) ?? []) this.updateView(this.viewForTile(tile));
    if (!entry.eventList) return;
    for (const list of this.lists) {
      if (list.key !== entry.key) continue;
      const live = new Set<string>();
      for (const member of entry.members.values()) {
        live.add(memberTileId(list.config, member.uri));
        this.updateView(this.viewForMember(list.config, entry, member));
      }
      for (const id of this.listMembers.get(list.config.id) ?? []) if (!live.has(id)) this.removeView(id);
      this.listMembers.set(list.config.id, live);
    }
  }

  private viewForTile(tile: ResolvedTile): TileView {
    const dialog = tile.keys.dialog ? this.entries.get(tile.keys.dialog) : undefined;
    const presence = tile.keys.presence ? this.entries.get(tile.keys.presence) : undefined;
    const sources: { dialog?: TileSource; presence?: TileSource; reg?: TileSource; mwi?: TileSource } = {};
    if (tile.keys.dialog) sources.dialog = dialog?.source() ?? { status: undefined };
    if (tile.keys.presence) sources.presence = presence?.source() ?? { status: undefined };
    // Registration state (RFC 3680) of the tile's AoR, when the tile watches it.
    if (tile.keys.reg) sources.reg = this.entries.get(tile.keys.reg)?.source() ?? { status: undefined };
    // The mailbox (RFC 3842) of the tile's AoR, when the tile watches it (issue 12 §6).
    const mailbox = tile.keys['message-summary'] ? this.entries.get(tile.keys['message-summary'])?.source() : undefined;
    if (mailbox) sources.mwi = mailbox;
    return computeTileView(
      { id: tile.config.id, name: tile.config.name, uri: tile.uri, group: tile.config.group, line: tile.line, action: tile.config.action, ...(tile.config.park ? { park: true } : {}) },
      sources,
      this.views.get(tile.config.id),
      this.deps.clock.wallNow(),
    );
  }

  private viewForMember(list: TileListConfig, entry: SubscriptionState, member: ListMember): TileView {
    const id = memberTileId(list, member.uri);
    const source = entry.memberSource(member);
    return computeTileView(
      { id, name: memberName(member), uri: member.uri, group: list.name, line: entry.line, action: { kind: 'call', uri: member.uri }, listId: list.id },
      entry.event === 'dialog' ? { dialog: source } : { presence: source },
      this.views.get(id),
      this.deps.clock.wallNow(),
    );
  }

  private updateView(view: TileView): void {
    const json = JSON.stringify(view);
    if (this.viewJson.get(view.id) === json) return;
    this.viewJson.set(view.id, json);
    this.views.set(view.id, view);
    this.batcher.upsert(view);
  }

  private removeView(id: string): void {
    this.views.delete(id);
    this.viewJson.delete(id);
    this.batcher.remove(id);
  }

  private emitStats(): void {
    const stats = this.stats();
    for (const listener of this.statsListeners) listener(stats);
  }

  /** A bare extension becomes `sip:<ext>@<line domain>`; URIs stay as they are. */
  private qualify(uri: string, line: number): string {
    if (/^(sips?|tel):/i.test(uri)) return uri;
    const domain = this.deps.lines.lineContext(line)?.domain;
    return domain ? `sip:${uri}@${domain}` : `sip:${uri}`;
  }
}

function isBlank(body: Uint8Array): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0d && byte !== 0x0a && byte !== 0x09) return false;
  return true;
}

/** List members are tiles `<list id>/<resource uri>` (shared/tiles.ts TileView.id). */
function memberTileId(list: TileListConfig, uri: string): string {
  return `${list.id}/${uri}`;
}

function subscriptionKey(event: WatchEvent, uri: string, line: number, eventList: boolean): string {
  return `${event}|${uri.toLowerCase()}|${line}${eventList ? '|list' : ''}`;
}

/**
 * Own presence (issue 4): publishes the state the receptionist chose on every enabled line (RFC 3903), reports how
 * each line carries it, and — on lines that opt in (`watcherInfo`) — lists who watches it (RFC 3857/3858
 * `presence.winfo`; opt-in because Kamailio 5.6.3 with memory-only subscriptions crashes on that SUBSCRIBE). On a line whose PBX refuses
 * PUBLISH (405/489/501, e.g. Asterisk) the state is carried by dialling the line's feature code for it (issue 4 §2).
 * Automatic away after idle time and "on the phone" during calls overlay the chosen state.
 */
import type { CustomPresenceState, LinePresenceStatus, OwnPresence, PresenceSnapshot, PresenceWatcher } from '../../../shared/presence';
import { fail, ok, type Result } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import type { Clock } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { ACCEPT_BY_EVENT, parseEventBody } from '../../sip/event-bodies';
import { buildOwnPidf } from '../../sip/event-bodies/pidf-build';
import { applyWatcherInfo, type WatcherInfoState } from '../../sip/event-bodies/watcherinfo';
import { Publication, type PublicationStatus } from '../../sip/usage/publication/publication';
import { DEFAULT_SUBSCRIPTION_EXPIRES, Subscription, SubscriptionRouter } from '../../sip/usage/subscription/subscription';
import type { LineManager } from '../lines/line-manager';
import { AutoAway, type AutoPresence } from './auto-away';

/**
 * Carries the own state to a PBX that refuses PUBLISH by dialling the line's feature code for it (issue 4 §2).
 * Implemented in feature-codes.ts over the call usage.
 */
export interface FeatureCodeCarrier {
  /**
   * Dials the code configured for `own.state` on `line` (a short call). Resolves with what happened, for the UI:
   * `dialled` with the code, `no-code` when none is configured for that state, or `failed` with the SIP status/reason.
   */
  carry(line: number, own: OwnPresence): Promise<{ outcome: 'dialled' | 'no-code' | 'failed'; code?: string; sipStatus?: number; reason?: string }>;
}

export interface PresenceServiceDeps {
  clock: Clock;
  lines: LineManager;
  /** Feature codes for lines whose PBX answers 405/489/501 to PUBLISH; without it such lines report `none`. */
  featureCodes?: FeatureCodeCarrier;
  log?: (message: string) => void;
  /** PUBLISH lifetime (RFC 3903 §4.1); the server may shorten it. Default: the subscription lifetime (600 s). */
  expires?: number;
  /** `presence.winfo` subscription lifetime until settings say otherwise (`sip.subscriptionExpiresSeconds`). */
  subscriptionExpires?: number;
  /**
   * Seconds since the user last touched the computer (Electron: `powerMonitor.getSystemIdleTime`). Without it, idle
   * time is the time since the UI last reported activity (`presence.activity`), as in serve mode.
   */
  idleSeconds?: () => number;
}

interface LinePresence {
  number: number;
  /** Last feature-code result, when the line carries presence that way. */
  featureCode?: Awaited<ReturnType<FeatureCodeCarrier['carry']>>;
  token: object;
  publication: Publication;
  status: PublicationStatus;
  /** Only on lines with `watcherInfo` on. */
  winfo: Subscription | undefined;
  watchers: WatcherInfoState | undefined;
}

export class PresenceService {
  private own: OwnPresence = { state: 'available' };
  private customStates: CustomPresenceState[] = [];
  private retry = { retryBaseSeconds: 30, retryMaxSeconds: 1800 };
  private subscriptionExpires: number;
  private readonly lines = new Map<number, LinePresence>();
  private readonly listeners = new Set<(snapshot: PresenceSnapshot) => void>();
  private notifyScheduled = false;
  /** Set automatically over the chosen state: idle → away, in a call → on the phone (issue 4 §3). */
  private auto: AutoPresence = null;
  private lastActivity: number;
  private readonly autoAway: AutoAway;

  constructor(private readonly deps: PresenceServiceDeps) {
    this.lastActivity = deps.clock.now();
    this.subscriptionExpires = deps.subscriptionExpires ?? DEFAULT_SUBSCRIPTION_EXPIRES;
    this.autoAway = new AutoAway({
      clock: deps.clock,
      idleSeconds: deps.idleSeconds ?? (() => (deps.clock.now() - this.lastActivity) / 1000),
      thresholdMinutes: 0,
      chosen: this.own.state,
      onChange: (auto) => {
        this.auto = auto;
        for (const entry of this.lines.values()) this.publish(entry);
        this.changed();
      },
    });
  }

  /** The user is at the screen: resets the idle time used when no OS idle source exists. */
  activity(): void {
    this.lastActivity = this.deps.clock.now();
    this.autoAway.check();
  }

  /** The hook calls use (a later issue): while in a call, "on the phone" is published if enabled. */
  setInCall(inCall: boolean): void {
    this.autoAway.setInCall(inCall);
  }

  onChanged(listener: (snapshot: PresenceSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One publication per enabled line, and a watcher-info subscription where the line opts in; rebuilt when a line's
   * configuration changes (a changed `watcherInfo` changes the line's configuration).
   */
  apply(settings: Settings): void {
    this.customStates = settings.presence.customStates;
    this.autoAway.setThresholdMinutes(settings.presence.autoAwayMinutes);
    this.autoAway.setOnThePhone(settings.presence.onThePhone);
    this.retry = { retryBaseSeconds: settings.sip.retryBaseSeconds, retryMaxSeconds: settings.sip.retryMaxSeconds };
    this.subscriptionExpires = settings.sip.subscriptionExpiresSeconds ?? this.subscriptionExpires;
    const wanted = new Set<number>();
    settings.lines.forEach((config, index) => {
      const number = index + 1;
      const token = this.deps.lines.lineToken(number);
      const line = config.enabled ? this.deps.lines.lineContext(number) : undefined;
      const existing = this.lines.get(number);
      if (existing && existing.token === token && line) {
        wanted.add(number);
        existing.winfo?.setExpires(this.subscriptionExpires);
        return;
      }
      if (existing) observe(this.stopLine(existing), 'stopping presence of a line');
      this.lines.delete(number);
      if (!line || !token) return;
      wanted.add(number);
      this.startLine(number, token, config.watcherInfo === true);
    });
    for (const [number, entry] of this.lines) {
      if (wanted.has(number)) continue;
      observe(this.stopLine(entry), 'stopping presence of a line');
      this.lines.delete(number);
    }
    this.changed();
  }

  /** Sets the own state and publishes it on every line. A custom state publishes its base state with its label. */
  set(own: OwnPresence): Result<PresenceSnapshot> {
    let next: OwnPresence = { state: own.state };
    if (own.customId !== undefined) {
      const custom = this.customStates.find((c) => c.id === own.customId);
      if (!custom) return fail('invalid-argument', `There is no custom presence state "${own.customId}"`, { field: 'customId' });
      next = { state: custom.base, customId: custom.id };
    }
    const note = own.note?.trim();
    if (note) next.note = note;
    this.own = next;
    this.autoAway.setChosen(next.state);
    for (const entry of this.lines.values()) this.publish(entry);
    this.changed();
    return ok(this.snapshot());
  }

  snapshot(): PresenceSnapshot {
    const lines: LinePresenceStatus[] = [...this.lines.values()].sort((a, b) => a.number - b.number).map((entry) => lineStatus(entry));
    const watchers: PresenceWatcher[] = [];
    const seen = new Set<string>();
    for (const entry of this.lines.values())
      for (const list of entry.watchers?.lists ?? [])
        for (const w of list.watchers) {
          if (w.status === 'terminated' || seen.has(w.uri)) continue;
          seen.add(w.uri);
          watchers.push({ uri: w.uri, status: w.status, ...(w.displayName ? { displayName: w.displayName } : {}) });
        }
    return { own: { ...this.own }, published: { ...this.published(), ...(this.auto ? { auto: this.auto } : {}) }, lines, watchers };
  }

  /**
   * The PBX of `line` likely restarted (a lamp-healer signal, issue 7 defect 4) and forgot what it held for us:
   * publishes the own state afresh now (RFC 3903 §4.1: an initial PUBLISH, no SIP-If-Match) rather than at the
   * next refresh's 412, and renews the watcher-info subscription where the line has one (a restarted notifier
   * answers the in-dialog refresh 481 and a new subscription follows at once, RFC 6665 §4.1.2.2).
   */
  pbxRestarted(line: number): void {
    const entry = this.lines.get(line);
    if (!entry) return;
    entry.publication.republish();
    entry.winfo?.refresh();
  }

  /** Removes the own presence from every server (Expires: 0) and ends the watcher subscriptions; each bounded. */
  async shutdown(): Promise<void> {
    this.autoAway.stop();
    const entries = [...this.lines.values()];
    this.lines.clear();
    await Promise.all(entries.map((entry) => this.stopLine(entry)));
  }

  private startLine(number: number, token: object, watcherInfo: boolean): void {
    const line = this.deps.lines.lineContext(number)!;
    const entry: LinePresence = {
      number,
      token,
      status: { state: 'idle' },
      watchers: undefined,
      // Bounded like the subscriptions: a PBX that restarted without its presentities shows us again within it.
      publication: new Publication(line, { event: 'presence', expires: this.deps.expires ?? this.subscriptionExpires }, { clock: this.deps.clock, ...this.retry }, {
        onStatus: (status) => {
          const becameUnsupported = status.state === 'unsupported' && entry.status.state !== 'unsupported';
          entry.status = status;
          if (becameUnsupported) this.carryByFeatureCode(entry);
          this.changed();
        },
      }),
      winfo: undefined,
    };
    if (watcherInfo) {
      entry.winfo = new Subscription(
        line,
        { event: 'presence.winfo', target: line.aor, accept: ACCEPT_BY_EVENT['presence.winfo'], expires: this.subscriptionExpires },
        { clock: this.deps.clock, router: SubscriptionRouter.forStack(line.stack), ...this.retry },
        {
          onNotify: (notify) => this.watcherInfo(entry, notify.contentType, notify.body),
          onStatus: (status) => {
            // A new subscription dialog starts a new version space (RFC 3858 §4).
            if (status.state === 'subscribing') entry.watchers = undefined;
          },
        },
      );
    }
    this.lines.set(number, entry);
    this.publish(entry);
    entry.winfo?.start();
  }

  private publish(entry: LinePresence): void {
    const line = this.deps.lines.lineContext(entry.number);
    if (!line) return;
    // Once the PBX refused PUBLISH, the line's feature codes carry every change (issue 4 §2).
    if (entry.status.state === 'unsupported') return this.carryByFeatureCode(entry);
    const shown = this.published();
    const custom = shown.customId ? this.customStates.find((c) => c.id === shown.customId) : undefined;
    const body = buildOwnPidf({
      entity: line.aor,
      contact: line.aor,
      state: shown.state,
      ...(custom ? { label: custom.label } : {}),
      ...(shown.note ? { note: shown.note } : {}),
      ...(this.auto === 'on-the-phone' ? { activities: ['on-the-phone'] } : {}),
    });
    entry.publication.publish(body);
  }

  /** What watchers see: the chosen state, or away while idle (the note stays). */
  private published(): OwnPresence {
    if (this.auto === 'away') return { state: 'away', ...(this.own.note ? { note: this.own.note } : {}) };
    return { ...this.own };
  }

  private carryByFeatureCode(entry: LinePresence): void {
    const carrier = this.deps.featureCodes;
    if (!carrier) return;
    const own = this.published();
    observe(carrier.carry(entry.number, own).then((result) => {
      entry.featureCode = result;
      this.changed();
    }), 'own presence by feature code');
  }

  private watcherInfo(entry: LinePresence, contentType: string, body: Uint8Array): void {
    if (body.length === 0) return;
    const parsed = parseEventBody(contentType, body);
    if (!parsed.ok || parsed.value.type !== 'watcherinfo') {
      this.deps.log?.(`presence.winfo NOTIFY for line ${entry.number} ignored: ${parsed.ok ? `unexpected ${parsed.value.type} body` : parsed.reason}`);
      return;
    }
    const result = applyWatcherInfo(entry.watchers, parsed.value);
    if (!result.accepted) return;
    entry.watchers = result.state;
    if (result.needFullState) entry.winfo?.refresh();
    this.changed();
  }

  private async stopLine(entry: LinePresence): Promise<void> {
    await Promise.all([entry.publication.unpublish().catch(() => undefined), (entry.winfo?.stop() ?? Promise.resolve()).catch(() => undefined)]);
  }

  private changed(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      const snapshot = this.snapshot();
      for (const listener of this.listeners) listener(snapshot);
    });
  }
}

/** How a line carries the own state, in the UI's terms. */
function lineStatus(entry: LinePresence): LinePresenceStatus {
  const { status, featureCode } = entry;
  const refused = `the PBX answered ${status.sipStatus ?? ''} ${status.reason ?? ''} to PUBLISH`.replace(/\s+/g, ' ');
  if (status.state === 'unsupported' && featureCode) {
    const said =
      featureCode.outcome === 'dialled'
        ? `dialled ${featureCode.code}`
        : featureCode.outcome === 'no-code'
          ? 'no feature code is configured for this state'
          : `dialling ${featureCode.code ?? 'the code'} failed: ${featureCode.sipStatus ?? ''} ${featureCode.reason ?? ''}`.trim();
    return {
      line: entry.number,
      method: 'feature-codes',
      state: featureCode.outcome === 'dialled' ? 'published' : 'failed',
      ...(featureCode.sipStatus ? { sipStatus: featureCode.sipStatus } : {}),
      reason: `Feature codes: ${refused}; ${said}`,
    };
  }
  if (status.state === 'unsupported') {
    return {
      line: entry.number,
      method: 'none',
      state: 'unsupported',
      ...(status.sipStatus ? { sipStatus: status.sipStatus } : {}),
      reason: `The PBX answered ${status.sipStatus ?? ''} ${status.reason ?? ''} to PUBLISH and no feature codes are available`.replace(/\s+/g, ' '),
    };
  }
  return {
    line: entry.number,
    method: 'publish',
    state: status.state,
    ...(status.sipStatus ? { sipStatus: status.sipStatus } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
  };
}

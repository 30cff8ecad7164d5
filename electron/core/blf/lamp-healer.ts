/**
 * Lamp healer (issue 7, defect 4): notices that a line's PBX restarted or lost its subscription state, and renews
 * every subscription of that line at once, paced, marking their tiles stale until fresh state arrives.
 *
 * A PBX that keeps subscriptions in memory (Kamailio `subs_db_mode 0`, Asterisk, FreeSWITCH without a database)
 * forgets them on a restart and never says so: it just stops sending NOTIFYs, and the lamps freeze in their last
 * state until the next refresh. Signals of such a restart, each enough on its own:
 * - an in-dialog refresh answered 481 or 404 (RFC 6665 §4.1.2.2), reported by the subscription usage;
 * - a NOTIFY whose CSeq fell back within its dialog (RFC 3261 §12.2.2), reported by the subscription usage, or whose
 *   dialog-info / RLMI `version` fell back while its CSeq moved on (RFC 4235 §4.1.2, RFC 4662 §5.2);
 * - the line failing and registering again (REGISTER refresh or re-register after a failure, a TCP/TLS flow that
 *   closed and was opened again, OPTIONS keep-alive loss — the registration usage turns each into `failed`);
 * - the user asking: "Register now" (`lines.reregister`) and "Refresh lamps" (`blf.refresh`).
 * Over UDP a restart shorter than the keep-alive interval shows none of these until a refresh, so every
 * `keepAliveSeconds` one live subscription per registered line is refreshed in its dialog as a probe (RFC 6665
 * §4.1.2.2 lets a subscriber refresh whenever it likes): a restarted notifier answers it 481.
 *
 * One renewal per line per {@link HEAL_COOLDOWN_MS}: the 481s that the renewal itself draws are the same restart.
 */
import type { LineState } from '../../../shared/lines';
import type { Clock, TimerHandle } from '../../sip/clock';
import type { SubscriptionState } from './notified-state';

/** Renewals are sent {@link HEAL_BATCH} per {@link HEAL_TICK_MS}: 1,000 tiles take 10 s, not one burst. */
export const HEAL_BATCH = 10;
export const HEAL_TICK_MS = 100;
/** Signals within this time of a renewal of the same line are taken as the same restart. */
export const HEAL_COOLDOWN_MS = 15_000;

export interface LampHealerDeps {
  clock: Clock;
  /** The line's subscriptions that exist (have a subscription usage). */
  entriesOf(line: number): SubscriptionState[];
  /** Marks entries stale (the owner records since when and recomputes their tiles). */
  markStale(entries: SubscriptionState[]): void;
  /** Registers the line again now: a registrar that forgot subscriptions forgot the binding too. */
  reregister(line: number): void;
  /**
   * Told of every signal that renews a line (not those inside the cooldown), so state the line's server keeps
   * elsewhere — the own presence publication — can be renewed too. Subscriptions are already on their way.
   */
  renewing?(line: number, why: string): void;
  log?: (message: string) => void;
}

interface LineWatch {
  status: LineState['status'];
  /** Failed since it was last registered. */
  outage: boolean;
  /** Monotonic ms of the last renewal. */
  healedAt: number;
  /** Round-robin position of the probe. */
  probeIndex: number;
}

export class LampHealer {
  private readonly watches = new Map<number, LineWatch>();
  private readonly pending = new Set<SubscriptionState>();
  private paceTimer: TimerHandle | undefined;
  private probeTimer: TimerHandle | undefined;
  private probeSeconds = 0;
  private closed = false;

  constructor(private readonly deps: LampHealerDeps) {}

  /** Probe interval (the keep-alive interval; 0 = no probe). */
  configure(probeSeconds: number): void {
    if (probeSeconds === this.probeSeconds) return;
    this.probeSeconds = probeSeconds;
    this.deps.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.scheduleProbe();
  }

  /**
   * A sign that the line's notifier lost its state: renews all its subscriptions, paced, and marks them stale.
   * `force` skips the cooldown (the user asked); `reregister` also registers the line again. Returns how many
   * subscriptions are being renewed (0 when the signal fell inside the cooldown).
   */
  signal(line: number, why: string, options: { force?: boolean; reregister?: boolean } = {}): number {
    if (this.closed) return 0;
    const watch = this.watch(line);
    const now = this.deps.clock.now();
    if (!options.force && now - watch.healedAt < HEAL_COOLDOWN_MS) return 0;
    watch.healedAt = now;
    const entries = this.deps.entriesOf(line).filter((entry) => entry.subscription);
    this.deps.log?.(`line ${line}: ${why} — renewing ${entries.length} subscription(s)`);
    if (options.reregister && watch.status === 'registered') this.deps.reregister(line);
    this.deps.markStale(entries);
    for (const entry of entries) this.pending.add(entry);
    this.pace();
    this.deps.renewing?.(line, why);
    return entries.length;
  }

  /** Follows the lines' registration states: a failed line's tiles go stale; one that comes back is healed. */
  linesChanged(states: LineState[]): void {
    for (const state of states) {
      const watch = this.watch(state.number);
      const before = watch.status;
      watch.status = state.status;
      if (state.status === 'failed' && before !== 'failed') {
        watch.outage = true;
        this.deps.markStale(this.deps.entriesOf(state.number));
      }
      if (state.status !== 'registered' || before === 'registered') continue;
      if (watch.outage) {
        watch.outage = false;
        this.signal(state.number, 'registered again after a failure', { force: true });
        continue;
      }
      // Merely finished registering (start-up): only subscriptions that are not running are retried now, so a
      // start does not subscribe everything twice.
      for (const entry of this.deps.entriesOf(state.number)) {
        const running = entry.status?.state === 'active' || entry.status?.state === 'pending' || entry.status?.state === 'subscribing';
        if (!running) entry.subscription?.refresh();
      }
    }
  }

  /** Forgets a subscription that went away (no renewal for it any more). */
  forget(entry: SubscriptionState): void {
    this.pending.delete(entry);
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
    this.deps.clock.clearTimeout(this.paceTimer);
    this.deps.clock.clearTimeout(this.probeTimer);
    this.paceTimer = this.probeTimer = undefined;
  }

  private watch(line: number): LineWatch {
    let watch = this.watches.get(line);
    if (!watch) {
      watch = { status: 'unregistered', outage: false, healedAt: -Infinity, probeIndex: 0 };
      this.watches.set(line, watch);
    }
    return watch;
  }

  /** Sends one batch now and the rest one batch per tick. */
  private pace(): void {
    if (this.paceTimer !== undefined || this.closed) return;
    let sent = 0;
    for (const entry of this.pending) {
      if (sent === HEAL_BATCH) break;
      this.pending.delete(entry);
      // In a live dialog this refreshes it (a restarted notifier answers 481 and a new subscription follows at once);
      // without one it starts a new subscription.
      entry.subscription?.refresh();
      sent++;
    }
    if (this.pending.size === 0) return;
    this.paceTimer = this.deps.clock.setTimeout(() => {
      this.paceTimer = undefined;
      this.pace();
    }, HEAL_TICK_MS);
  }

  private scheduleProbe(): void {
    if (this.probeSeconds <= 0 || this.closed) return;
    this.probeTimer = this.deps.clock.setTimeout(() => {
      this.probeTimer = undefined;
      this.probe();
      this.scheduleProbe();
    }, this.probeSeconds * 1000);
  }

  /** Refreshes one active subscription per registered line in its dialog: a restarted notifier answers 481. */
  private probe(): void {
    for (const [line, watch] of this.watches) {
      if (watch.status !== 'registered') continue;
      const live = this.deps.entriesOf(line).filter((entry) => entry.subscription && entry.status?.state === 'active');
      if (live.length === 0) continue;
      const entry = live[watch.probeIndex++ % live.length]!;
      entry.subscription!.refresh();
    }
  }
}

/**
 * Automatic presence overlay (issue 4 §3): "away" after the machine has been idle for a configured time, back on
 * activity, and "on the phone" while in a call. Pure over an injected {@link Clock} and an idle-time source
 * (Electron's `powerMonitor.getSystemIdleTime` in main, a setting in serve mode), so it is tested with a FakeClock.
 *
 * The overlay only ever covers a state the user chose as reachable (available or chat, or a custom state based on
 * one): it never overrides do not disturb, a manual away or unavailable, because those say more than the machine's
 * idle time can. The caller publishes `auto ?? chosen`.
 */
import type { PresenceState } from '../../../shared/tiles';
import type { Clock, TimerHandle } from '../../sip/clock';

/** What the overlay currently says; `null` means "publish the chosen state as it is". */
export type AutoPresence = 'away' | 'on-the-phone' | null;

export interface AutoAwayOptions {
  clock: Clock;
  /** Seconds since the last user input; a non-finite value or a throw reads as "unknown" and changes nothing. */
  idleSeconds: () => number;
  /** Idle minutes before "away"; 0 (or less, or not finite) turns automatic away off. */
  thresholdMinutes: number;
  /** How often idle time is read while present. */
  pollSeconds?: number;
  /** How often idle time is read while automatically away, so the return shows within seconds. */
  awayPollSeconds?: number;
  /** Report "on the phone" while {@link AutoAway.setInCall} says a call is up. */
  onThePhone?: boolean;
  /** The state the user chose; the overlay applies only while it is available or chat. */
  chosen?: PresenceState;
  onChange: (auto: AutoPresence) => void;
}

const REACHABLE: ReadonlySet<PresenceState> = new Set(['available', 'chat']);

/** The idle auto-away and on-the-phone state machine; polling starts on construction, {@link stop} ends it. */
export class AutoAway {
  private readonly clock: Clock;
  private readonly idleSeconds: () => number;
  private readonly onChange: (auto: AutoPresence) => void;
  private readonly pollMs: number;
  private readonly awayPollMs: number;
  private thresholdSeconds: number;
  private onThePhone: boolean;
  private chosen: PresenceState;
  private idle = false;
  private inCall = false;
  private state: AutoPresence = null;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(options: AutoAwayOptions) {
    this.clock = options.clock;
    this.idleSeconds = options.idleSeconds;
    this.onChange = options.onChange;
    this.pollMs = positiveSeconds(options.pollSeconds, 15) * 1000;
    this.awayPollMs = Math.min(this.pollMs, positiveSeconds(options.awayPollSeconds, 2) * 1000);
    this.thresholdSeconds = thresholdSeconds(options.thresholdMinutes);
    this.onThePhone = options.onThePhone ?? false;
    this.chosen = options.chosen ?? 'available';
    this.schedule();
  }

  /** The overlay now. */
  get current(): AutoPresence {
    return this.state;
  }

  /** The user chose a state (menu, tray, panel); a non-reachable choice drops the overlay at once. */
  setChosen(state: PresenceState): void {
    this.chosen = state;
    this.update();
  }

  /** Changes the idle threshold (settings); 0 turns automatic away off and ends an automatic away. */
  setThresholdMinutes(minutes: number): void {
    this.thresholdSeconds = thresholdSeconds(minutes);
    this.check();
  }

  /** Turns the "on the phone" report on or off (settings). */
  setOnThePhone(enabled: boolean): void {
    this.onThePhone = enabled;
    this.update();
  }

  /** Hook for the call layer: a call came up or ended. */
  setInCall(inCall: boolean): void {
    this.inCall = inCall;
    this.update();
  }

  /**
   * Reads idle time now instead of waiting for the next poll; main calls this on `powerMonitor` events such as
   * `unlock-screen` or `resume`, which are activity the poll would otherwise see only later.
   */
  check(): void {
    if (this.stopped) return;
    if (this.thresholdSeconds === Infinity) this.idle = false;
    else {
      const seconds = this.readIdle();
      if (seconds !== undefined) this.idle = seconds >= this.thresholdSeconds;
    }
    this.update();
    this.schedule();
  }

  /** Stops polling; no further changes are reported. */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readIdle(): number | undefined {
    try {
      const seconds = this.idleSeconds();
      return Number.isFinite(seconds) ? seconds : undefined;
    } catch {
      return undefined;
    }
  }

  private update(): void {
    if (this.stopped) return;
    let next: AutoPresence = null;
    // A long call without touching the mouse is not absence: the call wins over idle time.
    if (REACHABLE.has(this.chosen)) {
      if (this.inCall && this.onThePhone) next = 'on-the-phone';
      else if (this.idle) next = 'away';
    }
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(
      () => this.check(),
      this.state === 'away' ? this.awayPollMs : this.pollMs,
    );
  }
}

function positiveSeconds(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function thresholdSeconds(minutes: number): number {
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60 : Infinity;
}

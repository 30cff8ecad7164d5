/**
 * RFC 3261 §17 timer values (Table 4 in §A). Only T1, T2 and T4 are configurable; every other timer derives from
 * them, so a test or a slow network changes one number and all retransmission and timeout behaviour follows.
 */

/** Base timer values in milliseconds. */
export interface TimerConfig {
  /** RTT estimate: first retransmission interval (RFC 3261 §17.1.1.1). Default 500 ms. */
  t1: number;
  /** Cap for non-INVITE request and INVITE response retransmission intervals. Default 4 s. */
  t2: number;
  /** Longest time a message stays in the network. Default 5 s. */
  t4: number;
}

export const DEFAULT_TIMER_CONFIG: Readonly<TimerConfig> = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

/** How long an INVITE server transaction waits for the TU before sending 100 Trying itself (RFC 3261 §17.2.1). */
export const TRYING_DELAY_MS = 200;

/** Timer D for unreliable transports (RFC 3261 §17.1.1.2: "at least 32 seconds"; fixed, as in pjsip). */
const TIMER_D_UNRELIABLE_MS = 32_000;

/** Fills defaults and rejects values that would make the timers meaningless (a configuration bug). */
export function resolveTimerConfig(partial: Partial<TimerConfig> = {}): TimerConfig {
  const config = { ...DEFAULT_TIMER_CONFIG, ...partial };
  for (const [name, value] of Object.entries(config)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`timer ${name} must be a positive number, got ${value}`);
  }
  return config;
}

/** Derived timer durations; `0` means "fire at once", i.e. the state is skipped (reliable transports). */
export function timerDurations(config: TimerConfig, reliable: boolean) {
  const { t1, t4 } = config;
  return {
    /** B (INVITE) and F (non-INVITE): client gives up waiting for a final response. */
    transactionTimeout: 64 * t1,
    /** D: INVITE client absorbs retransmitted final responses. */
    d: reliable ? 0 : TIMER_D_UNRELIABLE_MS,
    /** H: INVITE server waits for the ACK. Runs on reliable transports too. */
    h: 64 * t1,
    /** I: INVITE server absorbs retransmitted ACKs. */
    i: reliable ? 0 : t4,
    /** J: non-INVITE server absorbs retransmitted requests. */
    j: reliable ? 0 : 64 * t1,
    /** K: non-INVITE client absorbs retransmitted responses. */
    k: reliable ? 0 : t4,
    /** L (RFC 6026 §8.7): INVITE server in Accepted absorbs INVITE retransmissions and passes 2xx resends. */
    l: 64 * t1,
  };
}

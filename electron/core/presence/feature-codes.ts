/**
 * Feature codes per line (issue 4 §2): carries the own state to a PBX that refuses PUBLISH by dialling the code the
 * administrator configured for that state as a short call (see electron/sip/usage/call/feature-call.ts).
 *
 * Calls on one line run one at a time: a PBX that sees `*78` and `*79` overlap may act on them in either order. A
 * change that arrives while a call runs waits for it; of several waiting changes only the newest is dialled, since
 * the earlier ones are already out of date.
 */
import type { OwnPresence } from '../../../shared/presence';
import type { PresenceState } from '../../../shared/tiles';
import type { Clock } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { dialFeatureCode, type FeatureCallDeps } from '../../sip/usage/call/feature-call';
import type { LineManager } from '../lines/line-manager';
import type { FeatureCodeCarrier } from './presence-service';

export type CarryOutcome = Awaited<ReturnType<FeatureCodeCarrier['carry']>>;

export interface LineFeatureCodesDeps {
  clock: Clock;
  /** Only `lineContext` is used, so tests may pass a stand-in. */
  lines: Pick<LineManager, 'lineContext'>;
  /** The codes configured for line `line` (1-based), by state. */
  codes: (line: number) => Partial<Record<PresenceState, string>> | undefined;
  /** Call timing; the defaults of {@link dialFeatureCode} otherwise. */
  call?: Omit<FeatureCallDeps, 'clock'>;
}

interface Pending {
  own: OwnPresence;
  waiters: Array<(outcome: CarryOutcome) => void>;
}

interface LineQueue {
  running: boolean;
  pending: Pending | undefined;
}

export class LineFeatureCodes implements FeatureCodeCarrier {
  private readonly queues = new Map<number, LineQueue>();

  constructor(private readonly deps: LineFeatureCodesDeps) {}

  /**
   * Dials the code for `own.state` on `line` once the line's previous call ended. A carry overtaken by a newer one
   * while waiting resolves with the newer one's outcome.
   */
  carry(line: number, own: OwnPresence): Promise<CarryOutcome> {
    let queue = this.queues.get(line);
    if (!queue) {
      queue = { running: false, pending: undefined };
      this.queues.set(line, queue);
    }
    const q = queue;
    return new Promise((resolve) => {
      if (q.pending) q.pending.own = own;
      else q.pending = { own, waiters: [] };
      q.pending.waiters.push(resolve);
      if (!q.running) observe(this.drain(line, q), 'feature code queue');
    });
  }

  private async drain(line: number, queue: LineQueue): Promise<void> {
    queue.running = true;
    while (queue.pending) {
      const { own, waiters } = queue.pending;
      queue.pending = undefined;
      let outcome: CarryOutcome;
      try {
        outcome = await this.dial(line, own);
      } catch (error) {
        // A bug in one call must not stall the line's queue for good; the UI shows it.
        outcome = { outcome: 'failed', reason: `internal error: ${error instanceof Error ? error.message : String(error)}` };
      }
      for (const resolve of waiters) resolve(outcome);
    }
    queue.running = false;
  }

  private async dial(line: number, own: OwnPresence): Promise<CarryOutcome> {
    const code = this.deps.codes(line)?.[own.state];
    if (!code) return { outcome: 'no-code' };
    const context = this.deps.lines.lineContext(line);
    if (!context) return { outcome: 'failed', code, reason: `line ${line} is not enabled` };
    const result = await dialFeatureCode(context, code, { ...this.deps.call, clock: this.deps.clock });
    if (result.ok) return { outcome: 'dialled', code };
    return { outcome: 'failed', code, ...(result.sipStatus !== undefined ? { sipStatus: result.sipStatus } : {}), reason: result.reason };
  }
}

/**
 * Messages between `bench/flood.ts` and the process it measures (`engine-peer.ts` or a baseline of `responder.ts`), over
 * the child-process IPC channel. The measured process owns its figures (CPU time, memory), so they count only its
 * own work, never the notifier's.
 */

/** Parent → peer. */
export type FloodPeerCommand =
  /** Subscribe `subscriptions` extensions (1000…) at the notifier on 127.0.0.1:`notifierPort`. */
  | { type: 'start'; notifierPort: number; subscriptions: number }
  /** The flood starts now: reset the CPU and memory marks. */
  | { type: 'begin' }
  /** The last NOTIFY was answered: report once every body is applied. */
  | { type: 'end' }
  /** Report the memory now (the soak samples the engine's while NOTIFYs keep coming; the raw peer ignores it). */
  | { type: 'sample' }
  | { type: 'exit' };

/** Peer → parent. */
export type FloodPeerReport =
  | { type: 'ready' }
  /** Every subscription is established: `ms` after `start` arrived. */
  | { type: 'subscribed'; ms: number }
  /** Answer to `sample`: resident set size and V8 heap in use, in bytes. */
  | { type: 'sample'; rss: number; heapUsed: number }
  | {
      type: 'figures';
      /** User + system CPU time from `begin` until every body was applied, in µs. */
      cpuMicros: number;
      /** Resident set size after the flood (bytes) and the peak over the process's life. */
      rss: number;
      maxRss: number;
      heapUsed: number;
      /** Bodies still queued when `end` arrived, and ms from `end` until the queue was empty (0 for the raw peer). */
      depthAtEnd: number;
      drainMs: number;
      /** The engine's tile states by URI (empty for the raw peer), to check the final truth. */
      states: Record<string, string>;
    };

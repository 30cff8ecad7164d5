/**
 * The engine process's memory profile (issue 13). V8 sizes its heap for throughput by default: under a NOTIFY flood
 * the young generation grows to 32 MB and stays committed, and garbage promoted to the old generation waits for a
 * full collection, so the engine sat at ~140–160 MB RSS after a 1,000-subscription flood with ~30 MB live. In V8's
 * optimize-for-size mode the young generation shrinks back when the flood ends and the old generation is collected
 * sooner: ~100 MB after the same flood, for ~30 % more CPU per NOTIFY while a 5,000/s flood lasts (nothing at the
 * few NOTIFYs a second of a normal day). Measured figures: docs/blf.md, "Performance".
 *
 * The flag is set at run time, first thing in each composition root (Electron main, `serve`, the flood benchmark's
 * engine peer), because the Electron main process takes V8 flags only from its own command line. V8 reads this one
 * when it decides to grow or shrink the heap, so setting it before the engine allocates is enough.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags {@link useCompactHeap} sets. */
export const COMPACT_HEAP_FLAGS = '--optimize-for-size';

/** Puts this process's V8 heap in the engine's memory profile. Call once, before the engine starts. */
export function useCompactHeap(setFlags: (flags: string) => void = setFlagsFromString): void {
  setFlags(COMPACT_HEAP_FLAGS);
}

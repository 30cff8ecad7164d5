/**
 * Which rows of the virtualised tile grid (views/panel/TileGrid.vue) exist in the DOM. The rows in view come first,
 * then the overscan above and below; a cap on the tiles lets the grid build a large screen over several tasks (the
 * first screen in one short task, the rest in the next frames) instead of in one long task that blocks input.
 */
import { computed, nextTick, onBeforeUnmount, ref, watch, type ComputedRef, type Ref } from 'vue';
import type { Row } from './tile-grid-nav';

/**
 * Tiles the grid builds in the task that starts it (or starts it over: a new search, group or density). Small, so
 * that task stays short and the top of the screen shows at once; the rest of the screen, the overscan and a wall's
 * thousand follow in the next frames, a step of tiles at a time sized by {@link nextStep} (no cap once the window is
 * complete). The first render is the dearest (the app's first layout and paint after the snapshot, code not yet
 * optimised), so it is the smallest.
 */
export const FIRST_TILES = 30;

/** Script time a step of the build aims at: the frame's layout and paint of the new tiles come on top (≤ 50 ms tasks). */
export const STEP_BUDGET_MS = 20;
const MIN_STEP = 12;
const MAX_STEP = 480;

/**
 * The tiles the next step adds, from the last step's size and the script time it took: as many as fit the budget
 * at that rate (so cheap wall tiles come in larger steps than full ones, and a slow machine takes smaller ones),
 * at most double the last step (the code warms up; one fast step must not promise a long one).
 */
export function nextStep(step: number, spentMs: number): number {
  const fit = spentMs > 0 ? Math.floor((step * STEP_BUDGET_MS) / spentMs) : MAX_STEP;
  return Math.max(MIN_STEP, Math.min(MAX_STEP, 2 * step, fit));
}

/** A range of row indices, both ends included. */
export interface RowRange {
  first: number;
  last: number;
}

/** The rows to render and whether they are all the grid wants (false: the cap held some back). */
export interface RenderWindow extends RowRange {
  complete: boolean;
}

function tilesIn(row: Row | undefined): number {
  return row?.kind === 'tiles' ? row.tiles.length : 0;
}

/**
 * The rows to render: `view` (the rows on screen) first, from its top, then `overscan` (a wider range around it),
 * below first since reading and scrolling go down. No more than `cap` tiles, except that the first row in view is
 * always rendered, so the grid never shows nothing while it has tiles.
 */
export function renderWindow(rows: readonly Row[], view: RowRange, overscan: RowRange, cap: number): RenderWindow {
  const last = Math.min(view.last, rows.length - 1);
  if (last < view.first) return { first: view.first, last: view.first - 1, complete: true };
  let tiles = tilesIn(rows[view.first]);
  let end = view.first;
  while (end < last && tiles + tilesIn(rows[end + 1]) <= cap) tiles += tilesIn(rows[++end]);
  if (end < last) return { first: view.first, last: end, complete: false };
  let start = view.first;
  const below = Math.min(overscan.last, rows.length - 1);
  while (end < below && tiles + tilesIn(rows[end + 1]) <= cap) tiles += tilesIn(rows[++end]);
  while (start > overscan.first && tiles + tilesIn(rows[start - 1]) <= cap) tiles += tilesIn(rows[--start]);
  return { first: start, last: end, complete: end >= below && start <= Math.max(0, overscan.first) };
}

/** The rows the grid builds under the cap, and how to start over or lift the cap. */
export interface BuildCap {
  window: ComputedRef<RenderWindow>;
  /** Starts building from a small first screen again (the rows about to be shown are mostly new). */
  restart(): void;
  /** No cap from now on (a tile about to take focus must exist at once). */
  lift(): void;
}

/**
 * The grid's render window (`windowFor`, given the cap) under a cap that grows after each painted frame while the
 * window is incomplete, and goes entirely once it is complete, so scrolling never waits for a later task. `ready`:
 * the grid has measured itself (before that it builds nothing, so nothing is held back either).
 */
export function useBuildCap(ready: Readonly<Ref<boolean>>, windowFor: (cap: number) => RenderWindow): BuildCap {
  const cap = ref(FIRST_TILES);
  const window = computed(() => windowFor(cap.value));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame: number | undefined;
  let step = FIRST_TILES;

  const grow = (): void => {
    timer = undefined;
    const started = performance.now();
    const added = step;
    cap.value += added;
    // nextTick resolves once Vue has rendered the grown window: that is the step's script time.
    void nextTick(() => {
      step = nextStep(added, performance.now() - started);
    });
  };

  /** The next task builds more: after the coming frame is painted, so what is built so far shows first. */
  function schedule(): void {
    if (timer !== undefined || frame !== undefined) return;
    if (typeof requestAnimationFrame !== 'function') {
      timer = setTimeout(grow, 0);
      return;
    }
    frame = requestAnimationFrame(() => {
      frame = undefined;
      timer = setTimeout(grow, 0);
    });
  }

  function cancel(): void {
    if (timer !== undefined) clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
    timer = frame = undefined;
  }

  watch([ready, window], ([measured, current]) => {
    if (!measured) return;
    if (current.complete) cap.value = Number.POSITIVE_INFINITY;
    else schedule();
  });
  onBeforeUnmount(cancel);

  return {
    window,
    restart() {
      cancel();
      cap.value = FIRST_TILES;
      step = FIRST_TILES;
    },
    lift() {
      cap.value = Number.POSITIVE_INFINITY;
    },
  };
}

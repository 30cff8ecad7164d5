/**
 * One shared clock ticking once a second for every countdown on screen. The interval runs only while some
 * component or effect scope uses it, so an idle window does no work.
 */
import { computed, getCurrentScope, onScopeDispose, readonly, ref, type ComputedRef, type Ref } from 'vue';
import type { TileView } from '../../../shared/tiles';
import { labelClock } from '../util/tile-text';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  now.value = Date.now();
}

/** Returns a read-only ref with the current epoch ms, updated each second while the caller's scope lives. */
export function useNow(): Readonly<Ref<number>> {
  users += 1;
  if (!timer) {
    tick();
    timer = setInterval(tick, 1000);
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      users -= 1;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
  }
  return readonly(now);
}

/**
 * The clock a tile's accessible label reads ({@link labelClock}): the shared clock rounded down to the tile's whole
 * minute, 0 for a tile without a duration. A computed label built from it keeps its value, and the tile is not
 * re-rendered, between minutes (issue 13); the seconds tick in views/panel/TileSince.vue alone.
 */
export function useLabelClock(tile: () => Pick<TileView, 'state' | 'since' | 'staleSince'>): ComputedRef<number> {
  const clock = useNow();
  return computed(() => labelClock(tile(), clock.value));
}

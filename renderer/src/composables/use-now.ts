/**
 * One shared clock ticking once a second for every countdown on screen. The interval runs only while some
 * component or effect scope uses it, so an idle window does no work.
 */
import { getCurrentScope, onScopeDispose, readonly, ref, type Ref } from 'vue';

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

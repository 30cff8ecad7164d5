/**
 * Whether the OS asks for reduced motion. Blinking tiles switch to a steady highlight then; the grid reads this
 * once and puts a class on itself, so no tile watches the media query.
 */
import { getCurrentScope, onScopeDispose, readonly, ref, type Ref } from 'vue';

const QUERY = '(prefers-reduced-motion: reduce)';

export function useReducedMotion(win: Pick<Window, 'matchMedia'> | undefined = typeof window === 'undefined' ? undefined : window): Readonly<Ref<boolean>> {
  const reduced = ref(false);
  const list = typeof win?.matchMedia === 'function' ? win.matchMedia(QUERY) : undefined;
  if (!list) return readonly(reduced);
  reduced.value = list.matches;
  const onChange = (event: MediaQueryListEvent): void => {
    reduced.value = event.matches;
  };
  list.addEventListener?.('change', onChange);
  if (getCurrentScope()) onScopeDispose(() => list.removeEventListener?.('change', onChange));
  return readonly(reduced);
}

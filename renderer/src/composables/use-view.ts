/** Which main screen is shown. A shared ref rather than a router: a handful of screens, no URLs worth bookmarking. */
import { ref } from 'vue';

export type ViewName = 'panel' | 'lines' | 'keys' | 'settings' | 'diagnostics' | 'presence';

/** Screens in navigation order; Alt+1… follows this order. */
export const VIEW_ORDER: readonly ViewName[] = ['panel', 'lines', 'keys', 'settings', 'diagnostics', 'presence'];

/** The busy lamp field is what a receptionist looks at all day, so it is the first screen. */
const current = ref<ViewName>('panel');

export function useView() {
  return {
    current,
    go(view: ViewName): void {
      current.value = view;
    },
  };
}

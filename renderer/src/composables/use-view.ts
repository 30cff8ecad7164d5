/** Which main screen is shown. A shared ref rather than a router: three screens, no URLs worth bookmarking. */
import { ref } from 'vue';

export type ViewName = 'lines' | 'settings' | 'diagnostics';

const current = ref<ViewName>('lines');

export function useView() {
  return {
    current,
    go(view: ViewName): void {
      current.value = view;
    },
  };
}

/**
 * Which main screen is shown. A shared ref rather than a router: a handful of screens, no URLs worth bookmarking.
 * The screens themselves are listed in `views/registry.ts`; only their ids are needed here, as a type, so the views
 * can navigate without this module importing them back.
 */
import { ref } from 'vue';
import type { ViewId } from '../views/registry';

export type { ViewId } from '../views/registry';

/** The registry's first entry: the busy lamp field. */
const current = ref<ViewId>('panel');

export function useView() {
  return {
    current,
    go(view: ViewId): void {
      current.value = view;
    },
  };
}

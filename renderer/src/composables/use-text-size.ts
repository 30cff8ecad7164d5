/**
 * User-chosen text size on top of the OS/browser setting. Everything is sized in rem, so scaling the root font
 * scales the whole UI; the choice is remembered per machine.
 */
import { computed, ref } from 'vue';

/** Root font sizes in percent of the browser default. */
export const TEXT_SIZES = [87.5, 100, 112.5, 125, 150] as const;
const STORAGE_KEY = 'attendant.textSize';
const DEFAULT_INDEX = 1;

const index = ref(DEFAULT_INDEX);

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

function apply(): void {
  document.documentElement.style.fontSize = `${TEXT_SIZES[index.value] ?? 100}%`;
}

/** Reads the remembered size and applies it (called once at start-up). */
export function applyStoredTextSize(): void {
  const raw = storage()?.getItem(STORAGE_KEY);
  const stored = raw ? Number(raw) : Number.NaN;
  if (Number.isInteger(stored) && stored >= 0 && stored < TEXT_SIZES.length) index.value = stored;
  apply();
}

export function useTextSize() {
  function step(delta: number): void {
    index.value = Math.min(TEXT_SIZES.length - 1, Math.max(0, index.value + delta));
    storage()?.setItem(STORAGE_KEY, String(index.value));
    apply();
  }
  return {
    percent: computed(() => TEXT_SIZES[index.value] ?? 100),
    canShrink: computed(() => index.value > 0),
    canGrow: computed(() => index.value < TEXT_SIZES.length - 1),
    smaller: () => step(-1),
    larger: () => step(1),
  };
}

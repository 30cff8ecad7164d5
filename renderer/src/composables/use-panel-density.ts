/**
 * How dense the busy lamp field is (issue 12 "Density that scales"): three densities — comfortable (three lines:
 * name, number and state, context), compact (two lines: name, then number and state word; ≥ 300 tiles on a
 * 1600×1000 window) and wall (number, colour and state shape only, name in the tooltip; 1,000 tiles on 1600×1000)
 * — each with its own tile size (S/M/L) and an optional fixed column count. The choice is remembered in
 * localStorage; the old `attendant.density` value ('compact' / 'comfortable') is taken over once and removed.
 *
 * The geometry is a pure function of the choice, the grid's width and the root font size, so tiles scale with the
 * text size (rem) and the grid's virtualisation and keyboard geometry (views/panel/tile-grid-nav.ts) work the same
 * in every mode.
 */
import { computed, ref, type ComputedRef, type Ref } from 'vue';

export const DENSITIES = ['comfortable', 'compact', 'wall'] as const;
export type Density = (typeof DENSITIES)[number];
export const TILE_SIZES = ['s', 'm', 'l'] as const;
export type TileSize = (typeof TILE_SIZES)[number];

/** The most columns one may fix (a 1,000-tile wall on a wide screen needs about 40). */
export const MAX_COLUMNS = 60;

/** What is remembered: the density, and per density its tile size and fixed column count (undefined: auto). */
export interface PanelPrefs {
  density: Density;
  sizes: Record<Density, TileSize>;
  columns: Record<Density, number | undefined>;
}

/** The localStorage key of the remembered choice, and the key of the old comfortable/compact switch. */
export const PREFS_KEY = 'attendant.panel';
export const LEGACY_KEY = 'attendant.density';

/** The grid in pixels for one width: gap, tile height, group heading height, columns. */
export interface GridMetrics {
  density: Density;
  gap: number;
  tileH: number;
  headerH: number;
  cols: number;
}

/**
 * Tile sizes in rem: `w` is the narrowest a tile gets in auto columns (the row stretches tiles to fill it), `h` its
 * height, `min` the narrowest with fixed columns (below it the column count gives way).
 */
const SIZES: Record<Density, Record<TileSize, { w: number; h: number }> & { gap: number; header: number; min: number }> = {
  comfortable: { s: { w: 9.5, h: 4.25 }, m: { w: 11, h: 4.25 }, l: { w: 13.5, h: 4.5 }, gap: 0.5, header: 2.25, min: 7 },
  compact: { s: { w: 5, h: 1.625 }, m: { w: 6, h: 1.75 }, l: { w: 7.5, h: 2.125 }, gap: 0.125, header: 1.25, min: 3.5 },
  wall: { s: { w: 2.25, h: 1 }, m: { w: 2.75, h: 1.125 }, l: { w: 3.5, h: 1.5 }, gap: 0.0625, header: 1, min: 1.75 },
};

export function defaultPrefs(): PanelPrefs {
  return { density: 'comfortable', sizes: { comfortable: 'm', compact: 'm', wall: 'm' }, columns: { comfortable: undefined, compact: undefined, wall: undefined } };
}

function isDensity(value: unknown): value is Density {
  return typeof value === 'string' && (DENSITIES as readonly string[]).includes(value);
}

function isSize(value: unknown): value is TileSize {
  return typeof value === 'string' && (TILE_SIZES as readonly string[]).includes(value);
}

/** A fixed column count as remembered: a whole number 1…MAX_COLUMNS, else auto (undefined). */
export function columnsOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_COLUMNS ? value : undefined;
}

/**
 * The remembered choice from the stored text (`raw`, JSON) or, without one, the old switch's value (`legacy`).
 * Anything unreadable falls back to the default for that field only, so one bad field loses nothing else.
 */
export function parsePrefs(raw: string | null | undefined, legacy?: string | null): PanelPrefs {
  const prefs = defaultPrefs();
  let stored: unknown;
  try {
    stored = raw ? JSON.parse(raw) : undefined;
  } catch {
    stored = undefined;
  }
  if (!stored || typeof stored !== 'object') {
    if (legacy === 'compact') prefs.density = 'compact';
    return prefs;
  }
  const value = stored as { density?: unknown; sizes?: Record<string, unknown>; columns?: Record<string, unknown> };
  if (isDensity(value.density)) prefs.density = value.density;
  for (const density of DENSITIES) {
    const size = value.sizes?.[density];
    if (isSize(size)) prefs.sizes[density] = size;
    prefs.columns[density] = columnsOf(value.columns?.[density]);
  }
  return prefs;
}

/** The grid for `prefs` at `width` px with a root font size of `rootPx` px. */
export function gridMetrics(prefs: Pick<PanelPrefs, 'density' | 'sizes' | 'columns'>, width: number, rootPx: number): GridMetrics {
  const density = prefs.density;
  const table = SIZES[density];
  const size = table[prefs.sizes[density]];
  const gap = Math.max(1, Math.round(table.gap * rootPx));
  const fits = (tileRem: number): number => Math.max(1, Math.floor((width + gap) / (tileRem * rootPx + gap)));
  const fixed = prefs.columns[density];
  const cols = fixed === undefined ? fits(size.w) : Math.min(fixed, fits(table.min));
  return { density, gap, tileH: Math.round(size.h * rootPx), headerH: Math.round(table.header * rootPx), cols };
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function storageOr(storage: Store | undefined): Store | undefined {
  if (storage) return storage;
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Storage can be unavailable (private mode, a sandboxed frame): the choice then lasts for this session only.
    return undefined;
  }
}

export interface PanelDensity {
  prefs: Readonly<Ref<PanelPrefs>>;
  density: ComputedRef<Density>;
  size: ComputedRef<TileSize>;
  columns: ComputedRef<number | undefined>;
  setDensity(density: Density): void;
  setSize(size: TileSize): void;
  /** A fixed column count for the current density, or undefined for auto. */
  setColumns(columns: number | undefined): void;
}

/** The panel's density choice, read from and written to `storage` (localStorage by default). */
export function usePanelDensity(storage?: Store): PanelDensity {
  const store = storageOr(storage);
  const prefs = ref<PanelPrefs>(read());

  function read(): PanelPrefs {
    try {
      const raw = store?.getItem(PREFS_KEY);
      const legacy = store?.getItem(LEGACY_KEY);
      const parsed = parsePrefs(raw, legacy);
      if (!raw && legacy !== null && legacy !== undefined) {
        // Take the old switch over once: the new key holds it from now on.
        store?.setItem(PREFS_KEY, JSON.stringify(parsed));
        store?.removeItem(LEGACY_KEY);
      }
      return parsed;
    } catch {
      return defaultPrefs();
    }
  }

  function save(next: PanelPrefs): void {
    prefs.value = next;
    try {
      store?.setItem(PREFS_KEY, JSON.stringify(next));
    } catch {
      // A full or refused storage keeps the choice for this session only.
    }
  }

  return {
    prefs,
    density: computed(() => prefs.value.density),
    size: computed(() => prefs.value.sizes[prefs.value.density]),
    columns: computed(() => prefs.value.columns[prefs.value.density]),
    setDensity: (density) => save({ ...prefs.value, density }),
    setSize: (size) => save({ ...prefs.value, sizes: { ...prefs.value.sizes, [prefs.value.density]: size } }),
    setColumns: (columns) => save({ ...prefs.value, columns: { ...prefs.value.columns, [prefs.value.density]: columnsOf(columns) } }),
  };
}

/**
 * The window's position, size and maximised state across restarts (issue 12 §7), in `window-state.json` in the data
 * directory. The file is read once at start and checked field by field: anything odd gives the default placement,
 * never an error. A position on a display that is gone (a laptop off its docking station) is moved onto the
 * nearest display, and a size bigger than that display shrinks to it, so the window can always be reached.
 */
import type { Rectangle } from 'electron';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const WINDOW_STATE_FILE = 'window-state.json';

/** Normal (not maximised) bounds plus whether the window was maximised. */
export interface WindowState {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** The window part the keeper watches (a BrowserWindow). */
export interface TrackedWindow {
  on(event: 'resized' | 'moved' | 'maximize' | 'unmaximize' | 'close', listener: () => void): void;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isDestroyed(): boolean;
}

export interface WindowStateDeps {
  dataDir: string;
  /** Electron's `screen` (only each display's work area is read). */
  screen: { getAllDisplays(): Array<{ workArea: Rectangle }> };
  /** The smallest window (the BrowserWindow's minWidth/minHeight). */
  minSize: { width: number; height: number };
  log(message: string): void;
}

/** Bounds beyond this are no screen's; they mark a damaged file. */
const COORDINATE_LIMIT = 100_000;
/** How much of the title bar must lie on a display for the window to count as reachable. */
const VISIBLE_TITLE_WIDTH = 100;
const TITLE_BAR_HEIGHT = 32;
/** Moves and resizes come in bursts; the file is written once they settle. */
const SAVE_DELAY_MS = 1000;

const isCoordinate = (v: unknown): v is number => Number.isInteger(v) && Math.abs(v as number) <= COORDINATE_LIMIT;
const isExtent = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= COORDINATE_LIMIT;

/** A stored window state, or undefined when `raw` is not one in every field. */
export function parseWindowState(raw: unknown): WindowState | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (!isCoordinate(r.x) || !isCoordinate(r.y) || !isExtent(r.width) || !isExtent(r.height) || typeof r.maximized !== 'boolean')
    return undefined;
  return { x: r.x, y: r.y, width: r.width, height: r.height, maximized: r.maximized };
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * `state` placed so that it can be reached on one of the `workAreas`: kept where it is when enough of its title bar
 * lies on a display, else moved inside the display nearest to its centre; never bigger than its display.
 */
export function placeOnDisplays(state: WindowState, workAreas: readonly Rectangle[], minSize: { width: number; height: number }): WindowState {
  if (workAreas.length === 0) return state;
  const titleBar = { x: state.x, y: state.y, width: state.width, height: TITLE_BAR_HEIGHT };
  const reach = workAreas.map((area) => overlap(titleBar, area));
  const best = reach.reduce((at, o, i) => (o.width * o.height > reach[at]!.width * reach[at]!.height ? i : at), 0);
  const reachable = reach[best]!.width >= Math.min(VISIBLE_TITLE_WIDTH, state.width) && reach[best]!.height >= TITLE_BAR_HEIGHT / 2;
  const centre = { x: state.x + state.width / 2, y: state.y + state.height / 2 };
  const distance = (a: Rectangle): number => Math.hypot(a.x + a.width / 2 - centre.x, a.y + a.height / 2 - centre.y);
  const area = reachable ? workAreas[best]! : workAreas.reduce((near, a) => (distance(a) < distance(near) ? a : near));
  const width = Math.min(Math.max(state.width, minSize.width), area.width);
  const height = Math.min(Math.max(state.height, minSize.height), area.height);
  if (reachable && width === state.width && height === state.height) return state;
  return {
    x: clamp(state.x, area.x, area.x + area.width - width),
    y: clamp(state.y, area.y, area.y + area.height - height),
    width,
    height,
    maximized: state.maximized,
  };
}

/** Loads the stored state at start and keeps the file up to date while the window moves. */
export class WindowStateKeeper {
  private readonly file: string;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: WindowStateDeps) {
    this.file = join(deps.dataDir, WINDOW_STATE_FILE);
  }

  /** The stored state placed on today's displays, or undefined for the default placement. */
  load(): WindowState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    let state: WindowState | undefined;
    try {
      state = parseWindowState(JSON.parse(text));
    } catch {
      state = undefined;
    }
    if (!state) {
      this.deps.log(`${this.file} is not a window state; the window opens at its default place`);
      return undefined;
    }
    return placeOnDisplays(state, this.deps.screen.getAllDisplays().map((d) => d.workArea), this.deps.minSize);
  }

  /** Saves `win`'s state after it moves or resizes (once the burst settles) and when it is closed or hidden. */
  track(win: TrackedWindow): void {
    const later = (): void => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.save(win), SAVE_DELAY_MS);
      this.timer.unref?.();
    };
    for (const event of ['resized', 'moved', 'maximize', 'unmaximize'] as const) win.on(event, later);
    win.on('close', () => this.save(win));
  }

  /** Writes `win`'s state now (atomically: a torn write cannot leave half a file). */
  save(win: TrackedWindow): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (win.isDestroyed()) return;
    const bounds = win.getNormalBounds();
    const state: WindowState = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized: win.isMaximized() };
    try {
      writeFileSync(`${this.file}.tmp`, `${JSON.stringify(state)}\n`);
      renameSync(`${this.file}.tmp`, this.file);
    } catch (err) {
      this.deps.log(`Window position not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWindowState, placeOnDisplays, WINDOW_STATE_FILE, WindowStateKeeper } from './window-state';
import { FakeScreen, FakeWindow } from './testing/fake-electron';

const MIN = { width: 800, height: 560 };
const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 2560, height: 1400 };
const state = (x: number, y: number, width = 1280, height = 800, maximized = false) => ({ x, y, width, height, maximized });

describe('parseWindowState', () => {
  it('takes only a whole, sane state', () => {
    expect(parseWindowState(state(10, -20))).toEqual(state(10, -20));
    for (const bad of [null, [], {}, { ...state(0, 0), x: 1.5 }, { ...state(0, 0), width: 0 }, { ...state(0, 0), y: 1e9 }, { ...state(0, 0), maximized: 'yes' }, { ...state(0, 0), x: '5' }])
      expect(parseWindowState(bad)).toBeUndefined();
  });
});

describe('placeOnDisplays', () => {
  it('keeps a window whose title bar is on a display', () => {
    expect(placeOnDisplays(state(100, 80), [laptop, right], MIN)).toEqual(state(100, 80));
    expect(placeOnDisplays(state(2000, 100, 1280, 800, true), [laptop, right], MIN)).toEqual(state(2000, 100, 1280, 800, true));
    // Partly off the edge is the user's choice, as long as the title bar can be grabbed.
    expect(placeOnDisplays(state(1700, 500), [laptop], MIN)).toEqual(state(1700, 500));
  });

  it('moves a window from a display that is gone onto the nearest one, keeping it maximised', () => {
    expect(placeOnDisplays(state(2500, 300, 1280, 800, true), [laptop], MIN)).toEqual(state(640, 240, 1280, 800, true));
    expect(placeOnDisplays(state(-3000, -2000), [laptop, right], MIN)).toEqual(state(0, 0));
    // A title bar above the top edge cannot be grabbed.
    expect(placeOnDisplays(state(100, -790), [laptop], MIN)).toEqual(state(100, 0));
  });

  it('shrinks a window to its display and never below the minimum', () => {
    expect(placeOnDisplays(state(0, 0, 2560, 1400), [laptop], MIN)).toEqual(state(0, 0, 1920, 1040));
    expect(placeOnDisplays(state(10, 10, 300, 200), [laptop], MIN)).toEqual(state(10, 10, 800, 560));
    expect(placeOnDisplays(state(5, 5), [], MIN)).toEqual(state(5, 5));
  });
});

describe('WindowStateKeeper', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function keeper(workAreas = [laptop]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'window-state-'));
    dirs.push(dataDir);
    const logs: string[] = [];
    const k = new WindowStateKeeper({ dataDir, screen: new FakeScreen(workAreas), minSize: MIN, log: (m) => logs.push(m) });
    return { k, dataDir, logs, file: join(dataDir, WINDOW_STATE_FILE) };
  }

  it('saves on close and after moves settle, and reads it back placed on today’s displays', () => {
    vi.useFakeTimers();
    const { k, file, dataDir } = keeper();
    expect(k.load()).toBeUndefined();
    const win = new FakeWindow();
    k.track(win);
    win.bounds = { x: 300, y: 200, width: 1000, height: 700 };
    win.emit('moved');
    win.emit('resized');
    vi.advanceTimersByTime(999);
    expect(() => readFileSync(file)).toThrow();
    vi.advanceTimersByTime(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state(300, 200, 1000, 700));
    win.maximized = true;
    win.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state(300, 200, 1000, 700, true));
    const later = new WindowStateKeeper({ dataDir, screen: new FakeScreen([laptop]), minSize: MIN, log: () => {} });
    expect(later.load()).toEqual(state(300, 200, 1000, 700, true));
    // The docking station is gone and the window was on the big screen.
    writeFileSync(file, JSON.stringify(state(2400, 300)));
    expect(later.load()).toEqual(state(640, 240));
  });

  it('falls back to the default place for a damaged file and says so', () => {
    const { k, file, logs } = keeper();
    writeFileSync(file, '{"x": 1, "y"');
    expect(k.load()).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...state(0, 0), width: -5 }));
    expect(k.load()).toBeUndefined();
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/is not a window state/);
  });

  it('does not touch a destroyed window and logs a failed write', () => {
    const { k, dataDir, logs } = keeper();
    const win = new FakeWindow();
    win.destroyed = true;
    k.save(win);
    expect(logs).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
    win.destroyed = false;
    k.save(win);
    expect(logs).toEqual([expect.stringMatching(/^Window position not saved: /)]);
  });
});

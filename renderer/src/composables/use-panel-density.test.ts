import { describe, expect, it } from 'vitest';
import { defaultPrefs, gridMetrics, LEGACY_KEY, parsePrefs, PREFS_KEY, usePanelDensity, type PanelPrefs } from './use-panel-density';

function memoryStorage(initial: Record<string, string> = {}): Storage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

function prefs(density: PanelPrefs['density'], over: Partial<PanelPrefs> = {}): PanelPrefs {
  return { ...defaultPrefs(), density, ...over };
}

/** Tiles wholly visible in a grid of `w`×`h` px without group headings: columns × whole rows. */
function fitting(p: PanelPrefs, w: number, h: number): number {
  const m = gridMetrics(p, w, 16);
  return m.cols * Math.floor((h + m.gap) / (m.tileH + m.gap));
}

describe('parsePrefs', () => {
  it('defaults to comfortable, size M and auto columns', () => {
    expect(parsePrefs(null)).toEqual(defaultPrefs());
    expect(parsePrefs(null).density).toBe('comfortable');
  });

  it('takes over the old compact/comfortable switch', () => {
    expect(parsePrefs(null, 'compact').density).toBe('compact');
    expect(parsePrefs(null, 'comfortable').density).toBe('comfortable');
    expect(parsePrefs(null, 'nonsense').density).toBe('comfortable');
  });

  it('prefers the stored choice over the old switch', () => {
    const raw = JSON.stringify({ density: 'wall', sizes: { wall: 'l' }, columns: { wall: 32 } });
    const parsed = parsePrefs(raw, 'compact');
    expect(parsed.density).toBe('wall');
    expect(parsed.sizes.wall).toBe('l');
    expect(parsed.columns.wall).toBe(32);
    expect(parsed.sizes.compact).toBe('m');
  });

  it('drops bad fields one by one, keeping the good ones', () => {
    const raw = JSON.stringify({ density: 'huge', sizes: { compact: 's', wall: 'xl' }, columns: { compact: 0, wall: 2.5, comfortable: 4 } });
    const parsed = parsePrefs(raw);
    expect(parsed.density).toBe('comfortable');
    expect(parsed.sizes).toEqual({ comfortable: 'm', compact: 's', wall: 'm' });
    expect(parsed.columns).toEqual({ comfortable: 4, compact: undefined, wall: undefined });
    expect(parsePrefs('{not json', 'compact').density).toBe('compact');
  });
});

describe('gridMetrics', () => {
  it('keeps comfortable as it was: 11rem tiles 4.25rem high', () => {
    const m = gridMetrics(prefs('comfortable'), 1288, 16);
    expect(m.tileH).toBe(68);
    expect(m.cols).toBe(Math.floor((1288 + 8) / (176 + 8)));
  });

  it('fits at least 300 compact tiles and 1,000 wall tiles in the grid of a 1600×1000 window', () => {
    // The grid's share of a 1600×1000 window as measured in Chromium (sidebar, call bar, toolbar, key strip off),
    // less two group headings' worth for compact and four for the wall.
    expect(fitting(prefs('compact'), 1288, 789 - 48)).toBeGreaterThanOrEqual(300);
    expect(fitting(prefs('wall'), 1288, 789 - 64)).toBeGreaterThanOrEqual(1000);
    expect(fitting(prefs('comfortable'), 1288, 789)).toBeLessThan(100);
  });

  it('grows and shrinks with the size and the root font size', () => {
    const s = fitting(prefs('compact', { sizes: { ...defaultPrefs().sizes, compact: 's' } }), 1288, 789);
    const l = fitting(prefs('compact', { sizes: { ...defaultPrefs().sizes, compact: 'l' } }), 1288, 789);
    expect(s).toBeGreaterThan(fitting(prefs('compact'), 1288, 789));
    expect(l).toBeLessThan(fitting(prefs('compact'), 1288, 789));
    expect(gridMetrics(prefs('wall'), 1288, 20).tileH).toBeGreaterThan(gridMetrics(prefs('wall'), 1288, 16).tileH);
  });

  it('uses a fixed column count while tiles stay wide enough, then gives way', () => {
    const fixed = (n: number) => prefs('compact', { columns: { ...defaultPrefs().columns, compact: n } });
    expect(gridMetrics(fixed(4), 1288, 16).cols).toBe(4);
    expect(gridMetrics(fixed(20), 1288, 16).cols).toBe(20);
    expect(gridMetrics(fixed(60), 1288, 16).cols).toBe(Math.floor((1288 + 2) / (56 + 2)));
    expect(gridMetrics(fixed(60), 0, 16).cols).toBe(1);
  });
});

describe('usePanelDensity', () => {
  it('migrates the old key once and remembers every change', () => {
    const storage = memoryStorage({ [LEGACY_KEY]: 'compact' });
    const panel = usePanelDensity(storage);
    expect(panel.density.value).toBe('compact');
    expect(storage.data.has(LEGACY_KEY)).toBe(false);
    expect(JSON.parse(storage.data.get(PREFS_KEY) ?? '{}').density).toBe('compact');

    panel.setDensity('wall');
    panel.setSize('s');
    panel.setColumns(40);
    expect([panel.density.value, panel.size.value, panel.columns.value]).toEqual(['wall', 's', 40]);

    const again = usePanelDensity(storage);
    expect([again.density.value, again.size.value, again.columns.value]).toEqual(['wall', 's', 40]);
    again.setDensity('compact');
    expect([again.size.value, again.columns.value]).toEqual(['m', undefined]);
    again.setColumns(0);
    expect(again.columns.value).toBeUndefined();
  });

  it('keeps working for the session when storage refuses', () => {
    const broken = { getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem: () => undefined };
    const panel = usePanelDensity(broken);
    panel.setDensity('wall');
    expect(panel.density.value).toBe('wall');
  });
});

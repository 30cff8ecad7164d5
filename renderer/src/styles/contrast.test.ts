import { describe, expect, it } from 'vitest';
import type { PresenceState } from '../../../shared/tiles';
import { presenceColours } from '../util/presence-text';
import {
  checkPairs,
  contrastRatio,
  describeFailure,
  mix,
  parseColor,
  resolveColor,
  themesOf,
  tokenBlocks,
  type Rgba,
} from './contrast';
import { CONTRAST_PAIRS } from './contrast-pairs';
import {
  customPropertyValues,
  styleText,
  textColourUses,
  varName,
  withoutFallback,
  type ColourUse,
} from './contrast-scan';

// Read from disk: the renderer project hands tests empty stylesheets (even `?raw`), and its types have no Node, so
// `node:fs` comes in untyped (as in theme-override.test.ts). Tests run from the repo root.
const fsModule = 'node:fs';
const fs = (await import(/* @vite-ignore */ fsModule)) as {
  readFileSync: (path: string, encoding: 'utf8') => string;
  readdirSync: (path: string, options: { recursive: true; encoding: 'utf8' }) => string[];
};
const SRC = 'renderer/src';
const read = (path: string) => fs.readFileSync(`${SRC}/${path}`, 'utf8');
const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };
const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };

/** Every .vue and .css file under renderer/src, as [path relative to src, contents]. */
function styleSources(): [string, string][] {
  return fs
    .readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(vue|css)$/.test(path))
    .map((path) => [path, read(path)]);
}

describe('contrast arithmetic', () => {
  it('parses the colour syntax the stylesheets use', () => {
    expect(parseColor('#fff')).toEqual(WHITE);
    expect(parseColor('#1F5FD6')).toEqual({ r: 31, g: 95, b: 214, a: 1 });
    expect(parseColor('#00000080')?.a).toBeCloseTo(0.502, 3);
    expect(parseColor('rgb(16 24 40 / 24%)')).toEqual({ r: 16, g: 24, b: 40, a: 0.24 });
    expect(parseColor('rgba(255, 0, 0, 0.5)')).toEqual({ r: 255, g: 0, b: 0, a: 0.5 });
    expect(parseColor('var(--x)')).toBeUndefined();
    expect(parseColor('#12345')).toBeUndefined();
  });

  it('computes WCAG 2.x ratios', () => {
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 5);
    expect(contrastRatio(WHITE, WHITE)).toBeCloseTo(1, 5);
    // #777 on white is the classic "just below AA" grey.
    expect(contrastRatio(parseColor('#777777')!, WHITE)).toBeCloseTo(4.48, 2);
    // Order does not matter; half-transparent black on white is a mid grey.
    expect(contrastRatio(WHITE, parseColor('#777')!)).toBeCloseTo(4.48, 2);
    expect(contrastRatio({ ...BLACK, a: 0.5 }, WHITE)).toBeCloseTo(
      contrastRatio(parseColor('#808080')!, WHITE),
      1,
    );
  });

  it('resolves tokens, fallbacks and color-mix, and names what it cannot resolve', () => {
    const tokens = new Map([
      ['--a', '#000000'],
      ['--b', 'var(--a)'],
      ['--loop', 'var(--loop)'],
    ]);
    expect(resolveColor('var(--b)', tokens)).toEqual(BLACK);
    expect(resolveColor('var(--missing, #fff)', tokens)).toEqual(WHITE);
    expect(resolveColor('color-mix(in srgb, var(--a) 25%, #fff)', tokens)).toEqual(mix(BLACK, WHITE, 0.25));
    expect(resolveColor('color-mix(in srgb, #fff 40%, transparent)', tokens)).toEqual({ ...WHITE, a: 0.4 });
    expect(() => resolveColor('var(--missing)', tokens)).toThrow('--missing');
    expect(() => resolveColor('var(--loop)', tokens)).toThrow('Circular');
    expect(() => resolveColor('0 1px 2px #000', tokens)).toThrow('Not a colour');
  });

  it('reads the base theme and layers each colour override block onto it', () => {
    const css = `/* { not a block } */
      :root { --text: #222; --bg: #fff; --radius: 4px; }
      @media (prefers-color-scheme: dark) { :root { --text: #eee; --bg: #111; } }
      :root[data-theme='dark'] { --bg: #000; }
      .card { --radius: 8px; }`;
    expect(tokenBlocks(css).map((block) => block.selector)).toEqual([
      ':root',
      ':root',
      ":root[data-theme='dark']",
      '.card',
    ]);
    const themes = themesOf(css);
    expect(themes.map((theme) => theme.name)).toEqual([
      'light (:root)',
      '@media (prefers-color-scheme: dark) :root',
      ":root[data-theme='dark']",
    ]);
    expect(themes[2]?.tokens.get('--text')).toBe('#222');
    expect(themes[2]?.tokens.get('--bg')).toBe('#000');
  });

  it('reports a pair below its minimum, and one that does not resolve', () => {
    const themes = themesOf(':root { --grey: #777; --white: #fff; }');
    const failures = checkPairs(themes, [
      { fg: 'var(--grey)', bg: 'var(--white)', kind: 'text', where: 'hint' },
      { fg: 'var(--grey)', bg: 'var(--white)', kind: 'large-text', where: 'heading' },
      { fg: 'var(--gray)', bg: 'var(--white)', kind: 'text', where: 'typo' },
    ]);
    expect(failures.map(describeFailure)).toEqual([
      'light (:root): var(--grey) on var(--white) 4.48:1 < 4.5:1 (hint)',
      'light (:root): var(--gray) on var(--white) 0.00:1 < 4.5:1 (typo — Unknown colour token --gray)',
    ]);
  });
});

describe('stylesheet scan', () => {
  it('finds text colours in <style> blocks with their line, skipping other colour properties and comments', () => {
    const vue = [
      '<template><p style="color: red">x</p></template>',
      '<style scoped>',
      '.a { color: #767676; background-color: #000; }',
      '/* .b { color: #111; } */',
      '.c { border-color: red; color: inherit; }',
      '.d { color: var(--text-muted) !important; --tile-fg: var(--st-idle); }',
      '</style>',
    ].join('\n');
    expect(styleText('X.vue', vue).split('\n')).toHaveLength(7);
    expect(textColourUses('X.vue', vue)).toEqual([
      { file: 'X.vue', line: 3, value: '#767676' },
      { file: 'X.vue', line: 6, value: 'var(--text-muted)' },
    ]);
    expect(customPropertyValues('X.vue', vue, '--tile-fg')).toEqual([
      { file: 'X.vue', line: 6, value: 'var(--st-idle)' },
    ]);
    expect(varName('var(--c)')).toBe('--c');
    expect(varName('color-mix(in srgb, var(--c) 5%, red)')).toBeUndefined();
    expect(withoutFallback('var(--ok, var(--text))')).toBe('var(--ok)');
    expect(withoutFallback('color-mix(in srgb, var(--ok) 5%, red)')).toBe(
      'color-mix(in srgb, var(--ok) 5%, red)',
    );
  });
});

describe('the UI palette (theme.css)', () => {
  const stylesheet = `${read('styles/theme.css')}\n${read('styles/base.css')}`;
  const themes = themesOf(stylesheet);

  it('has a light and a dark theme', () => {
    expect(themes.length).toBeGreaterThanOrEqual(2);
    expect(themes.some((theme) => /dark/.test(theme.name))).toBe(true);
  });

  it('meets WCAG 2.x contrast for every declared pair in every theme', () => {
    expect(checkPairs(themes, CONTRAST_PAIRS).map(describeFailure)).toEqual([]);
  });

  it('declares a pair for every text colour a stylesheet uses', () => {
    const foregrounds = new Set(CONTRAST_PAIRS.map((pair) => pair.fg));
    const tokens = themes[0]?.tokens ?? new Map<string, string>();
    const sources = styleSources();
    // A component-local variable (`--tile-fg`, `--c`) stands for every value any stylesheet sets it to.
    const localValues = (name: string): ColourUse[] => {
      const set = sources.flatMap(([file, source]) => customPropertyValues(file, source, name));
      if (name === '--ps') return [...set, ...presenceValues()];
      return set;
    };
    const uncovered: string[] = [];
    const check = (found: ColourUse, via = '') => {
      const primary = withoutFallback(found.value);
      const use = tokens.has(varName(primary) ?? '') ? { ...found, value: primary } : found;
      const name = varName(use.value);
      if (name && !tokens.has(name)) {
        const values = localValues(name);
        if (!values.length) uncovered.push(`${use.file}:${use.line} ${use.value}${via} is never set`);
        values.forEach((value) => check(value, ` (via ${use.value} at ${use.file}:${use.line})`));
      } else if (!foregrounds.has(use.value))
        uncovered.push(`${use.file}:${use.line} color: ${use.value}${via}`);
    };
    for (const [file, source] of sources) textColourUses(file, source).forEach((use) => check(use));
    expect(uncovered, 'add the colour and its backgrounds to styles/contrast-pairs.ts').toEqual([]);
  });

  it('catches a hard-coded text colour that the table does not declare', () => {
    const use = textColourUses('New.vue', '<style>.x { color: #9aa0a6; }</style>');
    expect(
      use.map((u) => u.value).filter((value) => !CONTRAST_PAIRS.some((pair) => pair.fg === value)),
    ).toEqual(['#9aa0a6']);
  });
});

/** `--ps` is set from script (util/presence-text.ts) for each presence state. */
function presenceValues(): ColourUse[] {
  // A Record so a new presence state fails to compile here until it is listed.
  const states: Record<PresenceState, true> = {
    available: true,
    away: true,
    xa: true,
    chat: true,
    dnd: true,
    unavailable: true,
    not_set: true,
  };
  return (Object.keys(states) as PresenceState[]).map((state) => ({
    file: 'util/presence-text.ts',
    line: 0,
    value: presenceColours(state)['--ps'] ?? '',
  }));
}

/**
 * Finds the text colours the stylesheets use (issue 12 §8), so contrast.test.ts can demand a declared pair for
 * each: a `color:` in a `.vue` `<style>` block or a `.css` file, and the values of component-local colour
 * variables such as BlfTile's `--tile-fg`. Pure text processing over file contents.
 */

/** One `color:` declaration: where it is and its value. */
export interface ColourUse {
  file: string;
  line: number;
  value: string;
}

/** Values that paint no colour of their own (they take the parent's, which has its own declaration). */
const NEUTRAL = new Set(['inherit', 'currentcolor', 'transparent', 'initial', 'unset', 'revert']);

/** The CSS of a file: the `<style>` blocks of a `.vue` file (others blanked, lines kept), or a `.css` file whole. */
export function styleText(file: string, source: string): string {
  if (!file.endsWith('.vue')) return source;
  // Everything outside <style> becomes blank lines so reported line numbers match the file.
  let out = '';
  let last = 0;
  for (const match of source.matchAll(/(<style[^>]*>)([\s\S]*?)<\/style>/g)) {
    const [, open = '', body = ''] = match;
    const start = (match.index ?? 0) + open.length;
    out += source.slice(last, start).replace(/[^\n]/g, '') + body;
    last = start + body.length;
  }
  return out + source.slice(last).replace(/[^\n]/g, '');
}

/** Blanks comments, keeping newlines, so a commented-out colour is not reported and line numbers hold. */
function withoutComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every `color:` declaration (not `background-color` & co.) with a colour of its own. */
export function textColourUses(file: string, source: string): ColourUse[] {
  const css = withoutComments(styleText(file, source));
  const uses: ColourUse[] = [];
  for (const match of css.matchAll(/(?<![-\w])color\s*:\s*([^;{}]+)/g)) {
    const value = (match[1] ?? '').replace(/!important/, '').trim();
    if (!NEUTRAL.has(value.toLowerCase())) uses.push({ file, line: lineOf(css, match.index ?? 0), value });
  }
  return uses;
}

/** Every value a custom property is set to in a file's styles, e.g. `--tile-fg` → `var(--st-idle)`, … */
export function customPropertyValues(file: string, source: string, name: string): ColourUse[] {
  const css = withoutComments(styleText(file, source));
  const pattern = new RegExp(`(?<![-\\w])${name.replace(/[-]/g, '\\-')}\\s*:\\s*([^;{}]+)`, 'g');
  return [...css.matchAll(pattern)].map((match) => ({
    file,
    line: lineOf(css, match.index ?? 0),
    value: (match[1] ?? '').trim(),
  }));
}

/** The custom property a value is exactly `var(--name)` of, if it is. */
export function varName(value: string): string | undefined {
  return /^var\(\s*(--[\w-]+)\s*\)$/.exec(value.trim())?.[1];
}

/**
 * `var(--ok)` for `var(--ok, var(--text))`: the colour painted when the token is defined (the scan checks against
 * the theme, which defines it, so the fallback is never used). Other values come back unchanged.
 */
export function withoutFallback(value: string): string {
  return value.trim().replace(/^var\(\s*(--[\w-]+)\s*,[\s\S]*\)$/, 'var($1)');
}

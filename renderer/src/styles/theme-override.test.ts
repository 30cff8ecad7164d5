import { describe, expect, it } from 'vitest';

/**
 * The theme chosen in Settings (`ui.theme`) repeats the token values of the OS-driven blocks in theme.css. This keeps
 * the copies equal, so tuning a token in one place and not the other fails here instead of on a user's screen.
 */
// Read from disk: the renderer project hands tests empty stylesheets (even `?raw`), and its types have no Node, so
// `node:fs` comes in untyped. Tests run from the repo root.
const fsModule = 'node:fs';
const { readFileSync } = (await import(/* @vite-ignore */ fsModule)) as { readFileSync: (path: string, encoding: 'utf8') => string };
const css = readFileSync('renderer/src/styles/theme.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The custom properties of the first rule with `selector` that starts at or after `from`. */
function tokensOf(selector: string, from = 0): Map<string, string> {
  const start = css.indexOf(`${selector} {`, from);
  if (start < 0) throw new Error(`no ${selector} block`);
  const body = css.slice(start + selector.length + 2, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.replace(/\s+/g, ' ').trim()]));
}

describe('theme overrides', () => {
  const darkMedia = css.indexOf('@media (prefers-color-scheme: dark)');
  const osDark = tokensOf(':root', darkMedia);

  it('data-theme=dark sets every dark token to its OS-dark value', () => {
    expect(Object.fromEntries(tokensOf(":root[data-theme='dark']"))).toEqual(Object.fromEntries(osDark));
  });

  it('data-theme=light puts back the light value of every token the OS-dark block changes', () => {
    const base = tokensOf(':root');
    const light = tokensOf(":root[data-theme='light']", darkMedia);
    expect(Object.fromEntries(light)).toEqual(Object.fromEntries([...osDark.keys()].map((name) => [name, base.get(name)])));
  });
});

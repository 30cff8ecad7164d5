/**
 * WCAG 2.x contrast arithmetic over the design tokens (issue 12 §8), pure so a unit test can read theme.css and
 * prove every text/background pair the UI uses is readable in every theme. Understands the colour syntax the
 * stylesheets use: `#rgb`, `#rrggbb` (with alpha), `rgb()`/`rgba()`, `var(--x, fallback)` and
 * `color-mix(in srgb, a P%, b)`.
 */

/** An sRGB colour, channels 0–255, alpha 0–1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Custom properties of one theme: name (with `--`) → raw value. */
export type Tokens = ReadonlyMap<string, string>;

/** A rule block that declares custom properties: where it sits (at-rules, selector) and what it declares. */
export interface TokenBlock {
  /** The at-rule preludes around the rule, outermost first, e.g. `@media (prefers-color-scheme: dark)`. */
  context: string[];
  selector: string;
  tokens: Map<string, string>;
}

/** One theme to check: the base `:root` tokens with one override block layered on (none for the base itself). */
export interface Theme {
  name: string;
  tokens: Tokens;
}

/**
 * WCAG 2.x minimums: 4.5:1 for body text (SC 1.4.3), 3:1 for large text (SC 1.4.3: ≥ 18.66px bold or ≥ 24px) and
 * for the visual parts of controls and state indicators (SC 1.4.11).
 */
export const MINIMUM = { text: 4.5, 'large-text': 3, 'non-text': 3 } as const;
export type PairKind = keyof typeof MINIMUM;

const NAMED: Record<string, Rgba> = {
  transparent: { r: 0, g: 0, b: 0, a: 0 },
  white: { r: 255, g: 255, b: 255, a: 1 },
  black: { r: 0, g: 0, b: 0, a: 1 },
};

/** Parses a literal colour (hex, rgb()/rgba(), white/black/transparent); undefined for anything else. */
export function parseColor(text: string): Rgba | undefined {
  const value = text.trim().toLowerCase();
  const named = NAMED[value];
  if (named) return { ...named };
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value)?.[1];
  if (hex) {
    const digits = hex.length <= 4 ? [...hex].map((d) => d + d).join('') : hex;
    const byte = (i: number) => parseInt(digits.slice(i * 2, i * 2 + 2), 16);
    return { r: byte(0), g: byte(1), b: byte(2), a: digits.length === 8 ? byte(3) / 255 : 1 };
  }
  const args = /^rgba?\(([^)]*)\)$/.exec(value)?.[1];
  if (args === undefined) return undefined;
  const [r, g, b, a, ...rest] = args.split(/[\s,/]+/).filter(Boolean);
  if (r === undefined || g === undefined || b === undefined || rest.length) return undefined;
  const channel = (part: string) => (part.endsWith('%') ? (parseFloat(part) / 100) * 255 : parseFloat(part));
  const alpha = a === undefined ? 1 : a.endsWith('%') ? parseFloat(a) / 100 : parseFloat(a);
  const rgba = { r: channel(r), g: channel(g), b: channel(b), a: alpha };
  return Object.values(rgba).some((n) => Number.isNaN(n)) ? undefined : rgba;
}

/** Splits on top-level commas (not those inside nested parentheses). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** `name(args)` when the whole value is one such call. */
function call(value: string): { name: string; args: string } | undefined {
  const match = /^([a-z-]+)\((.*)\)$/s.exec(value.trim());
  return match ? { name: match[1] ?? '', args: match[2] ?? '' } : undefined;
}

/** Mixes two colours in sRGB with premultiplied alpha, as CSS `color-mix(in srgb, a p, b)` does. */
export function mix(a: Rgba, b: Rgba, weightA: number): Rgba {
  const wb = 1 - weightA;
  const alpha = a.a * weightA + b.a * wb;
  if (alpha === 0) return { r: 0, g: 0, b: 0, a: 0 };
  const ch = (k: 'r' | 'g' | 'b') => (a[k] * a.a * weightA + b[k] * b.a * wb) / alpha;
  return { r: ch('r'), g: ch('g'), b: ch('b'), a: alpha };
}

/**
 * Resolves a colour expression against the tokens. Throws with the expression when it cannot: a token that is
 * missing or not a colour is a broken table entry, not a pass.
 */
export function resolveColor(expression: string, tokens: Tokens, seen: string[] = []): Rgba {
  const value = expression.trim();
  const literal = parseColor(value);
  if (literal) return literal;
  const fn = call(value);
  if (fn?.name === 'var') {
    const [name = '', fallback] = splitArgs(fn.args);
    if (seen.includes(name)) throw new Error(`Circular colour token ${[...seen, name].join(' → ')}`);
    const raw = tokens.get(name);
    if (raw !== undefined) return resolveColor(raw, tokens, [...seen, name]);
    if (fallback !== undefined) return resolveColor(fallback, tokens, seen);
    throw new Error(`Unknown colour token ${name}`);
  }
  if (fn?.name === 'color-mix') {
    const [space, first, second] = splitArgs(fn.args);
    if (space !== 'in srgb' || first === undefined || second === undefined)
      throw new Error(`Unsupported color-mix: ${value}`);
    const part = (text: string) => {
      const pct = /\s+(\d+(?:\.\d+)?)%$/.exec(text);
      return {
        color: pct ? text.slice(0, pct.index) : text,
        pct: pct ? parseFloat(pct[1] ?? '') / 100 : undefined,
      };
    };
    const a = part(first);
    const b = part(second);
    const weightA = a.pct ?? (b.pct === undefined ? 0.5 : 1 - b.pct);
    return mix(resolveColor(a.color, tokens, seen), resolveColor(b.color, tokens, seen), weightA);
  }
  throw new Error(`Not a colour: ${value}`);
}

/** Paints `top` over `bottom` (source-over); the result is as opaque as `bottom`. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a + bottom.a * (1 - top.a);
  if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
  const ch = (k: 'r' | 'g' | 'b') => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
  return { r: ch('r'), g: ch('g'), b: ch('b'), a };
}

/** Relative luminance (WCAG 2.x definition, sRGB). */
export function luminance(color: Rgba): number {
  const lin = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(color.r) + 0.7152 * lin(color.g) + 0.0722 * lin(color.b);
}

/**
 * Contrast ratio (1–21) of a foreground over a background. Translucent layers are painted first: the background
 * over `base` (default white), then the foreground over the result.
 */
export function contrastRatio(fg: Rgba, bg: Rgba, base: Rgba = { r: 255, g: 255, b: 255, a: 1 }): number {
  const back = composite(bg, base);
  const front = composite(fg, back);
  const [one, two] = [luminance(front), luminance(back)];
  return (Math.max(one, two) + 0.05) / (Math.min(one, two) + 0.05);
}

/** Removes comments so braces and colons inside them cannot confuse the block reader. */
function stripComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, '');
}

/** Reads `--name: value;` declarations from a rule body (nested blocks skipped). */
function declarations(body: string): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const match of body.matchAll(/(--[\w-]+)\s*:\s*([^;{}]+)/g))
    tokens.set(match[1] ?? '', (match[2] ?? '').trim());
  return tokens;
}

/** Every rule block in a stylesheet that declares custom properties, in source order, with its at-rule context. */
export function tokenBlocks(stylesheet: string): TokenBlock[] {
  const css = stripComments(stylesheet);
  const blocks: TokenBlock[] = [];
  const walk = (text: string, context: string[]) => {
    let i = 0;
    while (i < text.length) {
      const open = text.indexOf('{', i);
      if (open < 0) return;
      const prelude = text
        .slice(text.lastIndexOf(';', open) >= i ? text.lastIndexOf(';', open) + 1 : i, open)
        .trim();
      let depth = 1;
      let close = open + 1;
      for (; close < text.length && depth > 0; close++) {
        if (text[close] === '{') depth++;
        else if (text[close] === '}') depth--;
      }
      const body = text.slice(open + 1, close - 1);
      if (prelude.startsWith('@')) walk(body, [...context, prelude.replace(/\s+/g, ' ')]);
      else {
        const tokens = declarations(body.replace(/\{[\s\S]*\}/g, ''));
        if (tokens.size) blocks.push({ context, selector: prelude.replace(/\s+/g, ' '), tokens });
      }
      i = close;
    }
  };
  walk(css, []);
  return blocks;
}

/**
 * The themes a stylesheet defines: the first plain `:root` block is the base (light); every later block that sets
 * colour tokens (the OS dark-mode block, a `[data-theme]` override) is a theme of its own, layered onto the base.
 */
export function themesOf(stylesheet: string): Theme[] {
  const blocks = tokenBlocks(stylesheet);
  const baseBlock = blocks.find((block) => block.context.length === 0 && block.selector === ':root');
  if (!baseBlock) throw new Error('No top-level :root block with tokens');
  const base = baseBlock.tokens;
  const themes: Theme[] = [{ name: 'light (:root)', tokens: base }];
  blocks.forEach((block) => {
    if (block === baseBlock) return;
    const colours = [...block.tokens].filter(([, value]) => isColourValue(value, base));
    if (!colours.length) return;
    const name = [...block.context, block.selector].join(' ');
    themes.push({ name, tokens: new Map([...base, ...block.tokens]) });
  });
  return themes;
}

/** Whether a token value resolves to a colour (so shadows, sizes and fonts are not themes of their own). */
function isColourValue(value: string, tokens: Tokens): boolean {
  try {
    resolveColor(value, tokens);
    return true;
  } catch {
    return false;
  }
}

/** A pair and theme that fall short, with the ratio reached. */
export interface ContrastFailure {
  theme: string;
  fg: string;
  bg: string;
  where: string;
  ratio: number;
  minimum: number;
}

/**
 * Checks pairs (`fg` on `bg`, a translucent `bg` over `over`, default the surface) in each theme. A pair that
 * does not resolve is reported with ratio 0 and the reason in `where`, so a typo cannot pass as readable.
 */
export function checkPairs(
  themes: readonly Theme[],
  pairs: readonly { fg: string; bg: string; over?: string; kind: PairKind; where: string }[],
): ContrastFailure[] {
  const failures: ContrastFailure[] = [];
  for (const theme of themes) {
    for (const pair of pairs) {
      const minimum = MINIMUM[pair.kind];
      try {
        const fg = resolveColor(pair.fg, theme.tokens);
        const bg = resolveColor(pair.bg, theme.tokens);
        const over = resolveColor(pair.over ?? 'var(--surface, #fff)', theme.tokens);
        const ratio = contrastRatio(fg, bg, over);
        if (ratio < minimum)
          failures.push({ theme: theme.name, fg: pair.fg, bg: pair.bg, where: pair.where, ratio, minimum });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures.push({
          theme: theme.name,
          fg: pair.fg,
          bg: pair.bg,
          where: `${pair.where} — ${reason}`,
          ratio: 0,
          minimum,
        });
      }
    }
  }
  return failures;
}

/** One line per failure: "dark: var(--text-faint) on var(--bg) 3.26:1 < 4.5:1 (hint bar)". */
export function describeFailure(failure: ContrastFailure): string {
  const { theme, fg, bg, ratio, minimum, where } = failure;
  return `${theme}: ${fg} on ${bg} ${ratio.toFixed(2)}:1 < ${minimum}:1 (${where})`;
}

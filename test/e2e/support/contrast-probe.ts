/**
 * Measures the contrast of every piece of text on a page as Chromium paints it (issue 12 §8): the computed text
 * colour, faded by the opacity of the element and its ancestors up to the one that paints its background, over the
 * background colours from the root down. The arithmetic is the renderer's own (renderer/src/styles/contrast.ts), so
 * the unit test over the tokens and this check agree on what a ratio is.
 *
 * Not seen: background images and gradients (their element's background colour is used), pseudo-elements painted
 * behind text (the tile state bar, blink overlays — both checked in the unit test's pair table), and text that
 * overlaps something outside its ancestors. Disabled controls are skipped (WCAG 2.x SC 1.4.3 exempts them); text
 * scrolled out of view is measured too.
 */
import type { Page } from 'playwright-core';
import {
  composite,
  contrastRatio,
  MINIMUM,
  parseColor,
  type Rgba,
} from '../../../renderer/src/styles/contrast';

/** One text-bearing element as the page paints it. */
export interface TextSample {
  text: string;
  /** `tag.class[data-testid]` of the element, to find it. */
  where: string;
  color: string;
  /** Background colours from the root (first) to the element (last). */
  layers: string[];
  /** Product of opacities from the element up to (not including) its nearest painted background. */
  opacity: number;
  fontSizePx: number;
  fontWeight: number;
}

/** A sample below its minimum. */
export interface LowContrast {
  sample: TextSample;
  ratio: number;
  minimum: number;
}

/** Collects every visible text-bearing element on the page (runs in the page). */
export function sampleText(page: Page): Promise<TextSample[]> {
  // As source text with a `__name` stand-in: tsx (esbuild keepNames) wraps named functions in `__name(…)`, which
  // does not exist in the page (see renderer-preview.ts).
  return page.evaluate(`(() => { const __name = (f) => f; return (${collectText.toString()})(); })()`);
}

/** The page side of {@link sampleText}: serialised, so it may use nothing from this module. */
function collectText(): TextSample[] {
  const transparent = (color: string) => color === 'rgba(0, 0, 0, 0)' || color === 'transparent';
  const describe = (el: Element) => {
    const id = el.getAttribute('data-testid');
    const classes = Array.from(el.classList)
      .filter((name) => !name.startsWith('data-v-'))
      .slice(0, 3);
    return `${el.tagName.toLowerCase()}${classes.map((name) => `.${name}`).join('')}${id ? `[${id}]` : ''}`;
  };
  const ownText = (el: Element) => {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      const skip = ['checkbox', 'radio', 'range', 'color', 'hidden', 'file'];
      return el instanceof HTMLInputElement && skip.includes(el.type) ? '' : el.value;
    }
    if (el instanceof HTMLSelectElement) return el.selectedOptions[0]?.textContent ?? '';
    return Array.from(el.childNodes)
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent ?? '')
      .join('')
      .trim();
  };
  const samples: TextSample[] = [];
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    const text = ownText(el).trim();
    if (!text || el instanceof HTMLOptionElement || el.closest('svg, .visually-hidden')) continue;
    if (el.closest(':disabled, [aria-disabled="true"]')) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || box.width < 2 || box.height < 2) continue;
    const layers: string[] = [];
    let opacity = 1;
    let painted = false;
    for (let node: Element | null = el; node; node = node.parentElement) {
      const own = getComputedStyle(node);
      if (!painted) opacity *= Number(own.opacity);
      if (!transparent(own.backgroundColor)) {
        layers.unshift(own.backgroundColor);
        painted = true;
      }
    }
    samples.push({
      text: text.slice(0, 60),
      where: describe(el),
      color: style.color,
      layers,
      opacity,
      fontSizePx: parseFloat(style.fontSize),
      fontWeight: Number(style.fontWeight),
    });
  }
  return samples;
}

/** Parses a computed colour: `rgb()`/`rgba()`, or `color(srgb r g b / a)` as Chromium writes a color-mix(). */
export function parseComputed(text: string): Rgba {
  const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(text.trim());
  if (srgb) {
    const [r, g, b, a] = srgb.slice(1).map((part) => (part === undefined ? 1 : Number(part)));
    return { r: (r ?? 0) * 255, g: (g ?? 0) * 255, b: (b ?? 0) * 255, a: a ?? 1 };
  }
  const color = parseColor(text);
  if (!color) throw new Error(`Unreadable computed colour "${text}"`);
  return color;
}

/** Large text per WCAG 2.x: at least 24px, or 18.66px (14pt) bold. */
function isLarge(sample: TextSample): boolean {
  return sample.fontSizePx >= 24 || (sample.fontSizePx >= 18.66 && sample.fontWeight >= 700);
}

/** The contrast a sample reaches over its painted background (the canvas is white). */
export function sampleRatio(sample: TextSample): number {
  const ground = sample.layers.reduce<Rgba>((below, layer) => composite(parseComputed(layer), below), {
    r: 255,
    g: 255,
    b: 255,
    a: 1,
  });
  const fg = parseComputed(sample.color);
  return contrastRatio({ ...fg, a: fg.a * sample.opacity }, ground);
}

/** The samples below 4.5:1 (3:1 for large text). */
export function lowContrast(samples: readonly TextSample[]): LowContrast[] {
  return samples
    .map((sample) => ({
      sample,
      ratio: sampleRatio(sample),
      minimum: isLarge(sample) ? MINIMUM['large-text'] : MINIMUM.text,
    }))
    .filter((result) => result.ratio < result.minimum);
}

/** "3.16:1 < 4.5:1 'Alt+N' kbd.hint rgb(…) on rgb(…)" — one line per failure. */
export function describeLow({ sample, ratio, minimum }: LowContrast): string {
  const ground = sample.layers.at(-1) ?? 'canvas';
  return `${ratio.toFixed(2)}:1 < ${minimum}:1 "${sample.text}" ${sample.where} ${sample.color} ×${sample.opacity} on ${ground}`;
}

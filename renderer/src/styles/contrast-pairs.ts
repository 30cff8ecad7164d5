/**
 * Every foreground/background pairing the UI paints, as colour expressions over the design tokens (issue 12 §8).
 * contrast.test.ts checks each in every theme of theme.css, and fails when a stylesheet uses a text colour that no
 * pair here covers — so adding a colour means adding its pairs, and the check runs on them. Component-local colour
 * variables (`--tile-fg`, `--c`, `--ps`) are followed to every token they are set to.
 */
import type { PairKind } from './contrast';

/** One pairing: `fg` painted on `bg` (which may be translucent over `over`, default `var(--surface)`). */
export interface ContrastPair {
  fg: string;
  bg: string;
  over?: string;
  kind: PairKind;
  /** Where the UI paints it, for the failure message. */
  where: string;
}

const v = (token: string) => `var(--${token})`;

/** The neutral grounds text sits on: page, cards, panels, hover rows, sidebar. */
const SURFACES = ['bg', 'surface', 'surface-2', 'surface-hover', 'sidebar'];

/** Tokens used as text colour on the neutral grounds (body, secondary, hints, status words, links). */
const TEXT_ON_SURFACES = ['text', 'text-muted', 'text-faint', 'accent', 'ok', 'busy', 'bad', 'off'];

/** Status tints (notices, badges, chips) with their own word colour on them. */
const TINTS = ['accent', 'ok', 'busy', 'bad', 'off'];

/** Tile states with a tinted tile (BlfTile `.is-*`), in the tile palette. */
const TILE_TINTS = ['busy', 'hold', 'off', 'dnd', 'unknown'];

/** Non-text state colours that must stand out from the ground (state bar, dots, meters, swatches). */
const INDICATORS = [
  'st-idle',
  'st-ring',
  'st-busy',
  'st-hold',
  'st-off',
  'st-dnd',
  'st-unknown',
  'ok',
  'busy',
  'bad',
  'off',
];

function cross(fgs: string[], bgs: string[], kind: PairKind, where: string): ContrastPair[] {
  return fgs.flatMap((fg) => bgs.map((bg) => ({ fg: v(fg), bg: v(bg), kind, where })));
}

export const CONTRAST_PAIRS: readonly ContrastPair[] = [
  ...cross(TEXT_ON_SURFACES, SURFACES, 'text', 'text on a page, card, panel, hover row or the sidebar'),
  ...TINTS.flatMap((tint) => [
    ...cross(
      ['text', 'text-muted', tint],
      [`${tint}-soft`],
      'text',
      `notice, badge or selected row on ${tint}-soft`,
    ),
  ]),
  { fg: v('accent-text'), bg: v('accent'), kind: 'text', where: 'primary button, selected segment' },
  { fg: v('accent-text'), bg: v('accent-hover'), kind: 'text', where: 'primary button hovered' },
  { fg: v('surface'), bg: v('bad'), kind: 'text', where: 'error count badge (OrderedItemList)' },
  { fg: v('surface'), bg: v('text'), kind: 'text', where: 'panel toast' },
  {
    fg: v('st-ring-text'),
    bg: v('st-ring'),
    kind: 'text',
    where: 'ringing tile, incoming-call banner, sidebar badge',
  },
  {
    fg: v('st-ring-text'),
    bg: 'color-mix(in srgb, var(--st-ring-blink) 55%, var(--st-ring))',
    kind: 'text',
    where: 'ringing tile in its blink frame (BlfTile .is-ringing::after at 55%)',
  },
  { fg: v('st-ring'), bg: v('st-ring-text'), kind: 'text', where: '"Pick up" pill on a ringing tile' },
  {
    fg: v('st-ring'),
    bg: 'color-mix(in srgb, var(--st-ring-text) 88%, var(--st-ring))',
    kind: 'text',
    where: 'answer button on the incoming-call banner',
  },
  ...(
    [
      ['var(--st-ring)', 'var(--st-ring-text)', 'answer button'],
      [
        'var(--st-ring)',
        'color-mix(in srgb, var(--st-ring-text) 88%, var(--st-ring))',
        'answer button, hovered',
      ],
      ['var(--st-ring-text)', 'var(--st-ring)', 'reject button'],
      [
        'var(--st-ring-text)',
        'color-mix(in srgb, var(--st-ring-blink) 15%, var(--st-ring))',
        'reject button, hovered',
      ],
    ] as const
  ).map(([fg, bg, button]) => ({
    fg,
    bg,
    kind: 'text' as const,
    where: `incoming-call banner: ${button} with its kbd hint`,
  })),
  {
    fg: v('st-ring-text'),
    bg: v('st-ring'),
    kind: 'non-text',
    where: 'focus ring on the incoming-call banner',
  },
  ...cross(['text', 'text-muted', 'st-hold'], ['st-hold-soft'], 'text', '').map((pair) => ({
    ...pair,
    bg: 'color-mix(in srgb, var(--surface) 60%, var(--st-hold-soft))',
    where: 'held tile or parked slot in its slow blink frame (surface at 60% over hold-soft)',
  })),
  ...(
    [
      ['text', 'surface'],
      ['text', 'surface-hover'],
      ['accent-text', 'accent'],
      ['accent-text', 'accent-hover'],
    ] as const
  ).map(([fg, bg]): ContrastPair => ({
    fg: `color-mix(in srgb, var(--${fg}) 90%, transparent)`,
    bg: v(bg),
    kind: 'text',
    where: 'shortcut hint (kbd at 90% opacity) on a transfer dialog button',
  })),
  ...cross(['text', 'text-muted'], ['st-ring-soft'], 'text', 'unseen missed call row (history)'),
  ...cross(['st-idle', 'text-muted'], ['surface'], 'text', 'idle tile: state word, number, timer'),
  ...cross(
    ['st-idle', 'st-ring', 'st-busy', 'st-hold', 'st-off', 'st-dnd', 'st-unknown'],
    [...SURFACES, 'accent-soft'],
    'text',
    'state word in a list (transfer targets, call cards, presence messages)',
  ),
  ...cross(['st-idle', 'st-ring', 'text', 'text-muted'], ['surface-2'], 'text', 'stale tile, free park slot'),
  ...TILE_TINTS.flatMap((state) =>
    cross(
      [`st-${state}`, 'text', 'text-muted'],
      [`st-${state}-soft`],
      'text',
      `${state} tile or presence chip: word, name, number`,
    ),
  ),
  ...cross(['st-idle', 'text', 'text-muted'], ['st-idle-soft'], 'text', 'available presence chip'),
  ...cross(INDICATORS, ['surface', 'surface-2', 'bg'], 'non-text', 'state bar, status dot, level meter'),
  ...cross(['focus'], [...SURFACES, 'accent-soft'], 'non-text', 'focus ring (3px outline)'),
];

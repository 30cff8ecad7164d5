/**
 * Tile icons as SVG path data: one shape per state, so the state reads without colour, and the clock of the stale
 * mark. Drawn on a 16×16 view box; `cut` strokes are painted in the tile background to punch through a filled shape.
 */
import type { TileState } from '../../../shared/tiles';

export type Mark = { d: string; mode: 'fill' | 'stroke' | 'cut' };
const CIRCLE = 'M8 1.6a6.4 6.4 0 1 0 0 12.8a6.4 6.4 0 1 0 0-12.8z';
/** Shapes per state, so the state reads without colour: check, bell, handset, pause, cross, no-entry, question. */
export const TILE_ICONS: Record<TileState, Mark[]> = {
  idle: [
    { d: CIRCLE, mode: 'fill' },
    { d: 'M5.1 8.2l2 2 3.9-4.3', mode: 'cut' },
  ],
  ringing: [
    { d: 'M8 1.6c-2.2 0-3.9 1.7-3.9 4v2.7L2.6 10.7v1h10.8v-1L11.9 8.3V5.6c0-2.3-1.7-4-3.9-4zM6.3 12.6a1.7 1.7 0 0 0 3.4 0z', mode: 'fill' },
  ],
  busy: [
    { d: 'M3.7 1.9c.4-.4 1.1-.4 1.5.1l1.5 2c.3.4.3 1-.1 1.4l-.8.8a8.3 8.3 0 0 0 3.9 3.9l.8-.8c.4-.4 1-.4 1.4-.1l2 1.5c.5.4.5 1.1.1 1.5l-.9.9c-.8.8-2 1-3 .5A14 14 0 0 1 2.5 5.9c-.5-1-.3-2.2.5-3z', mode: 'fill' },
  ],
  hold: [
    { d: CIRCLE, mode: 'fill' },
    { d: 'M6.4 5.4v5.2M9.6 5.4v5.2', mode: 'cut' },
  ],
  offline: [
    { d: CIRCLE, mode: 'stroke' },
    { d: 'M6 6l4 4M10 6l-4 4', mode: 'stroke' },
  ],
  dnd: [
    { d: CIRCLE, mode: 'fill' },
    { d: 'M4.9 8h6.2', mode: 'cut' },
  ],
  unknown: [
    { d: CIRCLE, mode: 'stroke' },
    { d: 'M6.3 6.3a1.8 1.8 0 1 1 2.4 1.7c-.4.2-.7.5-.7 1v.4M8 11.2v.1', mode: 'stroke' },
  ],
};

export function paint(mode: Mark['mode']): Record<string, string> {
  if (mode === 'fill') return { fill: 'currentColor' };
  const stroke = mode === 'cut' ? 'var(--tile-bg)' : 'currentColor';
  return { fill: 'none', stroke, 'stroke-width': mode === 'cut' ? '1.9' : '1.5', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
}

/** A clock face with its hands: "since when" for the stale mark. */
export const STALE_CLOCK: Mark[] = [
  { d: CIRCLE, mode: 'stroke' },
  { d: 'M8 4.6V8l2.3 1.5', mode: 'stroke' },
];

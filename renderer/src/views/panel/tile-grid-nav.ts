/**
 * The tile grid's rows and keyboard geometry (WAI-ARIA grid pattern): ←/→ through the tiles in reading order, ↑/↓
 * to the same column of the row above/below, skipping group headings; Home/End within the row, Ctrl+Home/End to
 * the first/last tile, PageUp/PageDown by `page` tile rows.
 */
import type { TileView } from '../../../../shared/tiles';

export interface HeaderRow {
  kind: 'header';
  key: string;
  name: string;
  count: number;
  top: number;
}
export interface TilesRow {
  kind: 'tiles';
  key: string;
  tiles: readonly TileView[];
  top: number;
}
export type Row = HeaderRow | TilesRow;

/** The grid laid out: its rows, where each tile is (row index, column) and the tile ids in reading order. */
export interface GridLayout {
  rows: readonly Row[];
  pos: ReadonlyMap<string, { row: number; col: number }>;
  flat: readonly string[];
}

/** The tile `steps` tile rows above (<0) or below (>0) in the same column, clamped at the ends. */
export function vertical({ rows, pos }: GridLayout, id: string, steps: number): string | undefined {
  const at = pos.get(id);
  if (!at) return undefined;
  const dir = Math.sign(steps);
  let index = at.row;
  let target = at.row;
  for (let left = Math.abs(steps); left > 0; ) {
    index += dir;
    const row = rows[index];
    if (!row) break;
    if (row.kind === 'tiles') {
      target = index;
      left -= 1;
    }
  }
  const row = rows[target];
  return row?.kind === 'tiles' ? row.tiles[Math.min(at.col, row.tiles.length - 1)]?.id : undefined;
}

/** The tile a navigation key moves to from `id` (undefined: not a navigation key). */
export function keyTarget(layout: GridLayout, event: Pick<KeyboardEvent, 'key' | 'ctrlKey'>, id: string, page: number): string | undefined {
  const { flat, pos, rows } = layout;
  const index = flat.indexOf(id);
  const row = rows[pos.get(id)?.row ?? -1];
  const rowTiles = row?.kind === 'tiles' ? row.tiles : [];
  switch (event.key) {
    case 'ArrowRight':
      return flat[Math.min(flat.length - 1, index + 1)];
    case 'ArrowLeft':
      return flat[Math.max(0, index - 1)];
    case 'ArrowDown':
      return vertical(layout, id, 1);
    case 'ArrowUp':
      return vertical(layout, id, -1);
    case 'PageDown':
      return vertical(layout, id, page);
    case 'PageUp':
      return vertical(layout, id, -page);
    case 'Home':
      return event.ctrlKey ? flat[0] : rowTiles[0]?.id;
    case 'End':
      return event.ctrlKey ? flat[flat.length - 1] : rowTiles[rowTiles.length - 1]?.id;
    default:
      return undefined;
  }
}

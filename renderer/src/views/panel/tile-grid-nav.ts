/**
 * The tile grid's rows and keyboard geometry (WAI-ARIA grid pattern): ←/→ through the tiles in reading order, ↑/↓
 * to the same column of the row above/below, skipping group headings; Home/End within the row, Ctrl+Home/End to
 * the first/last tile, PageUp/PageDown by `page` tile rows.
 *
 * Group headings are rows of their own, except on the wall (issue 12), where a heading row would cost a row of ~28
 * tiles: there the group's name is a label at the start of its first tile row, `offset` columns wide, and the tiles
 * of that row start after it (↑/↓ keep the visual column).
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
  /** Columns taken by the group label before the first tile (wall only). */
  offset?: number;
  /** The group's name and size, shown in the first `offset` columns. */
  label?: { name: string; count: number };
}
export type Row = HeaderRow | TilesRow;

/** The grid laid out: its rows, where each tile is (row index, column) and the tile ids in reading order. */
export interface GridLayout {
  rows: readonly Row[];
  pos: ReadonlyMap<string, { row: number; col: number }>;
  flat: readonly string[];
}

/** The grid's geometry in pixels and how group headings are shown. */
export interface LayoutOptions {
  cols: number;
  rowH: number;
  headerH: number;
  /** Whether groups are named at all (one unnamed group is not). */
  headers: boolean;
  /** Columns of an inline group label at the start of a group's first row; 0 = heading rows. */
  labelCols: number;
}

/** Lays the sections out in rows: heading rows (or inline labels), then tile rows of `cols` columns. */
export function buildLayout(sections: readonly { name: string; tiles: readonly TileView[] }[], options: LayoutOptions): GridLayout & { total: number } {
  const { cols, rowH, headerH, headers } = options;
  const inline = headers && options.labelCols > 0 && options.labelCols < cols ? options.labelCols : 0;
  const rows: Row[] = [];
  const pos = new Map<string, { row: number; col: number }>();
  const flat: string[] = [];
  let top = 0;
  for (const section of sections) {
    if (headers && !inline) {
      rows.push({ kind: 'header', key: `h:${section.name}`, name: section.name, count: section.tiles.length, top });
      top += headerH;
    }
    for (let i = 0; i < section.tiles.length; ) {
      const offset = i === 0 ? inline : 0;
      const slice = section.tiles.slice(i, i + cols - offset);
      slice.forEach((tile, col) => {
        pos.set(tile.id, { row: rows.length, col: offset + col });
        flat.push(tile.id);
      });
      const row: TilesRow = { kind: 'tiles', key: `r:${section.name}:${i}`, tiles: slice, top };
      if (offset) Object.assign(row, { offset, label: { name: section.name, count: section.tiles.length } });
      rows.push(row);
      top += rowH;
      i += slice.length;
    }
  }
  return { rows, pos, flat, total: top };
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
  if (row?.kind !== 'tiles') return undefined;
  const col = Math.max(0, Math.min(at.col - (row.offset ?? 0), row.tiles.length - 1));
  return row.tiles[col]?.id;
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

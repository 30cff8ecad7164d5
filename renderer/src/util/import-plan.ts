/**
 * Which imported keys are new and which watch an extension already on the panel (issue 12 §4/§5): the import
 * preview names the duplicates as skipped, and "Append" adds only the new ones. Same rule as the settings
 * validation ({@link TileTargetIndex}), so an append never produces a duplicate the save would refuse.
 */
import { TileTargetIndex } from '../../../shared/tile-target';
import type { TileConfig } from '../../../shared/tiles';
import type { DraftTile } from './tile-draft';

export interface ImportDuplicate {
  tile: TileConfig;
  /** The name of the key already on the panel. */
  existing: string;
}

export interface ImportPlan {
  fresh: TileConfig[];
  duplicates: ImportDuplicate[];
}

function draftLine(line: string): number | undefined {
  return /^[1-9][0-9]*$/.test(line.trim()) ? Number(line) : undefined;
}

export function planImport(panel: readonly DraftTile[], imported: readonly TileConfig[]): ImportPlan {
  const index = new TileTargetIndex<string>();
  for (const tile of panel) index.claim({ uri: tile.uri.trim(), line: draftLine(tile.line) }, tile.name.trim() || tile.uri);
  const plan: ImportPlan = { fresh: [], duplicates: [] };
  for (const tile of imported) {
    const existing = index.claim({ uri: tile.uri, line: tile.line }, tile.name);
    if (existing === undefined) plan.fresh.push(tile);
    else plan.duplicates.push({ tile, existing });
  }
  return plan;
}

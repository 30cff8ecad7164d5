/**
 * What importing a phone's key file gives back (issue 12 §5): the format it was read as, the keys found as tiles,
 * and a plain-words warning for every key that was skipped. Main parses (`tiles.importKeys`); the renderer previews
 * the report and appends the tiles to the settings draft.
 */
import type { TileConfig } from './tiles';

/** The key file formats the importer recognises, by their content (never by file name). */
export const KEY_FILE_FORMATS = ['console', 'snom', 'yealink', 'yealink-xml', 'grandstream', 'auerswald'] as const;
export type KeyFileFormat = (typeof KEY_FILE_FORMATS)[number];

/** Largest key file accepted by `tiles.importKeys` (2,000 keys at ~1 KB each). */
export const MAX_KEY_FILE_CHARS = 4 * 1024 * 1024;

export interface KeyImportReport {
  format: KeyFileFormat;
  /** The keys to add, in file order. Never empty: a file without a single usable key is a failure. */
  tiles: TileConfig[];
  /** One sentence per skipped key, naming it as the file does ("linekey 4: a speed dial without a lamp: skipped"). */
  warnings: string[];
}

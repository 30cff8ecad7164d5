/**
 * Turns the keys read from a vendor's file into tiles, the same way for every vendor: the address as the phone
 * wrote it (`101`, `101@pbx`, `sip:101@pbx`, `"Anna" <sip:101@pbx>`) becomes an extension or a `sip:` URI, the
 * label (or else the display name, or else the extension) becomes the name, pressing the tile calls it. A key the
 * settings rules refuse, a second key for the same extension, or keys past {@link MAX_TILES} are skipped with a
 * warning naming the key as the file does; nothing here throws.
 */
import { randomUUID } from 'node:crypto';
import { MAX_TILES } from '../../../../shared/settings';
import { TileTargetIndex } from '../../../../shared/tile-target';
import type { TileConfig, WatchEvent } from '../../../../shared/tiles';
import { tileErrors } from '../../../../shared/tiles-validate';

/** One key as a vendor file describes it. */
export interface VendorKey {
  /** How the file names the key, for warnings: "linekey 3", "fkey 0", "P1363 (VPK 1)". */
  position: string;
  /** The extension or address as written. */
  target: string;
  watch: WatchEvent[];
  label?: string | undefined;
  /** 1-based line (account), when the file names one. */
  line?: number | undefined;
  group?: string | undefined;
}

export interface VendorKeyOptions {
  newId?: () => string;
  lineCount?: number;
}

export interface VendorTiles {
  tiles: TileConfig[];
  warnings: string[];
}

/**
 * The address part of what a phone stores: drops a display name and angle brackets (`"Anna" <sip:101@pbx>`), a
 * `|pickup` suffix (snom `blf <sip:101@pbx>|*8`), and writes `101@pbx` as `sip:101@pbx`.
 */
export function normaliseTarget(raw: string): string {
  let value = raw.trim();
  // indexOf rather than a regular expression: a hostile value of a million `<` must not take quadratic time.
  const open = value.indexOf('<');
  const close = open < 0 ? -1 : value.indexOf('>', open + 1);
  if (close > open) value = value.slice(open + 1, close).trim();
  else value = value.split('|')[0]!.trim();
  if (!/^sips?:/i.test(value) && value.includes('@')) value = `sip:${value}`;
  return value;
}

/** The display name of `"Anna Alt" <sip:101@pbx>` or `Anna <sip:101@pbx>` (RFC 3261 §25.1 name-addr), if any. */
function displayName(raw: string): string | undefined {
  const open = raw.indexOf('<');
  if (open < 0) return undefined;
  const name = raw.slice(0, open).trim().replace(/^"/, '').replace(/"$/, '').trim();
  return name || undefined;
}

/** The user part of a SIP URI (`sip:101@pbx` → `101`), else the value itself: a label for keys that have none. */
function userPart(uri: string): string {
  const m = /^sips?:([^@;?]+)@/i.exec(uri);
  return m ? m[1]! : uri;
}

export function tilesFromVendorKeys(keys: readonly VendorKey[], options: VendorKeyOptions = {}): VendorTiles {
  const newId = options.newId ?? (() => `tile-${randomUUID()}`);
  const tiles: TileConfig[] = [];
  const warnings: string[] = [];
  const seen = new TileTargetIndex<string>();
  for (const key of keys) {
    const uri = normaliseTarget(key.target);
    if (!uri) {
      warnings.push(`${key.position}: has no number: skipped`);
      continue;
    }
    if (tiles.length >= MAX_TILES) {
      warnings.push(`${key.position}: more than ${MAX_TILES} keys: skipped`);
      continue;
    }
    const name = (key.label?.trim() || displayName(key.target) || userPart(uri)).slice(0, 64);
    const tile: TileConfig = { id: newId(), name, uri, watch: [...key.watch], action: { kind: 'call', uri } };
    if (key.line !== undefined && options.lineCount !== undefined && key.line > options.lineCount)
      warnings.push(`${key.position}: line ${key.line} is not configured here, so the key uses the default line`);
    else if (key.line !== undefined) tile.line = key.line;
    if (key.group?.trim()) tile.group = key.group.trim();
    const problem = tileErrors(tile, tiles.length, options.lineCount)[0];
    if (problem) {
      warnings.push(`${key.position}: ${problem.message.replace(/^Key \d+: /, '')}: skipped`);
      continue;
    }
    const earlier = seen.claim({ uri, line: tile.line }, key.position);
    if (earlier !== undefined) {
      warnings.push(`${key.position}: ${uri} is the same extension as ${earlier}: skipped`);
      continue;
    }
    tiles.push(tile);
  }
  return { tiles, warnings };
}

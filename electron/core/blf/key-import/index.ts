/**
 * Reads a phone's key file in whichever format it is (issue 12 §5) and reports the keys as tiles, the format it
 * detected, and a warning per skipped key. Detection is by content, in this order:
 * - XML: the console's own `<key>` elements (console-format.ts), snom `<fkey>` (snom.ts), Grandstream P-values
 *   (grandstream.ts), Yealink key parameters (yealink.ts);
 * - text: Yealink `linekey.N.…` lines, snom `fkeyN:` lines, Grandstream `P1363 = …` lines, an Auerswald-style CSV
 *   key list with a header row (auerswald.ts).
 * Never throws: the size is bounded, XML is read without DOCTYPE or entity expansion (xml-input.ts), and every
 * failure is a `Result` in plain words.
 */
import type { Result } from '../../../../shared/result';
import { fail, ok } from '../../../../shared/result';
import { MAX_KEY_FILE_CHARS, type KeyFileFormat, type KeyImportReport } from '../../../../shared/key-import';
import { auerswaldKeys, isAuerswaldList } from './auerswald';
import { CONSOLE_ARRAYS, hasConsoleKeys, readConsoleKeys } from './console-format';
import { GRANDSTREAM_KEY, grandstreamKeys, hasGrandstreamKeys } from './grandstream';
import { pairsFromLines, pairsFromXml } from './setting-pairs';
import { hasSnomKeys, hasSnomPlainKeys, snomPlainKeys, snomXmlKeys } from './snom';
import { tilesFromVendorKeys, type VendorKey, type VendorKeyOptions } from './vendor-key';
import { looksLikeXml, readXml, type XmlNode } from './xml-input';
import { YEALINK_KEY, yealinkKeys } from './yealink';

export type KeyFileOptions = VendorKeyOptions;

const ACCEPTED =
  "the console's <key> XML, snom <fkey> settings, Yealink linekey settings, Grandstream P-values or an Auerswald-style CSV key list";

const ARRAYS: ReadonlySet<string> = new Set([...CONSOLE_ARRAYS, 'fkey', 'item']);

/** Parses a key file of any supported format. Never throws. */
export function importKeys(input: string, options: KeyFileOptions = {}): Result<KeyImportReport> {
  if (typeof input !== 'string') return fail('invalid-argument', 'The key file must be text');
  if (input.length > MAX_KEY_FILE_CHARS)
    return fail('invalid-argument', `The key file is larger than ${MAX_KEY_FILE_CHARS >> 20} MB`);
  if (input.trim() === '') return fail('invalid-argument', 'The key file is empty');
  try {
    return looksLikeXml(input) ? fromXml(input, options) : fromText(input, options);
  } catch (error) {
    // A bug in a reader must not become an `internal` error with a stack: the user gets a sentence.
    return fail('invalid-argument', `The key file cannot be read (${(error as Error).message})`);
  }
}

function fromXml(input: string, options: KeyFileOptions): Result<KeyImportReport> {
  const parsed = readXml(input, ARRAYS);
  if (!parsed.ok) return parsed;
  const root: XmlNode = parsed.value;
  if (hasConsoleKeys(root)) {
    const read = readConsoleKeys(root, options);
    return read.ok ? ok({ format: 'console', ...read.value }) : read;
  }
  const warnings: string[] = [];
  if (hasSnomKeys(root)) return report('snom', snomXmlKeys(root, warnings), warnings, options);
  const gs = pairsFromXml(root, GRANDSTREAM_KEY);
  if (hasGrandstreamKeys(gs)) return report('grandstream', grandstreamKeys(gs, warnings), warnings, options);
  const yealink = pairsFromXml(root, YEALINK_KEY);
  if (yealink.size > 0) return report('yealink-xml', yealinkKeys(yealink, warnings), warnings, options);
  return fail('invalid-argument', `No keys found in this XML file. Accepted: ${ACCEPTED}`);
}

function fromText(input: string, options: KeyFileOptions): Result<KeyImportReport> {
  const lines = input.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const warnings: string[] = [];
  const yealink = pairsFromLines(lines, YEALINK_KEY);
  if (yealink.size > 0) return report('yealink', yealinkKeys(yealink, warnings), warnings, options);
  if (hasSnomPlainKeys(lines)) return report('snom', snomPlainKeys(lines, warnings), warnings, options);
  const gs = pairsFromLines(lines, GRANDSTREAM_KEY);
  if (hasGrandstreamKeys(gs)) return report('grandstream', grandstreamKeys(gs, warnings), warnings, options);
  if (isAuerswaldList(lines)) return report('auerswald', auerswaldKeys(lines, warnings), warnings, options);
  return fail('invalid-argument', `The file is in no key format this console knows. Accepted: ${ACCEPTED}`);
}

function report(
  format: KeyFileFormat,
  keys: VendorKey[],
  readWarnings: string[],
  options: KeyFileOptions,
): Result<KeyImportReport> {
  const { tiles, warnings } = tilesFromVendorKeys(keys, options);
  const all = [...readWarnings, ...warnings];
  if (tiles.length === 0) {
    const why = all.length ? ` (${all.length} skipped: ${all.slice(0, 3).join('; ')}${all.length > 3 ? '; …' : ''})` : '';
    return fail('invalid-argument', `The file has no busy lamp keys${why}`);
  }
  return ok({ format, tiles, warnings: all });
}

/**
 * Yealink DSS keys (issue 12 §5), from a `.cfg` configuration file or the same parameters in XML (see
 * setting-pairs.ts). Keys are `linekey.N.*`, `memorykey.N.*`, `programablekey.N.*` and
 * `expansion_module.M.key.N.*`, each with `type`, `value` (the extension), `label` and `line` (the 1-based account;
 * 0 or empty = the default line). Types: 16 = BLF (dialog); 13 = speed dial and 39 = BLF list are skipped with a
 * warning (a speed dial has no lamp; a BLF list is a resource list, configured as a list); 0 (N/A) and 15 (line)
 * are skipped quietly; any other type is skipped with a warning naming it.
 */
import type { VendorKey } from './vendor-key';
import type { Pairs } from './setting-pairs';

/** The setting names of a Yealink key. */
export const YEALINK_KEY = /^(?:linekey|memorykey|programablekey|expansion_module\.[0-9]{1,2}\.key)\.[0-9]{1,4}\.[a-z_]+$/i;

const SKIPPED: Record<string, (value: string) => string> = {
  '13': (value) => `a speed dial to ${value || '?'} has no lamp`,
  '39': () => 'a BLF list is a resource list: add it as a list',
};
const QUIET = new Set(['', '0', '15']);

/** Sort order: line keys, memory keys, programmable keys, then expansion modules by module and key. */
function order(prefix: string): number[] {
  const nums = (prefix.match(/[0-9]+/g) ?? []).map(Number);
  const rank = prefix.startsWith('linekey') ? 0 : prefix.startsWith('memorykey') ? 1 : prefix.startsWith('programablekey') ? 2 : 3;
  return [rank, ...nums];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The BLF keys among Yealink settings, in key order, with warnings for the keys skipped. */
export function yealinkKeys(pairs: Pairs, warnings: string[]): VendorKey[] {
  const prefixes = new Set<string>();
  for (const name of pairs.keys()) if (YEALINK_KEY.test(name)) prefixes.add(name.replace(/\.[a-z_]+$/, ''));
  const keys: VendorKey[] = [];
  for (const prefix of [...prefixes].sort((a, b) => compare(order(a), order(b)))) {
    const get = (field: string): string => pairs.get(`${prefix}.${field}`) ?? '';
    const type = get('type');
    const value = get('value');
    const position = prefix.replace(/^expansion_module\.([0-9]+)\.key\.([0-9]+)$/, 'expansion module $1 key $2').replace(/\.([0-9]+)$/, ' $1');
    if (type !== '16') {
      const why = SKIPPED[type];
      if (why) warnings.push(`${position}: ${why(value)}: skipped`);
      else if (!QUIET.has(type)) warnings.push(`${position}: type ${type} is not a busy lamp key: skipped`);
      continue;
    }
    const lineText = get('line');
    const line = /^[1-9][0-9]{0,3}$/.test(lineText) ? Number(lineText) : undefined;
    keys.push({ position, target: value, watch: ['dialog'], label: get('label') || undefined, line });
  }
  return keys;
}

/**
 * Grandstream GXP keys (issue 12 §5) from P-value configuration: the XML provisioning file
 * (`<gs_provision><config version="1"><P1363>11</P1363>…`, or `<item name="P1363">`), or the text form
 * (`P1363 = 11`). Two key sets are read:
 * - Virtual multi-purpose keys (VPK, GXP21xx/GXP17xx) n = 1…32: mode `P(1363+2(n-1))`, account `P(1364+2(n-1))`
 *   (0-based), label `P(1465+2(n-1))`, value `P(1466+2(n-1))`; modes 11 = BLF, 12 = presence watcher,
 *   10 = speed dial, 13 = event-list BLF.
 * - Classic multi-purpose keys (MPK, GXP1xxx/GXP2000) n = 1…7: mode `P(323+n-1)`, account `P(301+3(n-1))`,
 *   label `P(302+3(n-1))`, value `P(303+3(n-1))`; modes 1 = BLF, 2 = presence watcher, 0 = speed dial, 3 = event-list
 *   BLF.
 * BLF watches dialog, presence watcher watches presence; speed dials and event lists are skipped with a warning, a
 * key without a value quietly. The account becomes the line (account 0 = line 1).
 */
import type { WatchEvent } from '../../../../shared/tiles';
import type { Pairs } from './setting-pairs';
import type { VendorKey } from './vendor-key';

/** The setting names read: P-values. */
export const GRANDSTREAM_KEY = /^p[0-9]{1,5}$/i;

interface Slot {
  position: string;
  mode: string;
  account: string;
  label: string;
  value: string;
}

/** Modes relative to the key set's base (VPK = MPK + 10). */
const WATCH: Record<number, WatchEvent[]> = { 1: ['dialog'], 2: ['presence'] };
const SKIPPED: Record<number, (value: string) => string> = {
  0: (value) => `a speed dial to ${value} has no lamp`,
  3: (value) => `an event-list BLF (${value}) is a resource list: add it as a list`,
};

function slots(): { slot: Slot; base: number }[] {
  const out: { slot: Slot; base: number }[] = [];
  for (let n = 1; n <= 32; n++)
    out.push({
      base: 10,
      slot: {
        position: `VPK ${n} (P${1363 + 2 * (n - 1)})`,
        mode: `p${1363 + 2 * (n - 1)}`,
        account: `p${1364 + 2 * (n - 1)}`,
        label: `p${1465 + 2 * (n - 1)}`,
        value: `p${1466 + 2 * (n - 1)}`,
      },
    });
  for (let n = 1; n <= 7; n++)
    out.push({
      base: 0,
      slot: {
        position: `MPK ${n} (P${323 + n - 1})`,
        mode: `p${323 + n - 1}`,
        account: `p${301 + 3 * (n - 1)}`,
        label: `p${302 + 3 * (n - 1)}`,
        value: `p${303 + 3 * (n - 1)}`,
      },
    });
  return out;
}

/** Whether the settings hold any Grandstream key mode. */
export function hasGrandstreamKeys(pairs: Pairs): boolean {
  return slots().some(({ slot }) => pairs.has(slot.mode));
}

/** The BLF and presence keys among Grandstream P-values, with warnings for the keys skipped. */
export function grandstreamKeys(pairs: Pairs, warnings: string[]): VendorKey[] {
  const keys: VendorKey[] = [];
  for (const { slot, base } of slots()) {
    const modeText = pairs.get(slot.mode);
    const value = pairs.get(slot.value) ?? '';
    if (modeText === undefined || !value) continue;
    const mode = /^[0-9]{1,3}$/.test(modeText) ? Number(modeText) - base : NaN;
    const watch = WATCH[mode];
    if (!watch) {
      const why = SKIPPED[mode]?.(value) ?? `mode ${modeText} is not a busy lamp key`;
      warnings.push(`${slot.position}: ${why}: skipped`);
      continue;
    }
    const account = pairs.get(slot.account) ?? '';
    const line = /^[0-9]{1,3}$/.test(account) ? Number(account) + 1 : undefined;
    keys.push({ position: slot.position, target: value, watch, label: pairs.get(slot.label) || undefined, line });
  }
  return keys;
}

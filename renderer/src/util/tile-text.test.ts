import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { makeTile } from '../testing/fake-console-api';
import { isTimed, staleText, tileLabel } from './tile-text';

const STALE_AT = new Date('2025-03-04T14:02:30').getTime();
const NOW = STALE_AT + 90_000;

afterEach(() => setLocale('en'));

describe('stale tile texts', () => {
  it('says since when a tile may be out of date, as local hh:mm', () => {
    expect(staleText(makeTile(101, { staleSince: STALE_AT }))).toBe('stale since 14:02');
    expect(staleText(makeTile(101))).toBeUndefined();
    setLocale('de');
    expect(staleText(makeTile(101, { staleSince: STALE_AT }))).toBe('veraltet seit 14:02');
  });

  it('reads a stale tile as stale with its last known state instead of a confident one', () => {
    const busy = makeTile(102, { name: 'Jonas', state: 'busy', since: STALE_AT - 60_000, party: { number: '0301234' } });
    expect(tileLabel(busy, NOW)).toBe('Jonas, 102, busy for 2:30, with 0301234');
    expect(tileLabel({ ...busy, staleSince: STALE_AT }, NOW)).toBe('Jonas, 102, stale since 14:02, last known: busy, with 0301234');
  });

  it('stops the call timer of a stale tile, so it needs no clock and no re-render each second', () => {
    const busy = makeTile(102, { state: 'busy', since: STALE_AT - 60_000 });
    expect(isTimed(busy)).toBe(true);
    expect(isTimed({ ...busy, staleSince: STALE_AT })).toBe(false);
  });
});

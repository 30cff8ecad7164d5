import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { makeTile } from '../testing/fake-console-api';
import { isTimed, labelClock, registrationStateWord, spokenDuration, staleText, tileLabel } from './tile-text';

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
    expect(tileLabel(busy, NOW)).toBe('Jonas, 102, busy for 2 min, with 0301234');
    expect(tileLabel({ ...busy, staleSince: STALE_AT }, NOW)).toBe('Jonas, 102, stale since 14:02, last known: busy, with 0301234');
  });

  it('stops the call timer of a stale tile, so it needs no clock and no re-render each second', () => {
    const busy = makeTile(102, { state: 'busy', since: STALE_AT - 60_000 });
    expect(isTimed(busy)).toBe(true);
    expect(isTimed({ ...busy, staleSince: STALE_AT })).toBe(false);
  });
});

describe('registration in the state word (issue 12)', () => {
  it('says "registration unknown" for an idle tile when neither reg nor presence <basic> tells', () => {
    expect(registrationStateWord(makeTile(101, { state: 'idle' }))).toBe('idle (registration unknown)');
    expect(registrationStateWord(makeTile(101, { state: 'idle', registered: true }))).toBe('idle');
    expect(registrationStateWord(makeTile(101, { state: 'idle', presence: { basic: 'open' } }))).toBe('idle');
    expect(registrationStateWord(makeTile(101, { state: 'busy' }))).toBe('busy');
    setLocale('de');
    expect(registrationStateWord(makeTile(101, { state: 'idle' }))).toBe('frei (Registrierung unbekannt)');
  });

  it('says why an offline tile is offline when the reg event is the reason', () => {
    expect(registrationStateWord(makeTile(101, { state: 'offline', registered: false }))).toBe('offline (not registered)');
    expect(registrationStateWord(makeTile(101, { state: 'offline', presence: { basic: 'closed' } }))).toBe('offline');
    expect(tileLabel(makeTile(101, { name: 'Anna', state: 'offline', registered: false }), NOW)).toBe('Anna, 101, offline (not registered)');
  });
});

describe('a duration as the label says it (issue 13)', () => {
  it('speaks whole minutes, in English and German', () => {
    expect(spokenDuration(STALE_AT, STALE_AT + 59_999)).toBe('under a minute');
    expect(spokenDuration(STALE_AT, STALE_AT + 60_000)).toBe('1 min');
    expect(spokenDuration(STALE_AT, STALE_AT + 65 * 60_000 + 30_000)).toBe('1 h 5 min');
    expect(spokenDuration(STALE_AT, STALE_AT - 5_000)).toBe('under a minute');
    setLocale('de');
    expect(spokenDuration(STALE_AT, STALE_AT + 3 * 60_000)).toBe('3 Min.');
  });

  it('gives the label one clock value per whole minute of a timed tile, and none to an untimed one', () => {
    const busy = makeTile(102, { state: 'busy', since: STALE_AT });
    expect(labelClock(busy, STALE_AT + 1_000)).toBe(labelClock(busy, STALE_AT + 59_000));
    expect(labelClock(busy, STALE_AT + 61_000)).toBe(STALE_AT + 60_000);
    expect(labelClock(makeTile(101, { since: STALE_AT }), STALE_AT + 61_000)).toBe(0);
    expect(labelClock({ ...busy, staleSince: STALE_AT }, STALE_AT + 61_000)).toBe(0);
  });
});

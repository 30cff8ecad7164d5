import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { makeTile } from '../testing/fake-console-api';
import { tileAriaLabel, tileTitle } from './tile-aria';

afterEach(() => setLocale('en'));

describe('tile tooltip and label: registration (issue 12)', () => {
  it('says "idle (registration unknown)" when neither reg nor presence tells, plain "idle" when one does', () => {
    const unknown = makeTile(101, { name: 'Anna' });
    expect(tileTitle(unknown, 'Anna', undefined)).toBe('Anna · 101 · idle (registration unknown)');
    expect(tileAriaLabel(unknown, 0, { name: 'Anna', parkWord: 'idle' })).toBe('Anna, 101, idle (registration unknown)');
    expect(tileTitle(makeTile(101, { registered: true }), 'Anna', undefined)).toBe('Anna · 101 · idle');
    expect(tileTitle(makeTile(101, { presence: { basic: 'open', note: 'Lunch' } }), 'Anna', 'Lunch')).toBe('Anna · 101 · idle\nLunch');
  });

  it('says "offline (not registered)" when the reg event made the tile offline', () => {
    const tile = makeTile(101, { state: 'offline', registered: false });
    expect(tileTitle(tile, 'Anna', undefined)).toBe('Anna · 101 · offline (not registered)');
    setLocale('de');
    expect(tileTitle(tile, 'Anna', undefined)).toBe('Anna · 101 · offline (nicht registriert)');
  });

  it('reads a pending subscription as waiting for the server, not as awaiting approval', () => {
    const tile = makeTile(101, { state: 'unknown', unknownReason: 'pending' });
    expect(tileTitle(tile, 'Anna', undefined)).toBe('Anna · 101 · waiting for the server');
    setLocale('de');
    expect(tileTitle(tile, 'Anna', undefined)).toBe('Anna · 101 · wartet auf den Server');
  });
});

import { describe, expect, it } from 'vitest';
import { mediaEssence, parseMediaType } from './media-type';

describe('mediaEssence', () => {
  it('gives the lower-cased type/subtype without parameters, the same as parseMediaType', () => {
    for (const value of ['application/dialog-info+xml', ' Application/PIDF+XML ;charset=UTF-8', 'multipart/related;type="application/rlmi+xml"', '', ';;']) {
      expect(mediaEssence(value)).toBe(parseMediaType(value).essence);
    }
  });

  it('answers each value for itself when values alternate (its one-entry memory never leaks)', () => {
    expect(mediaEssence('text/plain')).toBe('text/plain');
    expect(mediaEssence('TEXT/HTML; x=1')).toBe('text/html');
    expect(mediaEssence('text/plain')).toBe('text/plain');
    expect(mediaEssence('TEXT/HTML; x=1')).toBe('text/html');
  });
});

import { describe, expect, it } from 'vitest';
import { tileNumber } from './tile-number';

describe('tileNumber', () => {
  it('shows the user part of a SIP URI and bare extensions as they are', () => {
    expect(tileNumber('sip:101@pbx.example.com')).toBe('101');
    expect(tileNumber('sips:%2B4930123@pbx;transport=tls')).toBe('+4930123');
    expect(tileNumber('205')).toBe('205');
    expect(tileNumber('tel:+49301234')).toBe('+49301234');
  });
});

import { describe, expect, it } from 'vitest';
import { memberName } from './member-name';

describe('memberName', () => {
  it('uses the RLMI name when there is one', () => {
    expect(memberName({ uri: 'sip:101@test.local', name: 'Anna Alt' })).toBe('Anna Alt');
  });

  it('falls back to the bare number, never the whole URI', () => {
    expect(memberName({ uri: 'sip:101@test.local' })).toBe('101');
    expect(memberName({ uri: 'sips:101@test.local;transport=tls', name: '  ' })).toBe('101');
    expect(memberName({ uri: 'sip:%2B4930123@test.local' })).toBe('+4930123');
    expect(memberName({ uri: 'tel:+4930123' })).toBe('+4930123');
  });
});

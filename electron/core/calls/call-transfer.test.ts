import { describe, expect, it } from 'vitest';
import { extensionOf, featureTransferDigits, ringingDialog } from './call-transfer';

describe('extensionOf', () => {
  it('reads the user part of numbers and addresses', () => {
    expect(['102', ' 1 02 ', 'sip:102@pbx.test', 'sips:102@pbx.test;transport=tls', '102@pbx.test', 'tel:+49-30-1234', 'sip:pbx.test'].map(extensionOf)).toEqual([
      '102',
      '102',
      '102',
      '102',
      '102',
      '+49301234',
      'sip:pbx.test',
    ]);
  });
});

describe('featureTransferDigits', () => {
  it('is code + extension + #, or nothing for what a keypad cannot send', () => {
    expect(featureTransferDigits('##', 'sip:102@pbx.test')).toBe('##102#');
    expect(featureTransferDigits('*2', '0301234567')).toBe('*20301234567#');
    expect(featureTransferDigits('##', 'anna@pbx.test')).toBeUndefined();
  });
});

describe('ringingDialog', () => {
  const d = { id: 'd', held: false };
  it('takes what the lamp shows as ringing', () => {
    expect(ringingDialog({ dialogs: [{ ...d, state: 'early' }] })?.id).toBe('d');
    expect(ringingDialog({ dialogs: [{ ...d, state: 'trying', direction: 'recipient' }] })?.id).toBe('d');
    expect(ringingDialog({ dialogs: [{ ...d, state: 'trying' }] })).toBeUndefined();
    expect(ringingDialog({ dialogs: [{ ...d, state: 'early', direction: 'initiator' }] })).toBeUndefined();
    expect(ringingDialog({ dialogs: [{ ...d, state: 'early', held: true }] })).toBeUndefined();
    expect(ringingDialog({ dialogs: [{ ...d, state: 'confirmed' }, { ...d, id: 'e', state: 'early', direction: 'recipient' }] })?.id).toBe('e');
  });
});

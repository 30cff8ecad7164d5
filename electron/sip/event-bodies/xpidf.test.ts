import { describe, it, expect } from 'vitest';
import { loadBody } from './testing/body-fixtures';
import { parseCpimPidf } from './pidf';
import { parseXpidf } from './xpidf';

const read = (name: string): unknown => {
  const result = parseXpidf(loadBody(`xpidf/${name}`));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return result.value;
};

describe('parseXpidf', () => {
  it('Asterisk NOT_INUSE: open/online, entity without ;method, DOCTYPE skipped', () => {
    expect(read('asterisk-open.xml')).toEqual({
      type: 'presence',
      entity: 'sip:101@pbx.example.com',
      presence: { basic: 'open' },
    });
  });

  it('Asterisk INUSE: inuse/onthephone → open with on-the-phone', () => {
    expect(read('asterisk-inuse.xml')).toEqual({
      type: 'presence',
      entity: 'sip:102@pbx.example.com',
      presence: { basic: 'open', activities: ['on-the-phone'] },
    });
  });

  it('Asterisk UNAVAILABLE/BUSY: closed/offline → closed, no state (Asterisk cannot tell them apart here)', () => {
    expect(read('asterisk-closed.xml')).toEqual({
      type: 'presence',
      entity: 'sip:104@pbx.example.com',
      presence: { basic: 'closed' },
    });
  });

  it('berightback → away, with the address note', () => {
    expect(read('phone-away.xml')).toEqual({
      type: 'presence',
      entity: 'sip:201@example.com',
      presence: { basic: 'open', state: 'away', activities: ['away'], note: 'Back in 5 minutes' },
    });
  });

  it('Asterisk sends the same XPIDF as application/cpim-pidf+xml: the shape decides', () => {
    const result = parseCpimPidf(loadBody('xpidf/asterisk-inuse.xml'));
    expect(result).toMatchObject({
      ok: true,
      value: { presence: { basic: 'open', activities: ['on-the-phone'] } },
    });
  });

  it.each([
    ['  ', 'empty body'],
    ['<atom/>', 'root element is <atom>'],
    ['<presence><atom></presence>', 'not XML'],
  ])('refuses %j', (body, reason) => {
    const result = parseXpidf(body);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

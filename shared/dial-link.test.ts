import { describe, expect, it } from 'vitest';
import { dialLinkInArgv, parseDialLink } from './dial-link';

const target = (raw: unknown): string | undefined => {
  const result = parseDialLink(raw);
  return result.ok ? result.value.target : undefined;
};
const why = (raw: unknown): string => {
  const result = parseDialLink(raw);
  if (result.ok) throw new Error(`accepted ${String(raw)} as ${result.value.target}`);
  expect(result.error).toMatchObject({ code: 'invalid-argument', field: 'link' });
  return result.error.message;
};

describe('parseDialLink', () => {
  it('reads sip:, tel: and callto: links into calls.dial targets', () => {
    expect(parseDialLink('sip:101@pbx')).toEqual({ ok: true, value: { scheme: 'sip', target: 'sip:101@pbx' } });
    expect(target('SIP:anna.alt@pbx.example.com:5061')).toBe('sip:anna.alt@pbx.example.com:5061');
    expect(target('sip:101')).toBe('101');
    expect(target('sip:101@[2001:db8::1]')).toBe('sip:101@[2001:db8::1]');
    expect(target('tel:+49 30 123')).toBe('+4930123');
    expect(target('tel:+49-30-(123).45')).toBe('+493012345');
    expect(parseDialLink('callto://101')).toEqual({ ok: true, value: { scheme: 'callto', target: '101' } });
    expect(target('callto://101/')).toBe('101');
    expect(target('callto:+4930123')).toBe('+4930123');
    expect(target('callto:anna@pbx')).toBe('sip:anna@pbx');
  });

  it('percent-decodes, splitting parameters first', () => {
    expect(target('tel:%2B49%2030%20123')).toBe('+4930123');
    expect(target('sip:%2B4930123@pbx')).toBe('sip:+4930123@pbx');
    expect(target('callto://%31%30%31')).toBe('101');
    // An encoded ";" is data, not a parameter separator, and no user part holds one.
    expect(why('sip:101%3Bmaddr=evil@pbx')).toMatch(/user part/);
    expect(why('tel:+4930%zz')).toMatch(/malformed %-escape/);
  });

  it('drops harmless parameters and refuses every other one and any header', () => {
    expect(target('sip:101@pbx;transport=tcp;user=phone')).toBe('sip:101@pbx');
    expect(target('tel:123;phone-context=example.com')).toBe('123');
    expect(why('sip:101@pbx;maddr=10.0.0.1')).toMatch(/unsupported parameter "maddr=10.0.0.1"/);
    expect(why('tel:123;ext=4')).toMatch(/unsupported parameter/);
    expect(why('sip:101@pbx?Subject=hi')).toMatch(/headers/);
    expect(why('sip:101@pbx%3FSubject=hi')).toMatch(/host/);
  });

  it('refuses other schemes, control characters, overlong links and things that are no number or address', () => {
    for (const raw of ['sips:101@pbx', 'http://pbx/101', 'javascript:alert(1)', 'file:///etc/passwd', '101', 'sip', ':101', 'skype:anna'])
      expect(why(raw)).toMatch(/only sip:, tel: and callto:/);
    expect(why('sip:101@pbx\r\nVia: x')).toMatch(/control characters/);
    expect(why('sip:101%0D%0AVia:%20x@pbx')).toMatch(/control characters/);
    expect(why('tel:12%003')).toMatch(/control characters/);
    expect(why(`tel:${'1'.repeat(253)}`)).toMatch(/longer than 256/);
    expect(target(`tel:+${'1'.repeat(32)}`)).toBe(`+${'1'.repeat(32)}`);
    expect(why(`tel:${'1'.repeat(33)}`)).toMatch(/telephone number/);
    expect(why('tel:abc')).toMatch(/telephone number/);
    expect(why('tel:')).toMatch(/no number/);
    expect(why('sip:anna')).toMatch(/no number or SIP address/);
    expect(why('sip:101@pbx..example')).toMatch(/host/);
    expect(why('sip:<101>@pbx')).toMatch(/user part/);
    expect(why('sip:101@pbx @evil')).toMatch(/user part|host/);
    expect(why('callto://anna')).toMatch(/no number or SIP address/);
    expect(why('')).toMatch(/empty/);
    expect(why(42)).toMatch(/empty/);
  });
});

describe('dialLinkInArgv', () => {
  it('finds the link among the command-line arguments and skips options', () => {
    expect(dialLinkInArgv(['/opt/console/console', '--hidden', 'tel:+4930123'])).toBe('tel:+4930123');
    expect(dialLinkInArgv(['C:\\console.exe', '--allow-file-access', 'CallTo://101'])).toBe('CallTo://101');
    expect(dialLinkInArgv(['/usr/bin/console', '--x=sip:101'])).toBeUndefined();
    expect(dialLinkInArgv(['/usr/bin/console', '.'])).toBeUndefined();
  });
});

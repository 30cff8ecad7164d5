/**
 * The one normalisation of numbers and addresses for the directory (issue 12 "Names"). Pure, so the renderer's
 * directory (renderer/src/util/directory.ts), the contacts import and the settings validator agree on what a number
 * is: `sip:101@pbx`, `sips:101@pbx;transport=tls`, `<sip:101@pbx>`, `101`, `tel:+49 30 123` and `+49-30-123` meet.
 */

/**
 * A phone number as people write it: digits with `+ * #` and the visual separators space, `( ) . / -`. A leading
 * `(` is allowed for national area codes ("(030) 1234567"), as address books write them.
 */
export const PHONE_NUMBER = /^\+?\(?[0-9*#][0-9*#\s()./-]*$/;

/** The directory key of a number or address (user part, separators dropped, names case-folded), or undefined. */
export function directoryKey(text: string | undefined): string | undefined {
  let value = text?.trim();
  if (!value) return undefined;
  const angle = /<([^>]*)>/.exec(value);
  if (angle?.[1]) value = angle[1].trim();
  const sip = /^sips?:([^@;?]+)@/i.exec(value);
  if (sip?.[1]) value = decode(sip[1]);
  else if (/^(?:sips?|tel):/i.test(value)) value = value.replace(/^(?:sips?|tel):/i, '').split(/[;?]/)[0] ?? '';
  else if (/^[^\s@]+@[^\s@]+$/.test(value)) value = value.split('@')[0] ?? '';
  value = value.trim();
  if (!value) return undefined;
  return PHONE_NUMBER.test(value) ? value.replace(/[\s()./-]/g, '') : value.toLowerCase();
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const SIP_URI = /^sips?:[^\s@<>"]+@[^\s@<>"]+$/i;
const TEL_URI = /^tel:\+?\(?[0-9*#][0-9*#()./-]*(?:;[^\s]*)?$/i;
const USER_AT_HOST = /^[^\s@<>":;]+@[^\s@<>"]+$/;

/**
 * Whether `text` is a number a contact may have: a phone number ({@link PHONE_NUMBER}), a `sip:`/`sips:` address, a
 * `tel:` URI (RFC 3966, parameters allowed) or `user@host`. Names, labels and anything with a control character are not.
 */
export function isContactNumber(text: string): boolean {
  const value = text.trim();
  if (value === '' || value !== text) return false;
  return PHONE_NUMBER.test(value) || SIP_URI.test(value) || TEL_URI.test(value) || USER_AT_HOST.test(value);
}

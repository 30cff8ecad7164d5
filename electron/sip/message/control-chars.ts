/**
 * Control characters in SIP text. RFC 3261 §25.1 builds start lines and header values from printable characters,
 * SP, HTAB and LWS (a fold: CRLF followed by whitespace); every other character below SP, and DEL, has no place in
 * them. A loop rather than a regular expression, whose control-character classes lint refuses as likely typos.
 */

/** Whether `code` is a control character other than HTAB; CR and LF count only when `lineBreaks` is false. */
export function isControl(code: number, lineBreaks = false): boolean {
  if (code === 0x7f) return true;
  if (code >= 0x20 || code === 0x09) return false;
  return !(lineBreaks && (code === 0x0d || code === 0x0a));
}

/** Index of the first control character in `text` (see {@link isControl}), or -1. */
export function controlIndex(text: string, lineBreaks = false): number {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i), lineBreaks)) return i;
  return -1;
}

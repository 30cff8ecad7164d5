/**
 * The one rule for control characters in settings and commands. Pure. Every text that may reach a SIP header or a
 * body we send (display names, users, domains, addresses, feature codes, tile and list names, presence labels and
 * notes) refuses them: in a header CR or LF ends the line and injects what follows (RFC 3261 §25.1), NUL cuts the
 * value short, and the rest are invisible typos. The header builders refuse them again (electron/sip/usage/requests.ts).
 */

/** True when `value` holds a control character (Unicode Cc: U+0000–U+001F, U+007F–U+009F), tab included. */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** The message for a field that holds one, e.g. `Line 3: display name must not contain control characters (…)`. */
export function controlCharactersMessage(label: string, what: string): string {
  return `${label}${what} must not contain control characters (CR, LF, tab, NUL …)`;
}

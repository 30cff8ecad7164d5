/**
 * Strings read from a message share its memory: V8 keeps a substring of 13 or more characters as a slice of its
 * parent, and a string built by concatenation as a rope of its parts. A short value kept for long (a transaction
 * key for the 32 s of Timer J, a queued body's Content-Type) then keeps the whole header section alive, up to
 * 64 KiB for one datagram. Issue 7's fuzz run held 57 of its 124 MB of live heap that way.
 */

/**
 * A copy of `value` that shares no memory with anything: equal to it in every character (lone surrogates
 * included), and always a new flat string. Meant for values that outlive their message; not for the per-message
 * path, where the copy costs more than the sharing saves.
 */
export function detachedString(value: string): string {
  // UTF-16LE holds every code unit as is (lone surrogates too), and decoding makes a new flat string; ~4× cheaper
  // than a JSON round trip, which mattered at one transaction key per NOTIFY.
  return Buffer.from(value, 'utf16le').toString('utf16le');
}

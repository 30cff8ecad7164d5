/** The number shown on a tile: the user part of a SIP URI, or the text as configured. */
export function tileNumber(uri: string): string {
  const match = /^sips?:([^@;?]+)@/i.exec(uri);
  if (match?.[1]) return decodeURIComponent(match[1]);
  return uri.replace(/^(?:sips?|tel):/i, '');
}

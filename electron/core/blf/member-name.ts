/**
 * The name a resource-list member's tile shows (issue 12 "Names"): the RLMI `<name>` when the list server sent one,
 * else the member's bare number (`101` for `sip:101@pbx.example.com`), never the whole URI — Kamailio's RLMI has
 * no `<name>`, and a URI truncated on a tile ("sip:101@test.l…") tells the receptionist nothing. The renderer's
 * directory then replaces a bare number with the name of a configured tile for the same extension.
 */
export function memberName(member: { uri: string; name?: string }): string {
  const name = member.name?.trim();
  if (name) return name;
  const user = /^sips?:([^@;?]+)@/i.exec(member.uri)?.[1];
  if (user) {
    try {
      return decodeURIComponent(user);
    } catch {
      return user;
    }
  }
  return member.uri.replace(/^(?:sips?|tel):/i, '') || member.uri;
}

/**
 * Who the far end of a call is (shared/calls.ts {@link CallParty}): P-Asserted-Identity (RFC 3325) first, then
 * Remote-Party-ID (draft-ietf-sip-privacy-04, still sent by many PBXs), then From of an incoming INVITE or To of an
 * outgoing one. Every value comes from the network: anything malformed is skipped, nothing throws.
 */
import type { CallParty } from '../../../../shared/calls';
import { parseNameAddr, parseUri, splitList, type NameAddr, type SipMessage } from '../../message';
import { clean } from './call-headers';

/** The asserted identity of `message` (PAI, then RPID), if any parses. */
export function assertedParty(message: SipMessage): CallParty | undefined {
  const pai = addresses(message, 'P-Asserted-Identity');
  // RFC 3325 §9.1: a sip/sips identity and a tel one may both be present; the SIP one carries the name.
  const chosen = pai.find((a) => !a.uri.toLowerCase().startsWith('tel:')) ?? pai[0] ?? addresses(message, 'Remote-Party-ID')[0];
  return chosen && party(chosen);
}

/** The far party of a message: asserted identity, else `fallback` (the From or To header value). */
export function farParty(message: SipMessage, fallback: 'From' | 'To'): CallParty {
  const asserted = assertedParty(message);
  if (asserted) return asserted;
  const [address] = addresses(message, fallback);
  return address ? party(address) : { number: 'unknown', uri: '' };
}

/** A CallParty from a name-addr: the display name, the URI's user part (or the whole URI), the URI. */
export function party(address: NameAddr): CallParty {
  const uri = clean(address.uri, 512);
  let number = uri;
  try {
    const parsed = parseUri(address.uri);
    const user = parsed.scheme === 'tel' ? address.uri.slice(4).split(';')[0] : parsed.user;
    if (user) number = clean(decodeUser(user), 128);
  } catch {
    // Not a URI we read: the whole address stands for the number.
  }
  const name = address.displayName === undefined ? undefined : clean(address.displayName, 128);
  return name ? { name, number, uri } : { number, uri };
}

function addresses(message: SipMessage, header: string): NameAddr[] {
  const out: NameAddr[] = [];
  for (const value of message.getAll(header)) {
    for (const item of header === 'From' || header === 'To' ? [value] : splitList(value)) {
      try {
        out.push(parseNameAddr(item));
      } catch {
        // A malformed identity is no identity: the next source speaks.
      }
    }
  }
  return out;
}

function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

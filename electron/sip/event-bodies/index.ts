/**
 * Event-body dispatcher (issue 3 §3): picks the parser by media type. The media type is compared
 * case-insensitively and its parameters are ignored, except `boundary`, `type` and `start` of `multipart/related`
 * (RFC 4662 §5). Every path returns `{ ok: false, reason }` instead of throwing.
 */
import type { BodyResult, EventBody } from './types';
import { parseDialogInfo } from './dialog-info';
import { parseMessageSummary } from './message-summary';
import { mediaEssence, parseMediaType } from './media-type';
import { parsePresenceBody, type PresenceOptions } from './pidf';
import { parseResourceList, parseRlmi } from './rlmi';
import { parseWatcherInfo } from './watcherinfo';
import { parseRegInfo } from './reginfo';

export type { PresenceOptions } from './pidf';

/** Options for {@link parseEventBody}. */
export type ParseOptions = PresenceOptions;

/**
 * The `Accept` media types we send per event package (RFC 6665 §7.2), in preference order. Asterisk uses the
 * first type it can generate in Accept order, so PIDF comes first for presence (it carries RPID and the Digium
 * presence states; XPIDF cannot). `multipart/related` and `application/rlmi+xml` make list subscriptions
 * (`Supported: eventlist`, RFC 4662 §4.1) acceptable to the notifier. Watcher information (RFC 3857 §4.4) is
 * subscribed for the own resource only, never as a list, so it accepts the one type RFC 3858 defines.
 */
export const ACCEPT_BY_EVENT: Record<'dialog' | 'presence' | 'message-summary' | 'presence.winfo' | 'reg', string[]> = {
  dialog: ['application/dialog-info+xml', 'multipart/related', 'application/rlmi+xml'],
  presence: [
    'application/pidf+xml',
    'application/cpim-pidf+xml',
    'application/xpidf+xml',
    'multipart/related',
    'application/rlmi+xml',
  ],
  'message-summary': ['application/simple-message-summary', 'multipart/related', 'application/rlmi+xml'],
  'presence.winfo': ['application/watcherinfo+xml'],
  // Registration state (RFC 3680 §4.4) is subscribed per AoR, never as a list.
  reg: ['application/reginfo+xml'],
};

const utf8 = new TextDecoder('utf-8');

function asText(body: Uint8Array | string): string {
  const text = typeof body === 'string' ? body : utf8.decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A single (non-multipart) body; parts of a resource list come through here too. */
function parseSingle(
  essence: string,
  text: string,
  options: ParseOptions,
): BodyResult<EventBody> | undefined {
  switch (essence) {
    case 'application/dialog-info+xml':
      return parseDialogInfo(text);
    case 'application/pidf+xml':
    case 'application/cpim-pidf+xml':
    case 'application/xpidf+xml':
      return parsePresenceBody(text, options);
    case 'application/simple-message-summary':
      return parseMessageSummary(text);
    case 'application/rlmi+xml':
      return parseRlmi(text);
    case 'application/watcherinfo+xml':
      return parseWatcherInfo(text);
    case 'application/reginfo+xml':
      return parseRegInfo(text);
    default:
      return undefined;
  }
}

/**
 * Parses a NOTIFY (or PUBLISH) body by its Content-Type; never throws.
 * `multipart/related` is read as an RFC 4662 resource list whose parts are parsed by this same dispatcher.
 */
export function parseEventBody(
  contentType: string,
  body: Uint8Array | string,
  options: ParseOptions = {},
): BodyResult<EventBody> {
  try {
    const mediaType = parseMediaType(contentType);
    const text = asText(body);
    if (mediaType.essence === 'multipart/related') {
      return parseResourceList(mediaType, text, (partType, partBody) => {
        const essence = mediaEssence(partType);
        return (
          parseSingle(essence, partBody, options) ?? {
            ok: false,
            reason: `unsupported part type "${essence}"`,
          }
        );
      });
    }
    if (mediaType.essence === '') return { ok: false, reason: 'no Content-Type' };
    return (
      parseSingle(mediaType.essence, text, options) ?? {
        ok: false,
        reason: `unsupported Content-Type "${mediaType.essence}"`,
      }
    );
  } catch (err) {
    return {
      ok: false,
      reason: `event body parser failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export { parseDialogInfo } from './dialog-info';
export { parseMessageSummary } from './message-summary';
export { parsePidf, parseCpimPidf, parsePresenceBody } from './pidf';
export { parseXpidf } from './xpidf';
export { parseResourceList, parseRlmi, peekResourceListState } from './rlmi';
export { parseWatcherInfo, applyWatcherInfo } from './watcherinfo';
export type { WatcherInfoState, WatcherInfoApplyResult } from './watcherinfo';
export { parseRegInfo } from './reginfo';
export { splitMultipart } from './multipart';
export { parseMediaType } from './media-type';

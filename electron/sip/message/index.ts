/** Public surface of the SIP message layer. */
export * from './types';
export { parseMessage } from './parse-message';
export {
  AbstractSipMessage,
  SipRequestMessage,
  SipResponseMessage,
  createRequest,
  createResponse,
  parseCSeq,
  type HeaderPairs,
} from './sip-message';
export { parseUri, formatUri } from './uri';
export { parseNameAddr, formatNameAddr } from './name-addr';
export { parseVia, formatVia } from './via';
export { newBranch, newTag, newCallId, BRANCH_MAGIC_COOKIE } from './ids';
export { reasonPhrase } from './reason-phrases';
export { headerKey, isListHeader, COMPACT_FORMS } from './header-names';
export { splitList } from './grammar';

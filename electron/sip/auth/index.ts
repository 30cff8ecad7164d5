/** Digest authentication for SIP (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760). */
export {
  DIGEST_ALGORITHMS,
  buildAuthorizationHeader,
  chooseChallenge,
  computeDigestResponse,
  formatNonceCount,
  isAnswerable,
  isSupportedAlgorithm,
  newCnonce,
  parseChallenges,
  parseCredentialRealms,
  selectQop,
  type AuthorizationInput,
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestInput,
  type DigestQop,
} from './digest';
export {
  AuthenticationError,
  DigestSession,
  type AuthenticationErrorCode,
  type AuthorizeResult,
  type DigestCredentials,
  type DigestSessionOptions,
} from './digest-session';

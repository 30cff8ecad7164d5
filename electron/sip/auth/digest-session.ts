/**
 * Digest state for one usage (one registration, one subscription, one call's requests): which realms challenged us,
 * their nonces and nonce counts, and whether the last credentials we computed were rejected.
 */
import type { SipRequest, SipResponse } from '../message/types';
import {
  buildAuthorizationHeader,
  chooseChallenge,
  newCnonce,
  parseChallenges,
  parseCredentialRealms,
  type DigestChallenge,
} from './digest';

/** The account's digest credentials (the line's auth user and password). */
export interface DigestCredentials {
  username: string;
  password: string;
  /** When set, only challenges for this realm are answered. */
  realm?: string;
}

export type AuthenticationErrorCode =
  'not-a-challenge' | 'no-supported-challenge' | 'no-matching-realm' | 'rejected' | 'too-many-stale';

/** Why a {@link DigestSession} gave up; `status` is the 401/407 (or other) status that ended it. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    message: string,
    readonly code: AuthenticationErrorCode,
    readonly status: number,
    readonly realm?: string,
  ) {
    super(message);
  }
}

export type AuthorizeResult = 'retry' | 'give-up';

export interface DigestSessionOptions {
  /** Client nonce source; tests pin it. */
  cnonce?: () => string;
  /** Consecutive `stale=true` answers tolerated before giving up, so a broken server cannot loop us. Default 3. */
  maxStaleRetries?: number;
}

type Kind = 'www' | 'proxy';

interface RealmState {
  kind: Kind;
  challenge: DigestChallenge;
  /** Last nonce count used with `challenge.nonce`. */
  nc: number;
  /** Requests carrying credentials computed in answer to `challenge`; a non-stale challenge to one is a rejection. */
  answers: WeakSet<SipRequest>;
  /** Set by authorize(): the next prepare() is the resend of the challenged request, so it is an answer too. */
  answerPending: boolean;
  /** `stale=true` challenges since the last request sequence began. */
  staleRetries: number;
}

const HEADERS: Record<Kind, { challenge: string; credentials: string }> = {
  www: { challenge: 'WWW-Authenticate', credentials: 'Authorization' },
  proxy: { challenge: 'Proxy-Authenticate', credentials: 'Proxy-Authorization' },
};

/**
 * Answers 401/407 challenges for one usage and reuses the credentials on later requests.
 *
 * Usage: on a 401/407 call {@link authorize}; on `retry` either resend the same request object (new CSeq and
 * branch) or build a fresh request and call {@link prepare} on it. Call {@link prepare} on every new request too
 * (e.g. a registration refresh) to reuse the credentials without another challenge round.
 *
 * Give-up rule (issue: "give up after a second rejection with the same credentials"): a non-stale challenge to a
 * request whose credentials answered the previous challenge means the password is wrong. Credentials added
 * pre-emptively by {@link prepare} at the start of a new request are not counted: their nonce may simply be unknown
 * to a restarted server, which may answer with a plain 401 instead of `stale=true` (Kamailio does).
 */
export class DigestSession {
  private readonly realms = new Map<string, RealmState>();
  private readonly cnonce: () => string;
  private readonly maxStaleRetries: number;
  /** Why the last {@link authorize} returned `give-up`; cleared by every call. */
  lastError: AuthenticationError | undefined;

  constructor(
    private readonly credentials: DigestCredentials,
    options: DigestSessionOptions = {},
  ) {
    this.cnonce = options.cnonce ?? newCnonce;
    this.maxStaleRetries = options.maxStaleRetries ?? 3;
  }

  /**
   * Adds credentials answering `response` (401 → Authorization, 407 → Proxy-Authorization, RFC 3261 §22.2, §22.3)
   * to `request`, replacing any it carried for the challenged realms. The caller resends it with a new CSeq and
   * branch. Returns `give-up` (and sets {@link lastError}) when retrying cannot help.
   */
  authorize(request: SipRequest, response: SipResponse): AuthorizeResult {
    this.lastError = undefined;
    const { status } = response;
    if (status !== 401 && status !== 407)
      return this.giveUp(`status ${status} is not a challenge`, 'not-a-challenge', status);
    const kind: Kind = status === 401 ? 'www' : 'proxy';
    const headers = HEADERS[kind];
    const all = parseChallenges(response.getAll(headers.challenge));
    const wanted = this.credentials.realm;
    const offered = wanted === undefined ? all : all.filter((c) => c.realm === wanted);
    if (all.length > 0 && offered.length === 0) {
      return this.giveUp(`no challenge for realm ${wanted}`, 'no-matching-realm', status, wanted);
    }
    const chosen = this.choosePerRealm(offered);
    if (chosen.length === 0)
      return this.giveUp('no supported digest challenge', 'no-supported-challenge', status);

    const sent = parseCredentialRealms(request.getAll(headers.credentials));
    for (const challenge of chosen) {
      const state = this.realms.get(key(kind, challenge.realm));
      if (challenge.stale) {
        if ((state?.staleRetries ?? 0) >= this.maxStaleRetries) {
          return this.giveUp(
            `realm ${challenge.realm} keeps answering stale`,
            'too-many-stale',
            status,
            challenge.realm,
          );
        }
        continue;
      }
      const rejected = state?.answers.has(request) && sent.some((c) => c.realm === challenge.realm);
      if (rejected) {
        return this.giveUp(
          `credentials rejected for realm ${challenge.realm}`,
          'rejected',
          status,
          challenge.realm,
        );
      }
    }

    for (const challenge of chosen) {
      const k = key(kind, challenge.realm);
      const previous = this.realms.get(k);
      const sameNonce = previous?.challenge.nonce === challenge.nonce;
      const state: RealmState = {
        kind,
        challenge,
        nc: sameNonce ? previous.nc : 0,
        answers: new WeakSet([request]),
        answerPending: true,
        staleRetries: challenge.stale ? (previous?.staleRetries ?? 0) + 1 : 0,
      };
      this.realms.set(k, state);
    }
    this.writeCredentials(request, kind, new Set(chosen.map((c) => c.realm)));
    return 'retry';
  }

  /**
   * Adds cached credentials for every realm that challenged this session before, with the next nonce count
   * (RFC 7616 §3.4: the client may reuse a nonce until told it is stale), e.g. on a registration refresh.
   */
  prepare(request: SipRequest): void {
    for (const kind of ['www', 'proxy'] as const) {
      const realms = new Set<string>();
      for (const state of this.realms.values()) {
        if (state.kind !== kind) continue;
        if (state.answerPending) {
          state.answers.add(request);
          state.answerPending = false;
        } else {
          state.staleRetries = 0;
        }
        realms.add(state.challenge.realm);
      }
      if (realms.size > 0) this.writeCredentials(request, kind, realms);
    }
  }

  /** Forgets every cached challenge, e.g. after the credentials changed. */
  clear(): void {
    this.realms.clear();
  }

  private choosePerRealm(challenges: DigestChallenge[]): DigestChallenge[] {
    const byRealm = new Map<string, DigestChallenge[]>();
    for (const c of challenges) byRealm.set(c.realm, [...(byRealm.get(c.realm) ?? []), c]);
    const chosen: DigestChallenge[] = [];
    for (const group of byRealm.values()) {
      const best = chooseChallenge(group);
      if (best) chosen.push(best);
    }
    return chosen;
  }

  private writeCredentials(request: SipRequest, kind: Kind, realms: Set<string>): void {
    const name = HEADERS[kind].credentials;
    const kept = request
      .getAll(name)
      .filter((v) => !parseCredentialRealms([v]).some((c) => realms.has(c.realm)));
    const added: string[] = [];
    for (const realm of realms) {
      const state = this.realms.get(key(kind, realm));
      if (!state) continue;
      state.nc += 1;
      added.push(
        buildAuthorizationHeader({
          challenge: state.challenge,
          method: request.method,
          uri: request.uri,
          username: this.credentials.username,
          password: this.credentials.password,
          cnonce: this.cnonce(),
          nc: state.nc,
          body: request.body,
        }),
      );
    }
    request.set(name, [...kept, ...added]);
  }

  private giveUp(
    message: string,
    code: AuthenticationErrorCode,
    status: number,
    realm?: string,
  ): AuthorizeResult {
    this.lastError = new AuthenticationError(message, code, status, realm);
    return 'give-up';
  }
}

function key(kind: Kind, realm: string): string {
  return `${kind}:${realm}`;
}

import type { LineTransport } from './settings';

/** Registration state of one line (issue 2, "Lines"). */
export type RegistrationStatus = 'unregistered' | 'registering' | 'registered' | 'failed';

/**
 * Why a `failed` line failed, so banners say what to do: `auth-failed` = the PBX answered and rejected the
 * credentials (401/407 after our answer to its challenge, or 403); `unreachable` = no answer, a transport error or
 * DNS failure; `refused` = any other final error response (e.g. 404, 503).
 */
export type LineFailure = 'auth-failed' | 'unreachable' | 'refused';

export interface LineState {
  /** 1-based line number (position in settings). */
  number: number;
  id: string;
  displayName: string;
  /** Address of record, e.g. `sip:101@example.com`. */
  aor: string;
  transport: LineTransport;
  enabled: boolean;
  isDefault: boolean;
  status: RegistrationStatus;
  /** Set when `status` is `failed`. */
  failure?: LineFailure;
  /** Status of the last final response, when there was one. */
  sipStatus?: number;
  /** Human-readable reason for the status (SIP reason phrase, transport error, …). */
  reason?: string;
  /** Epoch ms of the next registration attempt when failed or refreshing. */
  nextRetryAt?: number;
  /** Epoch ms when the current binding expires. */
  expiresAt?: number;
  /** Target the line is registered through, e.g. `udp:127.0.0.1:5060`. */
  server?: string;
}

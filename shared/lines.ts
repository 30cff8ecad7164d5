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
  /** The line's own mailbox (issue 12 §6); absent on a disabled line. */
  voicemail?: LineVoicemail;
}

/**
 * The line's own mailbox (RFC 3842 `message-summary`, issue 12 §6), on {@link LineState.voicemail}. `watching`:
 * subscribed (counts as last notified); `off`: the line's `mwi` setting is false; `unsupported`: the PBX answered
 * 489/403/404 and the line stopped asking (until its settings change or it re-registers after a failure);
 * `failed`: the subscription is retrying after another failure.
 */
export interface LineVoicemail {
  state: 'watching' | 'off' | 'unsupported' | 'failed';
  /** RFC 3842 §5.2 `Messages-Waiting`; undefined until the first summary arrived. */
  waiting?: boolean;
  /** `Voice-Message` counts (RFC 3842 §5.2); absent counts are 0 when `waiting` is known. */
  newMessages: number;
  oldMessages: number;
  urgentNew?: number;
  urgentOld?: number;
  /** `Message-Account` URI of the last summary. */
  account?: string;
  /** What "Call voicemail" dials: the line's `mailboxCode`, else `account`; absent: nothing to dial. */
  dial?: string;
  /** Status and reason of the subscription's last failure (Diagnostics / line detail). */
  sipStatus?: number;
  reason?: string;
}

import type { LineTransport } from './settings';

/** Registration state of one line (issue 2, "Lines"). */
export type RegistrationStatus = 'unregistered' | 'registering' | 'registered' | 'failed';

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

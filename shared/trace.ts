/** One SIP message seen on the wire, for the diagnostics view (issue 2, "Diagnostics"). Secrets are redacted. */
export interface TraceEntry {
  seq: number;
  /** Epoch ms. */
  time: number;
  direction: 'in' | 'out';
  transport: 'udp' | 'tcp' | 'tls';
  /** `host:port` */
  local: string;
  remote: string;
  /** Request line or status line. */
  firstLine: string;
  method: string;
  status?: number;
  callId: string;
  /** Whole message with Authorization/Proxy-Authorization digests redacted. */
  text: string;
}

export interface TraceFilter {
  /** Case-insensitive substring matched against the whole message. */
  text?: string;
  method?: string;
  direction?: 'in' | 'out';
  limit?: number;
}

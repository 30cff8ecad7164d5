/**
 * A believable console state for renderer previews: four lines (registered UDP; TCP whose credentials the PBX
 * rejects with 403; failed TLS with 408 and a retry time, whose lamps are stale; disabled), their settings, the own presence (line 1 publishes, line 2 uses feature codes
 * after a 501; three watchers), and a SIP trace of the registrations. Times are offsets from
 * page load so countdowns are live. Addresses are loopback and example domains only.
 */
import type { LineState } from '../../../shared/lines';
import type { PresenceSnapshot } from '../../../shared/presence';
import type { AppError } from '../../../shared/result';
import type { PublicSettings } from '../../../shared/settings';
import type { NotifyQueueStats, TileConfig } from '../../../shared/tiles';
import type { TraceEntry } from '../../../shared/trace';
import { generatedPanel, previewPanel, PREVIEW_IMPORT, type PreviewTile } from './preview-tiles';

export type PreviewLine = Omit<LineState, 'nextRetryAt' | 'expiresAt'> & { retryInMs?: number; expiresInMs?: number };

export interface PreviewData {
  lines: PreviewLine[];
  settings: PublicSettings;
  trace: Omit<TraceEntry, 'time'>[];
  saveError?: AppError;
  tiles: PreviewTile[];
  blf: NotifyQueueStats;
  importResult: TileConfig[];
  presence: PresenceSnapshot;
}

const FINGERPRINT = '3A:9F:61:0C:D2:7B:44:E8:19:A5:C3:0F:6E:B2:88:D1:5C:72:EE:04:9B:31:A7:6D:F0:12:8C:4E:B9:57:23:AD';

function register(seq: number, user: string, domain: string, transport: 'udp' | 'tcp' | 'tls', local: string, remote: string, cseq: number, auth: boolean): Omit<TraceEntry, 'time'> {
  const via = `SIP/2.0/${transport.toUpperCase()} ${local};branch=z9hG4bK${(seq * 7919).toString(16)}a${cseq};rport`;
  const lines = [
    `REGISTER sip:${domain} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=${(seq * 104729).toString(36)}`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: reg-${user}-4f2a9c@127.0.0.1`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@${local};transport=${transport}>;+sip.instance="<urn:uuid:6c1b6a3e-${user}>"`,
    'Expires: 3600',
  ];
  if (auth)
    lines.push(`Authorization: Digest username="${user}", realm="${domain}", nonce="Zx1c9A", uri="sip:${domain}", response="[redacted]", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="8d1f"`);
  lines.push('User-Agent: AttendantConsole/0.1.0', 'Content-Length: 0', '', '');
  return { seq, direction: 'out', transport, local, remote, firstLine: lines[0] ?? '', method: 'REGISTER', callId: `reg-${user}-4f2a9c@127.0.0.1`, text: lines.join('\r\n') };
}

function response(seq: number, status: number, reason: string, request: Omit<TraceEntry, 'time'>, extra: string[] = []): Omit<TraceEntry, 'time'> {
  const headers = request.text.split('\r\n').filter((line) => /^(Via|From|To|Call-ID|CSeq):/.test(line));
  const text = [`SIP/2.0 ${status} ${reason}`, ...headers, ...extra, 'Server: Kamailio (5.6.3)', 'Content-Length: 0', '', ''].join('\r\n');
  return { ...request, seq, direction: 'in', firstLine: `SIP/2.0 ${status} ${reason}`, status, text };
}

function options(seq: number): Omit<TraceEntry, 'time'> {
  const text = ['OPTIONS sip:101@127.0.0.1:5062 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK.opt1', 'From: <sip:pbx.example.com>;tag=k1', 'To: <sip:101@pbx.example.com>', 'Call-ID: ka-771@127.0.0.1', 'CSeq: 10 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
  return { seq, direction: 'in', transport: 'udp', local: '127.0.0.1:5062', remote: '127.0.0.1:5060', firstLine: 'OPTIONS sip:101@127.0.0.1:5062 SIP/2.0', method: 'OPTIONS', callId: 'ka-771@127.0.0.1', text };
}

function buildTrace(): Omit<TraceEntry, 'time'>[] {
  const out: Omit<TraceEntry, 'time'>[] = [];
  let seq = 1;
  const udp = ['127.0.0.1:5062', '127.0.0.1:5060'] as const;
  const tcp = ['127.0.0.1:40712', '127.0.0.1:5060'] as const;
  const tls = ['127.0.0.1:40988', '127.0.0.1:5061'] as const;
  for (let round = 0; round < 6; round++) {
    const r1 = register(seq++, '101', 'pbx.example.com', 'udp', ...udp, 2 * round + 1, false);
    out.push(r1, response(seq++, 401, 'Unauthorized', r1, ['WWW-Authenticate: Digest realm="pbx.example.com", nonce="Zx1c9A", algorithm=SHA-256, qop="auth"']));
    const r2 = register(seq++, '101', 'pbx.example.com', 'udp', ...udp, 2 * round + 2, true);
    out.push(r2, response(seq++, 100, 'Trying', r2), response(seq++, 200, 'OK', r2, ['Contact: <sip:101@127.0.0.1:5062;transport=udp>;expires=3600']));
    const t1 = register(seq++, '300', 'branch.example.net', 'tls', ...tls, round + 1, false);
    out.push(t1);
    const c1 = register(seq++, '200', 'pbx.example.com', 'tcp', ...tcp, round + 1, false);
    out.push(c1, response(seq++, 407, 'Proxy Authentication Required', c1, ['Proxy-Authenticate: Digest realm="pbx.example.com", nonce="Qa7", algorithm=MD5, qop="auth"']));
    out.push(options(seq++), { ...options(seq++), direction: 'out', firstLine: 'SIP/2.0 200 OK', status: 200, method: 'OPTIONS' });
  }
  return out;
}

const base = { enabled: true, expires: 3600 } as const;

/**
 * Fresh data for one page (the fake API mutates its copy). `tiles` replaces the 60-extension panel with that many
 * generated tiles (the 1,000-tile preview).
 */
export function previewData(options: { tiles?: number } = {}): PreviewData {
  const panel = previewPanel();
  const tiles = options.tiles === undefined ? panel.tiles : generatedPanel(options.tiles);
  return {
    tiles,
    blf: { depth: 37, bound: 5000, ratePerSecond: 10000, received: 48_213, applied: 47_902, coalesced: 274, rejected: 3, subscriptions: options.tiles ?? 41 },
    importResult: PREVIEW_IMPORT,
    presence: {
      own: { state: 'available', note: 'At the front desk until 5 pm' },
      published: { state: 'available', note: 'At the front desk until 5 pm' },
      lines: [
        { line: 1, method: 'publish', state: 'published', sipStatus: 200, reason: 'published for 3600 s (SIP-ETag kept)' },
        { line: 2, method: 'feature-codes', state: 'published', sipStatus: 501, reason: 'the PBX answered 501 to PUBLISH' },
      ],
      watchers: [
        { uri: 'sip:102@pbx.example.com', displayName: 'Jonas Becker', status: 'active' },
        { uri: 'sip:205@pbx.example.com', displayName: 'Paul Zimmermann', status: 'active' },
        { uri: 'sip:310@pbx.example.com', status: 'pending' },
      ],
    },
    lines: [
      { ...base, number: 1, id: 'l1', displayName: 'Reception', aor: 'sip:101@pbx.example.com', transport: 'udp', isDefault: true, status: 'registered', sipStatus: 200, reason: 'OK', server: 'udp:127.0.0.1:5060', expiresInMs: 3_412_000 },
      { ...base, number: 2, id: 'l2', displayName: 'Sales queue', aor: 'sip:200@pbx.example.com', transport: 'tcp', isDefault: false, status: 'failed', failure: 'auth-failed', sipStatus: 403, reason: 'Forbidden', server: 'tcp:127.0.0.1:5060', retryInMs: 118_000 },
      { ...base, number: 3, id: 'l3', displayName: 'Branch office Hamburg', aor: 'sip:300@branch.example.net', transport: 'tls', isDefault: false, status: 'failed', failure: 'unreachable', sipStatus: 408, reason: 'Request Timeout', retryInMs: 25_400 },
      { ...base, number: 4, id: 'l4', enabled: false, displayName: 'Night service', aor: 'sip:400@pbx.example.com', transport: 'udp', isDefault: false, status: 'unregistered' },
    ],
    settings: {
      version: 1,
      defaultLine: 1,
      lines: [
        { ...base, id: 'l1', displayName: 'Reception', user: '101', domain: 'pbx.example.com', transport: 'udp', hasPassword: true, watcherInfo: true },
        { ...base, id: 'l2', displayName: 'Sales queue', user: '200', authUser: 'sales-200', domain: 'pbx.example.com', registrar: 'pbx.example.com:5060', transport: 'tcp', hasPassword: true },
        { ...base, id: 'l3', displayName: 'Branch office Hamburg', user: '300', domain: 'branch.example.net', outboundProxy: 'sbc.branch.example.net:5061', transport: 'tls', expires: 600, tls: { fingerprint256: FINGERPRINT }, hasPassword: true },
        { ...base, id: 'l4', enabled: false, displayName: 'Night service', user: '400', domain: 'pbx.example.com', transport: 'udp', hasPassword: false },
      ],
      sip: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000, retryBaseSeconds: 30, retryMaxSeconds: 1800, keepAliveSeconds: 30, subscriptionExpiresSeconds: 600 },
      diagnostics: { traceToFile: false, traceBufferSize: 2000 },
      tiles: options.tiles === undefined ? panel.configs : [],
      tileLists: options.tiles === undefined ? panel.lists : [],
      calls: { rtpPortMin: 20000, rtpPortMax: 20999, holdReminderSeconds: 60, notifications: true, historyLimit: 5000 },
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, ringerVolume: 80 },
      desktop: { startAtLogin: false, answerShortcut: 'CommandOrControl+Shift+F9' },
      directory: { contacts: [] },
      ui: { language: 'auto', theme: 'auto' },
      notify: { profile: 'console', ratePerSecond: 10000, queueBound: 5000 },
      presence: {
        customStates: [
          { id: 'lunch', label: 'Lunch', base: 'away' },
          { id: 'meeting', label: 'In a meeting', base: 'dnd' },
        ],
        autoAwayMinutes: 10,
        onThePhone: true,
      },
    },
    trace: buildTrace(),
  };
}

// A minimal PUBLISH sender over UDP on 127.0.0.1 (RFC 3903 §4), independent of the app's publication usage: what a
// voicemail server does to tell the PBX a mailbox's message summary (RFC 3842 §3.1 via the presence server).
import { createSocket } from 'node:dgram';
import { DigestSession } from '../../electron/sip/auth';
import { createRequest, newBranch, newCallId, newTag, parseMessage, type SipRequest, type SipResponse } from '../../electron/sip/message';

export interface PublishOptions {
  /** UDP port of the PBX on 127.0.0.1. */
  serverPort: number;
  /** Presentity, e.g. `sip:100@test.local` (Request-URI and To). */
  uri: string;
  event: string;
  contentType: string;
  body: string;
  /** Default 3600. */
  expires?: number;
  /** Publisher identity; answered challenges need `password`. Default `sip:voicemail@voicemail.invalid`. */
  from?: string;
  credentials?: { username: string; password: string };
  /** Entity tag of the publication to modify (RFC 3903 §4.4, `SIP-If-Match`); absent: a new publication. */
  ifMatch?: string;
}

const T1 = 500;

/** Sends one PUBLISH (answering a digest challenge once) and resolves with the final response. */
export async function publishOnce(opts: PublishOptions): Promise<SipResponse> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const session = opts.credentials ? new DigestSession(opts.credentials) : undefined;
  const callId = newCallId('127.0.0.1');
  const tag = newTag();
  let cseq = 1;
  const build = (): SipRequest =>
    createRequest({
      method: 'PUBLISH',
      uri: opts.uri,
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=${newBranch()};rport`],
        ['Max-Forwards', '70'],
        ['From', `<${opts.from ?? 'sip:voicemail@voicemail.invalid'}>;tag=${tag}`],
        ['To', `<${opts.uri}>`],
        ['Call-ID', callId],
        ['CSeq', `${cseq} PUBLISH`],
        ['Event', opts.event],
        ['Expires', String(opts.expires ?? 3600)],
        ['Content-Type', opts.contentType],
        ...(opts.ifMatch ? ([['SIP-If-Match', opts.ifMatch]] as Array<[string, string]>) : []),
        ['User-Agent', 'raw-publisher'],
      ],
      body: opts.body,
    });
  // Client non-INVITE transaction over UDP (RFC 3261 §17.1.2), retransmitting at T1 until a final answer.
  const transact = (request: SipRequest): Promise<SipResponse> =>
    new Promise((resolve, reject) => {
      const branch = request.vias[0]?.branch ?? '';
      const bytes = request.toBuffer();
      const send = (): void => socket.send(bytes, opts.serverPort, '127.0.0.1');
      const timer = setInterval(send, T1);
      const timeout = setTimeout(() => finish(() => reject(new Error(`PUBLISH ${opts.uri}: no final response`))), 64 * T1);
      const onMessage = (data: Buffer): void => {
        const message = parseMessage(data);
        if (message.kind !== 'response' || message.status < 200 || message.vias[0]?.branch !== branch) return;
        finish(() => resolve(message));
      };
      const finish = (then: () => void): void => {
        clearInterval(timer);
        clearTimeout(timeout);
        socket.off('message', onMessage);
        then();
      };
      socket.on('message', onMessage);
      send();
    });
  try {
    let request = build();
    session?.prepare(request);
    let response = await transact(request);
    if ((response.status === 401 || response.status === 407) && session && session.authorize(request, response) === 'retry') {
      // RFC 3261 §22.2: the resend is a new request (CSeq + 1, new branch) carrying the answer prepare() adds.
      cseq++;
      request = build();
      session.prepare(request);
      response = await transact(request);
    }
    return response;
  } finally {
    socket.close();
  }
}

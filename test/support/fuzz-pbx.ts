/**
 * A minimal PBX for the fuzz test, on one UDP socket and one TCP listener of 127.0.0.1: it accepts every REGISTER,
 * SUBSCRIBE and PUBLISH the console sends (with an initial NOTIFY per subscription) and keeps the console's UDP
 * address and its TCP connection, which are where the fuzz messages go. Being the console's registrar over TCP is
 * the only way to reach it over TCP: the console does not listen for connections.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import {
  createRequest,
  createResponse,
  newBranch,
  newTag,
  parseMessage,
  parseNameAddr,
  type SipMessage,
  type SipRequest,
} from '../../electron/sip/message';
import { dialogInfo, pidf, rlmiBody, type FuzzBody } from './fuzz-bodies';

export type FuzzTransport = 'udp' | 'tcp';

/** A subscription the console holds at this PBX: what an in-dialog NOTIFY needs (RFC 6665 §4.2.2). */
export interface FuzzDialog {
  transport: FuzzTransport;
  callId: string;
  event: string;
  list: boolean;
  /** The resource (SUBSCRIBE Request-URI). */
  resource: string;
  /** SUBSCRIBE From (the console, with its tag): the NOTIFY's To. */
  consoleSide: string;
  /** SUBSCRIBE To with the tag this PBX chose: the NOTIFY's From. */
  pbxSide: string;
  /** The console's Contact URI: the NOTIFY's Request-URI. */
  target: string;
  cseq: number;
  version: number;
}

export interface FuzzPbx {
  readonly port: number;
  readonly dialogs: FuzzDialog[];
  /** The console's UDP address once it registered over UDP. */
  readonly consoleUdp: { host: string; port: number } | undefined;
  /** The console's TCP connection once it registered over TCP (undefined again when it closed). */
  readonly consoleTcp: Socket | undefined;
  readonly registered: Set<FuzzTransport>;
  send(transport: FuzzTransport, data: Buffer): void;
  /** An in-dialog NOTIFY for `dialog` (valid unless the caller mutates it), with the next CSeq. */
  notify(dialog: FuzzDialog, body?: FuzzBody): string;
  /** A well-formed OPTIONS to the console; resolves with the final status, or undefined after `timeoutMs`. */
  probe(transport: FuzzTransport, timeoutMs?: number): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Starts the PBX on a free port shared by UDP and TCP. */
export async function startFuzzPbx(): Promise<FuzzPbx> {
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  udp.setRecvBufferSize(8 * 1024 * 1024);
  const port = udp.address().port;
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return new Pbx(udp, server, port);
}

class Pbx implements FuzzPbx {
  readonly dialogs: FuzzDialog[] = [];
  readonly registered = new Set<FuzzTransport>();
  consoleUdp: { host: string; port: number } | undefined;
  consoleTcp: Socket | undefined;
  private readonly probes = new Map<string, (status: number) => void>();
  private probeCount = 0;
  /** The To tag this PBX gave each subscription, by Call-ID (refreshes must see the same one). */
  private readonly tags = new Map<string, string>();

  constructor(
    private readonly udp: UdpSocket,
    private readonly server: Server,
    readonly port: number,
  ) {
    udp.on('message', (data, rinfo) => this.receive(data, 'udp', { host: rinfo.address, port: rinfo.port }));
    server.on('connection', (socket) => this.accept(socket));
  }

  send(transport: FuzzTransport, data: Buffer): void {
    if (transport === 'udp') {
      if (this.consoleUdp) this.udp.send(data, this.consoleUdp.port, this.consoleUdp.host);
    } else if (this.consoleTcp && !this.consoleTcp.destroyed) this.consoleTcp.write(data);
  }

  notify(dialog: FuzzDialog, body?: FuzzBody): string {
    dialog.cseq++;
    dialog.version++;
    const content = body ?? this.stateBody(dialog);
    const request = createRequest({
      method: 'NOTIFY',
      uri: dialog.target,
      headers: [
        ['Via', `SIP/2.0/${dialog.transport.toUpperCase()} 127.0.0.1:${this.port};branch=${newBranch()}`],
        ['Max-Forwards', '70'],
        ['From', dialog.pbxSide],
        ['To', dialog.consoleSide],
        ['Call-ID', dialog.callId],
        ['CSeq', `${dialog.cseq} NOTIFY`],
        ['Contact', `<sip:pbx@127.0.0.1:${this.port};transport=${dialog.transport}>`],
        ['Event', dialog.event],
        ['Subscription-State', 'active;expires=3600'],
        ...(dialog.list ? ([['Require', 'eventlist']] as Array<[string, string]>) : []),
        ['Content-Type', content.contentType],
      ],
      body: content.bytes,
    });
    return request.toString();
  }

  probe(transport: FuzzTransport, timeoutMs = 5000): Promise<number | undefined> {
    const target = transport === 'udp' ? this.consoleUdp : this.consoleTcp ? { host: '127.0.0.1', port: this.consoleTcp.remotePort ?? 0 } : undefined;
    if (!target) return Promise.resolve(undefined);
    const callId = `probe-${++this.probeCount}-${transport}@fuzz`;
    const bytes = Buffer.from(
      [
        `OPTIONS sip:console@${target.host}:${target.port} SIP/2.0`,
        `Via: SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${this.port};branch=${newBranch()}`,
        'Max-Forwards: 70',
        `From: <sip:pbx@127.0.0.1>;tag=${newTag()}`,
        `To: <sip:console@${target.host}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    return new Promise((resolve) => {
      // Over UDP the request is retransmitted as a UAC would (RFC 3261 §17.1.2.2, Timer E from 500 ms).
      const resend = transport === 'udp' ? setInterval(() => this.send('udp', bytes), 500) : undefined;
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (status: number | undefined): void => {
        clearTimeout(timer);
        clearInterval(resend);
        this.probes.delete(callId);
        resolve(status);
      };
      this.probes.set(callId, finish);
      this.send(transport, bytes);
    });
  }

  async close(): Promise<void> {
    this.consoleTcp?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.consoleTcp === socket) this.consoleTcp = undefined;
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        let start = 0;
        while (buffered[start] === 0x0d || buffered[start] === 0x0a) start++;
        buffered = buffered.subarray(start);
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const message = buffered.subarray(0, end + 4 + length);
        buffered = buffered.subarray(end + 4 + length);
        this.receive(message, 'tcp', { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, socket);
      }
    });
  }

  private receive(data: Buffer, transport: FuzzTransport, from: { host: string; port: number }, socket?: Socket): void {
    let message: SipMessage;
    try {
      message = parseMessage(data);
    } catch {
      return;
    }
    if (message.kind === 'response') {
      if (message.cseq.method === 'OPTIONS') this.probes.get(message.callId)?.(message.status);
      return;
    }
    if (message.method === 'ACK') return;
    const reply = (bytes: Buffer): void => {
      if (socket) socket.write(bytes);
      else this.udp.send(bytes, from.port, from.host);
    };
    reply(this.answer(message, transport, from, socket).toBuffer());
    if (message.method === 'SUBSCRIBE' && message.get('Expires') !== '0') this.subscribed(message, transport, reply);
  }

  private answer(request: SipRequest, transport: FuzzTransport, from: { host: string; port: number }, socket?: Socket) {
    const contact = `<sip:pbx@127.0.0.1:${this.port};transport=${transport}>`;
    switch (request.method) {
      case 'REGISTER':
        this.registered.add(transport);
        if (transport === 'udp') this.consoleUdp = from;
        else this.consoleTcp = socket;
        return createResponse(request, 200, 'OK', {
          toTag: newTag(),
          headers: [['Contact', `${request.get('Contact') ?? contact};expires=3600`], ['Expires', '3600']],
        });
      case 'SUBSCRIBE':
        return createResponse(request, 200, 'OK', {
          toTag: this.tagFor(request.callId),
          headers: [['Expires', request.get('Expires') ?? '3600'], ['Contact', contact]],
        });
      case 'PUBLISH':
        return createResponse(request, 200, 'OK', { headers: [['SIP-ETag', `etag-${newTag()}`], ['Expires', request.get('Expires') ?? '3600']] });
      default:
        return createResponse(request, 200, 'OK', { toTag: newTag() });
    }
  }

  /** Records a new subscription dialog and sends its initial NOTIFY (RFC 6665 §4.2.1.2). */
  private subscribed(subscribe: SipRequest, transport: FuzzTransport, reply: (bytes: Buffer) => void): void {
    if (this.dialogs.some((d) => d.callId === subscribe.callId)) return;
    const response = createResponse(subscribe, 200, 'OK', { toTag: this.tagFor(subscribe.callId) });
    const dialog: FuzzDialog = {
      transport,
      callId: subscribe.callId,
      event: subscribe.get('Event') ?? 'presence',
      list: /eventlist/i.test(subscribe.get('Supported') ?? ''),
      resource: subscribe.uri,
      consoleSide: subscribe.get('From') as string,
      pbxSide: response.get('To') as string,
      target: parseNameAddr(subscribe.get('Contact') ?? `<${subscribe.from.uri}>`).uri,
      cseq: 0,
      version: 0,
    };
    this.dialogs.push(dialog);
    reply(Buffer.from(this.notify(dialog)));
  }

  private tagFor(callId: string): string {
    let tag = this.tags.get(callId);
    if (!tag) this.tags.set(callId, (tag = `pbx-${newTag()}`));
    return tag;
  }

  private stateBody(dialog: FuzzDialog): FuzzBody {
    if (dialog.list) return rlmiBody(dialog.resource, ['sip:201@127.0.0.1', 'sip:202@127.0.0.1'], dialog.version);
    if (dialog.event.startsWith('presence')) return { contentType: 'application/pidf+xml', bytes: Buffer.from(pidf(dialog.resource)) };
    return { contentType: 'application/dialog-info+xml', bytes: Buffer.from(dialogInfo(dialog.resource, dialog.version, dialog.version % 2 === 0)) };
  }
}

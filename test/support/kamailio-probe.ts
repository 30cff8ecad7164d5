// Reading a running Kamailio's state: the SIP readiness probe and the `ul.dump` parser.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/** One contact binding from `ul.dump`. `expires` is seconds left; Infinity for permanent, 0 once expired. */
export interface UlContact {
  aor: string;
  contact: string;
  expires: number;
}

/** Sends an OPTIONS without user part (answered by the script's keep-alive branch) and waits up to `ms` for 200. */
export function optionsPing(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('error', () => finish(false));
    socket.on('message', (data) => finish(data.toString('utf8').startsWith('SIP/2.0 200')));
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const id = randomBytes(6).toString('hex');
      const request =
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${id};rport\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=${id}\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
        `Call-ID: ${id}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      socket.send(request, port, '127.0.0.1');
    });
  });
}

/** Parses `kamcmd ul.dump` text output (nested `Key: value` lines). */
export function parseUlDump(text: string): UlContact[] {
  const contacts: UlContact[] = [];
  let aor = '';
  let current: UlContact | null = null;
  for (const raw of text.split('\n')) {
    const match = /^\s*([A-Za-z-]+):\s*(.*?)\s*$/.exec(raw);
    if (!match) continue;
    const [, key, value = ''] = match;
    if (key === 'AoR') aor = value;
    else if (key === 'Address') {
      current = { aor, contact: value, expires: 0 };
      contacts.push(current);
    } else if (key === 'Expires' && current) {
      current.expires = value === 'permanent' ? Number.POSITIVE_INFINITY : Number(value) || 0;
    }
  }
  return contacts;
}

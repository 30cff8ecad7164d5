/**
 * Seeded mutation of SIP messages for the fuzz test (test/integration/sip-fuzz.test.ts). Every choice comes from
 * {@link Prng}, so a failing run repeats exactly with the same seed.
 */
import { hostileBody, type HostileBody } from './fuzz-bodies';

/** mulberry32: small, fast and good enough to spread mutations; not for anything secret. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** One seed message: the bytes, and whether its body may be replaced by a hostile one (NOTIFY, MESSAGE). */
export interface FuzzSeed {
  text: string;
  bodyCarrier: boolean;
}

export const MUTATIONS = [
  'byte-flip',
  'truncate',
  'inject-cr',
  'inject-lf',
  'inject-nul',
  'inject-control',
  'huge-header',
  'many-headers',
  'bad-content-length',
  'drop-line',
  'duplicate-line',
  'non-utf8',
  'hostile-body',
  'splice',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Largest datagram produced (the IPv4 UDP payload limit is 65,507 bytes). */
export const MAX_DATAGRAM = 65_000;

/** Applies one to three mutations to `seed`; returns the bytes and the names of the mutations applied. */
export function mutate(seed: FuzzSeed, rng: Prng): { data: Buffer; mutations: Mutation[] } {
  let data: Buffer = Buffer.from(seed.text, 'utf8');
  const mutations: Mutation[] = [];
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const mutation = rng.pick(MUTATIONS);
    if (mutation === 'hostile-body' && !seed.bodyCarrier) continue;
    data = apply(mutation, data, rng);
    mutations.push(mutation);
  }
  if (mutations.length === 0) {
    data = apply('byte-flip', data, rng);
    mutations.push('byte-flip');
  }
  return { data: data.length > MAX_DATAGRAM ? data.subarray(0, MAX_DATAGRAM) : data, mutations };
}

function apply(mutation: Mutation, data: Buffer, rng: Prng): Buffer {
  switch (mutation) {
    case 'byte-flip': {
      const out = Buffer.from(data);
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)] = rng.int(256);
      return out;
    }
    case 'truncate':
      return data.subarray(0, rng.int(data.length + 1));
    case 'inject-cr':
      return insert(data, rng, Buffer.from('\r'));
    case 'inject-lf':
      return insert(data, rng, Buffer.from(rng.next() < 0.5 ? '\n' : '\r\n'));
    case 'inject-nul':
      return insert(data, rng, Buffer.from([0]));
    case 'inject-control':
      return insert(data, rng, Buffer.from([rng.pick([0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x7f])]));
    case 'huge-header':
      return addHeader(data, `${rng.pick(['Subject', 'X-Huge', 'Via', 'Contact', 'Route', 'Call-Info'])}: ${'A'.repeat(1000 + rng.int(55_000))}`);
    case 'many-headers':
      return addHeader(data, Array.from({ length: 500 + rng.int(2500) }, (_, i) => `X-H${i}: v`).join('\r\n'));
    case 'bad-content-length':
      return setContentLength(data, rng.pick(['-1', '99999999', '1e3', '', '0x10', '4294967296', ' 12 12', String(rng.int(5000))]));
    case 'drop-line':
      return editLines(data, (lines) => lines.splice(1 + rng.int(Math.max(1, lines.length - 1)), 1));
    case 'duplicate-line':
      return editLines(data, (lines) => {
        const i = rng.int(lines.length);
        lines.splice(i, 0, lines[i] as string);
      });
    case 'non-utf8':
      return insert(data, rng, Buffer.from(rng.pick([[0xff, 0xfe], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])));
    case 'hostile-body':
      return withBody(data, hostileBody(rng.pick(HOSTILE_KINDS), rng));
    case 'splice': {
      const a = rng.int(data.length + 1);
      const b = rng.int(data.length + 1);
      return Buffer.concat([data.subarray(0, Math.max(a, b)), data.subarray(Math.min(a, b))]);
    }
  }
}

const HOSTILE_KINDS: readonly HostileBody['kind'][] = [
  'billion-laughs',
  'external-entity',
  'deep-nesting',
  'wide',
  'bad-boundary',
  'unterminated-multipart',
  'nested-multipart',
  'binary',
];

function insert(data: Buffer, rng: Prng, bytes: Buffer): Buffer {
  // Aim at the header section most of the time: that is where CR/LF/NUL confuse a parser.
  const head = headerEnd(data);
  const at = rng.next() < 0.8 && head > 0 ? rng.int(head) : rng.int(data.length + 1);
  return Buffer.concat([data.subarray(0, at), bytes, data.subarray(at)]);
}

/** Offset of the blank line ending the header section, or the length when there is none. */
export function headerEnd(data: Buffer): number {
  const i = data.indexOf('\r\n\r\n');
  return i < 0 ? data.length : i;
}

function addHeader(data: Buffer, header: string): Buffer {
  const end = headerEnd(data);
  return Buffer.concat([data.subarray(0, end), Buffer.from(`\r\n${header}`, 'latin1'), data.subarray(end)]);
}

function editLines(data: Buffer, edit: (lines: string[]) => void): Buffer {
  const end = headerEnd(data);
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  edit(lines);
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), data.subarray(end)]);
}

function setContentLength(data: Buffer, value: string): Buffer {
  return editLines(data, (lines) => {
    const i = lines.findIndex((l) => /^(content-length|l)\s*:/i.test(l));
    if (i >= 0) lines[i] = `Content-Length: ${value}`;
    else lines.push(`Content-Length: ${value}`);
  });
}

/** Replaces the body and its Content-Type, with a matching Content-Length so the body reaches its parser. */
function withBody(data: Buffer, body: { contentType: string; bytes: Buffer }): Buffer {
  const end = headerEnd(data);
  const lines = data
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n')
    .filter((l) => !/^(content-length|l|content-type|c)\s*:/i.test(l));
  lines.push(`Content-Type: ${body.contentType}`, `Content-Length: ${body.bytes.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body.bytes]);
}

/**
 * The same bytes framed for a stream (RFC 3261 §18.3): the header section keeps no blank line inside it and ends
 * with a Content-Length equal to the body, so each fuzz message is one message on the connection and the
 * connection survives it. Hostile framing is left to the datagram half of the run.
 */
export function frameForStream(data: Buffer): Buffer {
  const end = headerEnd(data);
  const body = data.subarray(Math.min(data.length, end + 4)).subarray(0, 60_000);
  let head = data
    .subarray(0, end)
    .toString('latin1')
    .split('\n')
    // Named as the engine's framer reads names (trimmed of any whitespace, JavaScript's trim()).
    .filter((l) => !/^(content-length|l)$/i.test(l.split(':')[0]?.trim() ?? ''))
    .join('\n');
  // A line feed directly after another one (a CR between them or not) would end the header section early.
  head = head.replace(/\n(?=\r?\n)/g, '\n ').replace(/^[\r\n]+/, '').slice(0, 60_000).replace(/[\r\n]+$/, '');
  if (head === '') head = 'X';
  return Buffer.concat([Buffer.from(`${head}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

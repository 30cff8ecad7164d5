import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FramingError, StreamFramer, type KeepAliveSignal } from './stream-framer';

/** Fixtures are stored with LF line ends; SIP uses CRLF on the wire. */
function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`../../../test/fixtures/transport/${name}`, import.meta.url), 'utf8');
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

const options = fixture('options-empty-body.sip');
const utf8 = fixture('message-utf8-body.sip');
const compact = fixture('notify-compact-length.sip');

function framingError(fn: () => unknown): FramingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FramingError) return err;
    throw err;
  }
  throw new Error('expected a FramingError');
}

describe('StreamFramer', () => {
  it('returns a whole message pushed in one chunk', () => {
    const framer = new StreamFramer();
    expect(framer.push(options)).toEqual([options]);
    expect(framer.buffered).toBe(0);
  });

  it('counts the body in bytes, not characters', () => {
    const body = 'Grüße aus Köln ☎ — Rückruf bitte';
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    const framer = new StreamFramer();
    const [message] = framer.push(Buffer.concat([utf8, options]));
    expect(message?.equals(utf8)).toBe(true);
    expect(message?.toString('utf8').endsWith(body)).toBe(true);
  });

  it('reads the compact form `l` of Content-Length', () => {
    const framer = new StreamFramer();
    const messages = framer.push(Buffer.concat([compact, options]));
    expect(messages.map((m) => m.toString())).toEqual([compact.toString(), options.toString()]);
  });

  it('reassembles a message split at every possible byte', () => {
    for (let cut = 1; cut < utf8.length; cut++) {
      const framer = new StreamFramer();
      expect(framer.push(utf8.subarray(0, cut))).toEqual([]);
      const out = framer.push(utf8.subarray(cut));
      expect(out).toHaveLength(1);
      expect(out[0]?.equals(utf8)).toBe(true);
    }
  });

  it('handles one byte at a time across several messages', () => {
    const stream = Buffer.concat([options, utf8, compact]);
    const framer = new StreamFramer();
    const out: Buffer[] = [];
    for (const byte of stream) out.push(...framer.push(Buffer.from([byte])));
    expect(out.map((m) => m.toString())).toEqual([options, utf8, compact].map((m) => m.toString()));
  });

  it('returns two messages arriving in one chunk and keeps the start of a third', () => {
    const framer = new StreamFramer();
    const stream = Buffer.concat([options, utf8, compact.subarray(0, 20)]);
    const out = framer.push(stream);
    expect(out.map((m) => m.toString())).toEqual([options.toString(), utf8.toString()]);
    expect(framer.buffered).toBe(20);
    expect(framer.push(compact.subarray(20)).map((m) => m.toString())).toEqual([compact.toString()]);
  });

  it('skips leading CRLFs and reports keep-alives (RFC 5626 §4.4.1)', () => {
    const signals: KeepAliveSignal[] = [];
    const framer = new StreamFramer({ onKeepAlive: (s) => signals.push(s) });
    const out = framer.push(Buffer.concat([Buffer.from('\r\n\r\n'), options, Buffer.from('\r\n'), utf8]));
    expect(out.map((m) => m.toString())).toEqual([options.toString(), utf8.toString()]);
    expect(signals).toEqual(['ping', 'pong']);
    expect(framer.push(Buffer.from('\r\n'))).toEqual([]);
    expect(signals).toEqual(['ping', 'pong', 'pong']);
  });

  it('still recognises a ping split over two reads', () => {
    const signals: KeepAliveSignal[] = [];
    const framer = new StreamFramer({ onKeepAlive: (s) => signals.push(s) });
    framer.push(Buffer.from('\r\n'));
    framer.push(Buffer.from('\r\n'));
    expect(signals).toContain('ping');
  });

  it('rejects a message without Content-Length (RFC 3261 §18.3) and stays failed', () => {
    const framer = new StreamFramer();
    const missing = fixture('response-missing-content-length.sip');
    expect(framingError(() => framer.push(missing)).code).toBe('missing-content-length');
    expect(framingError(() => framer.push(options)).code).toBe('missing-content-length');
  });

  it('rejects malformed and conflicting Content-Length values', () => {
    const head = 'SIP/2.0 200 OK\r\nCall-ID: x\r\n';
    expect(
      framingError(() => new StreamFramer().push(Buffer.from(`${head}Content-Length: -1\r\n\r\n`))).code,
    ).toBe('invalid-content-length');
    expect(
      framingError(() => new StreamFramer().push(Buffer.from(`${head}Content-Length: 2\r\nl: 3\r\n\r\nabc`)))
        .code,
    ).toBe('invalid-content-length');
  });

  it('closes on an oversized header section before its end arrives', () => {
    const framer = new StreamFramer({ maxHeaderBytes: 1024 });
    const start = Buffer.from('INVITE sip:a@127.0.0.1 SIP/2.0\r\n');
    expect(framer.push(start)).toEqual([]);
    const filler = Buffer.from(`X-Filler: ${'a'.repeat(1100)}\r\n`);
    expect(framingError(() => framer.push(filler)).code).toBe('header-too-large');
  });

  it('refuses a declared body above the cap without buffering it', () => {
    const framer = new StreamFramer({ maxBodyBytes: 100 });
    const head = Buffer.from('MESSAGE sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 101\r\n\r\n');
    expect(framingError(() => framer.push(head)).code).toBe('body-too-large');
    const exact = new StreamFramer({ maxBodyBytes: 100 });
    const ok = Buffer.concat([
      Buffer.from('MESSAGE sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 100\r\n\r\n'),
      Buffer.alloc(100, 0x61),
    ]);
    expect(exact.push(ok)).toHaveLength(1);
  });

  it('accepts folded header lines and any case of the header name', () => {
    const msg = Buffer.from('SIP/2.0 200 OK\r\nCONTENT-LENGTH:\r\n  3\r\n\r\nabc');
    expect(new StreamFramer().push(msg)).toEqual([msg]);
  });
});

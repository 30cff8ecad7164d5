/**
 * The trace ring's byte cap (issue 7, "memory stays bounded"): `traceBufferSize` counts entries, and 2000 fuzzed
 * 64 KiB datagrams held whole, then decoded next to their bytes, grew the process by hundreds of MB.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../sip/clock';
import type { TraceEntry } from '../../shared/trace';
import { TRACE_BATCH_MS, TRACE_MAX_BYTES, TraceLog, type TraceWire } from './trace-log';

const KIB = 1024;
const flow: TraceWire['flow'] = {
  protocol: 'udp',
  local: { host: '127.0.0.1', port: 5070 },
  remote: { host: '192.0.2.1', port: 5060 },
};

/** A NOTIFY of `size` bytes padded with `pad` (0xff: a byte that decodes to U+FFFD, a two-byte character). */
function wire(n: number, size: number, pad = 0x61): TraceWire {
  const head = Buffer.from(`NOTIFY sip:100@pbx.test SIP/2.0\r\nCall-ID: call-${n}\r\nCSeq: ${n} NOTIFY\r\nX-Pad: `);
  const data = Buffer.concat([head, Buffer.alloc(size - head.length - 4, pad), Buffer.from('\r\n\r\n')]);
  return { direction: 'in', flow, data };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('TraceLog byte cap', () => {
  it('keeps 2000 × 60 KiB messages within the cap, before and after they are decoded, and lists the newest', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 2000 });
    let most = 0;
    for (let n = 1; n <= 2000; n++) {
      log.record(wire(n, 60 * KIB));
      most = Math.max(most, log.bytes);
    }
    expect(most).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    // Nearly full: eviction goes by bytes, not by a coarser rule.
    expect(log.bytes).toBeGreaterThan(TRACE_MAX_BYTES - 2 * 60 * KIB);
    expect(log.size).toBeLessThan(2000);

    // Decoding replaces the bytes with text; the ring stays within the cap and still ends at the newest.
    const listed = log.list();
    expect(listed.at(-1)!.callId).toBe('call-2000');
    expect(listed.map((e) => e.seq)).toEqual(Array.from({ length: listed.length }, (_, i) => 2001 - listed.length + i));
    expect(log.bytes).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(log.page().entries.at(-1)!.seq).toBe(2000);
  });

  it('counts decoded text as V8 stores it, so text that takes twice its bytes does not double what is held', () => {
    const cap = 4 * 1024 * KIB;
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 2000, maxBytes: cap });
    for (let n = 1; n <= 200; n++) log.record(wire(n, 60 * KIB, 0xff));
    const undecoded = log.size;
    expect(log.list().at(-1)!.callId).toBe('call-200');
    expect(log.bytes).toBeLessThanOrEqual(cap);
    // Each byte became a two-byte U+FFFD: only about half as many entries fit.
    expect(log.size).toBeLessThanOrEqual(Math.ceil(undecoded / 2) + 1);
    expect(log.size).toBeGreaterThanOrEqual(Math.floor(undecoded / 2) - 1);
  });

  it('holds ASCII text once decoded no heavier than its bytes', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 2000, maxBytes: 4 * 1024 * KIB });
    for (let n = 1; n <= 200; n++) log.record(wire(n, 60 * KIB));
    const undecoded = { size: log.size, bytes: log.bytes };
    log.list();
    expect(log.size).toBe(undecoded.size);
    expect(log.bytes).toBe(undecoded.bytes);
  });

  it('keeps the newest message even when it alone is over the cap', () => {
    const log = new TraceLog({ clock: new FakeClock(), maxBytes: 10 * KIB });
    log.record(wire(1, 4 * KIB));
    log.record(wire(2, 40 * KIB));
    expect(log.list().map((e) => e.callId)).toEqual(['call-2']);
  });

  it('delivers to subscribers only what is still in the ring, and writes every message to the file', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trace-bytes-'));
    dirs.push(dataDir);
    const clock = new FakeClock();
    const log = new TraceLog({ clock, dataDir, toFile: true, maxBytes: 100 * KIB });
    const batches: TraceEntry[][] = [];
    log.subscribe((b) => batches.push(b));
    for (let n = 1; n <= 10; n++) log.record(wire(n, 30 * KIB));
    clock.advance(TRACE_BATCH_MS);
    const delivered = batches.flat().map((e) => e.seq);
    expect(delivered).toEqual(log.list().map((e) => e.seq));
    expect(delivered.at(-1)).toBe(10);
    expect(delivered.length).toBeLessThan(4);
    const file = readFileSync(log.filePath!, 'utf8');
    for (let n = 1; n <= 10; n++) expect(file).toContain(`Call-ID: call-${n}\n`);
  });

  it('recounts what it holds when resized and when cleared', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 100 });
    for (let n = 1; n <= 10; n++) log.record(wire(n, 10 * KIB));
    const ten = log.bytes;
    log.configure({ traceBufferSize: 5, traceToFile: false });
    expect(log.bytes).toBe(ten / 2);
    log.clear();
    expect(log.bytes).toBe(0);
  });

  it('reads every entry intact while its bytes are reused for newer ones, with and without the file and subscribers', () => {
    // 600 B NOTIFYs through a 50-entry ring: the arena's 256 KiB chunks are released and written over many times.
    const dir = mkdtempSync(join(tmpdir(), 'ac-trace-reuse-'));
    dirs.push(dir);
    for (const toFile of [false, true]) {
      const clock = new FakeClock();
      const log = new TraceLog({ clock, bufferSize: 50, dataDir: dir, toFile });
      const seen = new Map<number, string>();
      log.subscribe((batch) => batch.forEach((e) => seen.set(e.seq, e.text)));
      for (let n = 1; n <= 5000; n++) {
        log.record(wire(n, 600));
        if (n % 7 === 0) log.list({ limit: 3 });
        if (n % 250 === 0) clock.advance(TRACE_BATCH_MS);
        if (n === 2500) log.clear();
      }
      clock.advance(TRACE_BATCH_MS);
      const listed = log.list();
      expect(listed.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 4951 + i));
      for (const e of listed) expect(e.text).toContain(`Call-ID: call-${e.seq}\r\n`);
      for (const [seq, text] of seen) expect(text).toContain(`Call-ID: call-${seq}\r\n`);
      expect(seen.size).toBeGreaterThan(0);
    }
    const file = readFileSync(join(dir, 'logs', 'sip-trace.log'), 'utf8');
    for (const n of [1, 2499, 2500, 2501, 5000]) expect(file).toContain(`Call-ID: call-${n}\n`);
  });
});

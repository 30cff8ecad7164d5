import { describe, it, expect } from 'vitest';
import { Buffer } from 'node:buffer';
import { FakeClock } from '../sip/clock';
import type { TraceFilter, TracePage } from '../../shared/trace';
import { TRACE_PAGE_MAX_BYTES, TRACE_PAGE_MAX_ENTRIES } from '../../shared/trace';
import { TraceLog } from './trace-log';
import { TRACE_PAGE_MAX_SCAN } from './trace-page';

const flow = {
  protocol: 'udp' as const,
  local: { host: '127.0.0.1', port: 5070 },
  remote: { host: '127.0.0.1', port: 5060 },
};

function options(n: number, pad = 1000, method = 'OPTIONS'): Buffer {
  return Buffer.from(
    `${method} sip:x@pbx.test SIP/2.0\r\nCall-ID: call-${n}\r\nCSeq: ${n} ${method}\r\nX-Pad: ${'a'.repeat(pad)}\r\n\r\n`,
  );
}

function filled(count: number, pad = 1000): TraceLog {
  const log = new TraceLog({ clock: new FakeClock(), bufferSize: count });
  for (let i = 1; i <= count; i++)
    log.record({ direction: i % 2 ? 'out' : 'in', flow, data: options(i, pad, i % 3 ? 'OPTIONS' : 'NOTIFY') });
  return log;
}

const bytes = (page: TracePage): number => Buffer.byteLength(JSON.stringify(page));

/** Pages backwards from the newest until there is no cursor; returns every page, newest first. */
function pageAll(log: TraceLog, filter: TraceFilter): TracePage[] {
  const pages: TracePage[] = [];
  let before: number | undefined;
  do {
    const page = log.page(before === undefined ? filter : { ...filter, before });
    pages.push(page);
    before = page.nextCursor;
  } while (before !== undefined && pages.length < 10_000);
  return pages;
}

describe('TraceLog.page (trace.list)', () => {
  // Issue 7, defect 5: `limit` 100000 on a full buffer built a 22 MiB answer and stalled the loop for ~0.8 s.
  it('answers a huge limit on a 22 MiB buffer within the byte cap, quickly', () => {
    const log = filled(20_000);
    const started = performance.now();
    const page = log.page({ limit: 100_000 });
    const took = performance.now() - started;
    expect(bytes(page)).toBeLessThanOrEqual(TRACE_PAGE_MAX_BYTES);
    expect(page.entries.length).toBeGreaterThan(500);
    expect(page.entries.length).toBeLessThanOrEqual(TRACE_PAGE_MAX_ENTRIES);
    expect(page.entries.at(-1)!.seq).toBe(20_000);
    expect(page.nextCursor).toBe(page.entries[0]!.seq);
    // Generous for a loaded CI machine; decoding the whole buffer as before took over a second here.
    expect(took).toBeLessThan(500);
  });

  it('pages through the whole buffer returning every entry exactly once, in order', () => {
    const log = filled(20_000);
    const pages = pageAll(log, { limit: 100_000 });
    for (const page of pages) expect(bytes(page)).toBeLessThanOrEqual(TRACE_PAGE_MAX_BYTES);
    const seqs = pages.reverse().flatMap((page) => page.entries.map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
  });

  it('pages filtered matches by limit, each match once, and stops with no cursor at the oldest', () => {
    const log = filled(100, 10);
    const pages = pageAll(log, { direction: 'in', method: 'notify', limit: 4 });
    expect(pages.every((page) => page.entries.length <= 4)).toBe(true);
    const seqs = pages.reverse().flatMap((page) => page.entries.map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1).filter((n) => n % 6 === 0));
    expect(log.page({ text: 'CALL-42\r' })).toEqual({ entries: [expect.objectContaining({ seq: 42 })] });
  });

  it('looks at a bounded number of entries per call when the filter matches little', () => {
    const log = filled(TRACE_PAGE_MAX_SCAN + 10, 10);
    const first = log.page({ text: 'call-5\r' });
    expect(first.entries).toEqual([]);
    expect(first.nextCursor).toBe(11);
    expect(log.page({ text: 'call-5\r', before: first.nextCursor })).toEqual({
      entries: [expect.objectContaining({ seq: 5 })],
    });
  });

  it('returns a single message larger than the cap alone, and nothing below the oldest entry', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 10 });
    for (let i = 1; i <= 12; i++) log.record({ direction: 'out', flow, data: options(i, i === 11 ? 2 * TRACE_PAGE_MAX_BYTES : 10) });
    expect(log.page({}).entries.map((e) => e.seq)).toEqual([12]);
    expect(log.page({ before: 12 })).toEqual({ entries: [expect.objectContaining({ seq: 11 })], nextCursor: 11 });
    expect(log.page({ before: 11 }).entries.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.page({ before: 3 })).toEqual({ entries: [] });
    expect(log.page({ before: 1_000_000 }).entries.at(-1)!.seq).toBe(12);
    log.clear();
    expect(log.page({})).toEqual({ entries: [] });
  });
});

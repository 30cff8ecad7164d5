import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import type { Flow } from '../transport/types';
import { ARENA_CHUNK_BYTES, CompletedRecords } from './completed-records';

const flow: Flow = {
  id: 'udp:127.0.0.1:5060->127.0.0.1:5070',
  protocol: 'udp',
  reliable: false,
  local: { protocol: 'udp', host: '127.0.0.1', port: 5060 },
  remote: { protocol: 'udp', host: '127.0.0.1', port: 5070 },
  send: () => undefined,
};
const J_MS = 32_000;
const bytesOf = (text: string): Uint8Array => Buffer.from(text);

describe('CompletedRecords (Timer J, RFC 3261 §17.2.2)', () => {
  it('keeps its own copy of each response: the written buffer may be reused by the pool', () => {
    const records = new CompletedRecords(new FakeClock());
    const written = bytesOf('SIP/2.0 200 OK\r\nCSeq: 7 NOTIFY\r\n\r\n');
    const record = records.add('z9hG4bK1|127.0.0.1:5070|NOTIFY', flow, undefined, written, J_MS);
    written.fill(0);
    expect(Buffer.from(record.bytes).toString()).toBe('SIP/2.0 200 OK\r\nCSeq: 7 NOTIFY\r\n\r\n');
    expect(records.get('z9hG4bK1|127.0.0.1:5070|NOTIFY')).toBe(record);
  });

  it('packs small responses into shared chunks and copies a large one on its own', () => {
    const records = new CompletedRecords(new FakeClock());
    const a = records.add('a', flow, undefined, bytesOf('A'.repeat(400)), J_MS);
    const b = records.add('b', flow, undefined, bytesOf('B'.repeat(400)), J_MS);
    expect(a.bytes.buffer).toBe(b.bytes.buffer);
    expect(Buffer.from(a.bytes).toString()).toBe('A'.repeat(400));
    expect(Buffer.from(b.bytes).toString()).toBe('B'.repeat(400));
    const big = records.add('c', flow, undefined, bytesOf('C'.repeat(ARENA_CHUNK_BYTES)), J_MS);
    expect(big.bytes.buffer).not.toBe(a.bytes.buffer);
    expect(big.bytes.byteLength).toBe(ARENA_CHUNK_BYTES);
  });

  it('starts a new chunk when a response does not fit, leaving earlier ones intact', () => {
    const records = new CompletedRecords(new FakeClock());
    const kept = Array.from({ length: 400 }, (_, i) => records.add(`k${i}`, flow, undefined, bytesOf(`${i}:`.padEnd(500, 'x')), J_MS));
    expect(new Set(kept.map((r) => r.bytes.buffer)).size).toBeGreaterThan(1);
    kept.forEach((r, i) => expect(Buffer.from(r.bytes).toString()).toBe(`${i}:`.padEnd(500, 'x')));
  });

  it('ends each record at its own Timer J, in order, and a dropped one at once', () => {
    const clock = new FakeClock();
    const records = new CompletedRecords(clock);
    const first = records.add('first', flow, undefined, bytesOf('1'), J_MS);
    clock.advance(1000);
    records.add('second', flow, undefined, bytesOf('2'), J_MS);
    const third = records.add('third', flow, undefined, bytesOf('3'), J_MS);
    records.drop(third);
    expect(records.get('third')).toBeUndefined();
    clock.advance(J_MS - 1000);
    expect(first.gone).toBe(true);
    expect(records.get('first')).toBeUndefined();
    expect(records.get('second')).toBeDefined();
    clock.advance(1000);
    expect(records.size).toBe(0);
  });
});

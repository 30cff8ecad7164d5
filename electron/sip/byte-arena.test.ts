import { describe, expect, it } from 'vitest';
import { ByteArena } from './byte-arena';

describe('ByteArena', () => {
  it('copies: changing the original later changes nothing kept', () => {
    const arena = new ByteArena(1024);
    const original = Buffer.from('SIP/2.0 200 OK');
    const kept = arena.keep(original);
    original.fill(0x20);
    expect(Buffer.from(kept).toString()).toBe('SIP/2.0 200 OK');
  });

  it('packs small copies into one chunk and opens a new one when the next does not fit', () => {
    const arena = new ByteArena(1024);
    const a = arena.keep(Buffer.alloc(200, 1));
    const b = arena.keep(Buffer.alloc(200, 2));
    expect(a.buffer).toBe(b.buffer);
    const many = Array.from({ length: 10 }, (_, i) => arena.keep(Buffer.alloc(200, 3 + i)));
    expect(new Set([a, b, ...many].map((copy) => copy.buffer)).size).toBeGreaterThan(1);
    expect([...a].every((x) => x === 1) && [...b].every((x) => x === 2)).toBe(true);
    many.forEach((copy, i) => expect([...copy].every((x) => x === 3 + i)).toBe(true));
  });

  it('gives a copy larger than a quarter chunk its own buffer', () => {
    const arena = new ByteArena(1024);
    const small = arena.keep(Buffer.alloc(10, 7));
    const big = arena.keep(Buffer.alloc(300, 9));
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.byteLength).toBe(300);
  });
});

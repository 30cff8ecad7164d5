import { describe, expect, it } from 'vitest';
import { ByteArena } from './byte-arena';

describe('ByteArena', () => {
  it('copies: changing the original later changes nothing kept', () => {
    const arena = new ByteArena({ chunkBytes: 1024 });
    const original = Buffer.from('SIP/2.0 200 OK');
    const kept = arena.keep(original);
    original.fill(0x20);
    expect(Buffer.from(kept).toString()).toBe('SIP/2.0 200 OK');
  });

  it('packs small copies into one chunk and opens a new one when the next does not fit', () => {
    const arena = new ByteArena({ chunkBytes: 1024 });
    const a = arena.keep(Buffer.alloc(200, 1));
    const b = arena.keep(Buffer.alloc(200, 2));
    expect(a.buffer).toBe(b.buffer);
    const many = Array.from({ length: 10 }, (_, i) => arena.keep(Buffer.alloc(200, 3 + i)));
    expect(new Set([a, b, ...many].map((copy) => copy.buffer)).size).toBeGreaterThan(1);
    expect([...a].every((x) => x === 1) && [...b].every((x) => x === 2)).toBe(true);
    many.forEach((copy, i) => expect([...copy].every((x) => x === 3 + i)).toBe(true));
  });

  it('gives a copy larger than a quarter chunk its own buffer', () => {
    const arena = new ByteArena({ chunkBytes: 1024 });
    const small = arena.keep(Buffer.alloc(10, 7));
    const big = arena.keep(Buffer.alloc(300, 9));
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.byteLength).toBe(300);
  });
});

describe('ByteArena with recycling', () => {
  const fill = (arena: ByteArena, n: number, value: number) => Array.from({ length: n }, () => arena.keep(Buffer.alloc(200, value)));

  it('writes over a chunk once every copy in it is released, and never over a live copy', () => {
    const arena = new ByteArena({ chunkBytes: 1024, recycle: true });
    const first = fill(arena, 5, 1);
    const second = fill(arena, 5, 2);
    expect(first[0]!.buffer).not.toBe(second[0]!.buffer);
    first.forEach((copy) => arena.release(copy));
    const third = fill(arena, 10, 3);
    expect(arena.reused).toBe(1);
    expect(third.some((copy) => copy.buffer === first[0]!.buffer)).toBe(true);
    second.forEach((copy) => expect([...copy].every((x) => x === 2)).toBe(true));
    third.forEach((copy) => expect([...copy].every((x) => x === 3)).toBe(true));
  });

  it('keeps a chunk with one live copy out of reuse', () => {
    const arena = new ByteArena({ chunkBytes: 1024, recycle: true });
    const first = fill(arena, 5, 1);
    first.slice(1).forEach((copy) => arena.release(copy));
    fill(arena, 20, 4);
    expect(arena.reused).toBe(0);
    expect([...first[0]!].every((x) => x === 1)).toBe(true);
  });

  it('refuses a second release of the same copy, and ignores copies with their own buffer', () => {
    const arena = new ByteArena({ chunkBytes: 1024, recycle: true });
    const [a] = fill(arena, 1, 1);
    arena.release(a!);
    expect(() => arena.release(a!)).toThrow(/released twice/);
    expect(() => arena.release(arena.keep(Buffer.alloc(600, 9)))).not.toThrow();
  });

  it('does nothing on release without recycling', () => {
    const arena = new ByteArena({ chunkBytes: 1024 });
    const first = fill(arena, 5, 1);
    first.forEach((copy) => arena.release(copy));
    fill(arena, 10, 3);
    expect(arena.reused).toBe(0);
    expect([...first[0]!].every((x) => x === 1)).toBe(true);
  });
});

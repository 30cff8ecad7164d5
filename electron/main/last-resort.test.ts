import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import type { ProcessEvents } from './last-resort';
import { installLastResortHandlers } from './last-resort';

describe('installLastResortHandlers', () => {
  it('logs an unhandled rejection and an uncaught exception, once each, bounded, and returns normally', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    installLastResortHandlers(proc as unknown as ProcessEvents, (line) => lines.push(line));
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(() => proc.emit('unhandledRejection', new Error('header Via: value must not contain CR or LF'))).not.toThrow();
    expect(() => proc.emit('uncaughtException', new TypeError('x'.repeat(10_000)))).not.toThrow();
    proc.emit('unhandledRejection', 'plain reason');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Unhandled promise rejection \(kept running\): Error: header Via: value must not contain CR or LF\n\s+at /);
    expect(lines[1]).toMatch(/^Uncaught exception \(kept running\): TypeError: x+…$/);
    expect(lines[1]!.length).toBeLessThan(4100);
    expect(lines[2]).toBe('Unhandled promise rejection (kept running): plain reason');
  });
});

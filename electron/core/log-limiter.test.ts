import { describe, expect, it } from 'vitest';
import { FakeClock } from '../sip/clock';
import { LogLimiter, reasonOf, truncate } from './log-limiter';

function limiter(opts: { maxReasons?: number } = {}) {
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = new LogLimiter({ clock, write: (l) => lines.push(l), ...opts });
  return { clock, lines, log };
}

const bad = (n: number): string => `malformed SIP message dropped: from 10.0.0.${n}:5060: bare CR in a header line`;

describe('LogLimiter', () => {
  it('writes the first line of a reason, then one summary per 10 s with the count suppressed', () => {
    const { clock, lines, log } = limiter();
    for (let i = 0; i < 1000; i++) log.log(bad(i % 250));
    expect(lines).toEqual([bad(0)]);
    clock.advance(9_999);
    expect(lines).toHaveLength(1);
    clock.advance(1);
    expect(lines[1]).toMatch(/^malformed SIP message dropped: 999 more suppressed in the last 10 s; last: malformed/);
    for (let i = 0; i < 50; i++) log.log(bad(i));
    clock.advance(10_000);
    expect(lines[2]).toMatch(/: 50 more suppressed/);
    clock.advance(10_000);
    // A quiet window ends the suppression: the next line is written at once.
    expect(lines).toHaveLength(3);
    clock.advance(10_000);
    log.log(bad(7));
    expect(lines[3]).toBe(bad(7));
  });

  it('limits each reason on its own', () => {
    const { lines, log } = limiter();
    log.log(bad(1));
    log.log('NOTIFY for sip:101@pbx (dialog) ignored: not XML');
    log.log('NOTIFY for sip:101@pbx (dialog) ignored: not XML either');
    log.log('line 1: registered');
    expect(lines).toEqual([bad(1), 'NOTIFY for sip:101@pbx (dialog) ignored: not XML', 'line 1: registered']);
    expect(reasonOf('line 2: x: y')).toBe('line 2');
  });

  it('cuts every line to 200 bytes and escapes control characters', () => {
    const { lines, log } = limiter();
    log.log(`huge header: ${'ä'.repeat(5000)}`);
    log.log('forged\r\nline 1: registered\x1b[2J: x');
    expect(Buffer.byteLength(lines[0] as string)).toBeLessThanOrEqual(200);
    expect(lines[0]).toMatch(/ä…$/);
    expect(lines[1]).toBe('forged\\x0d\\x0aline 1: registered\\x1b[2J: x');
    expect(truncate('short', 200)).toBe('short');
  });

  it('bounds the reasons it tracks and flushes pending summaries', () => {
    const { lines, log } = limiter({ maxReasons: 2 });
    log.log('a: 1');
    log.log('b: 1');
    log.log('c: 1');
    log.log('d: 1');
    log.log('a: 2');
    expect(lines).toEqual(['a: 1', 'b: 1', 'c: 1']);
    log.flush();
    expect(lines.slice(3).sort()).toEqual(['(other): 1 more suppressed in the last 10 s; last: d: 1', 'a: 1 more suppressed in the last 10 s; last: a: 2']);
  });
});

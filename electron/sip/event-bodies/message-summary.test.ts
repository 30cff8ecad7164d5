import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseMessageSummary } from './message-summary';

const DIR = new URL('../../../test/fixtures/bodies/mwi/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, DIR));

describe('parseMessageSummary', () => {
  it('reads the RFC 3842 §5.2 example', () => {
    expect(parseMessageSummary(fixture('rfc3842-summary.txt'))).toEqual({
      ok: true,
      value: {
        type: 'message-summary',
        waiting: true,
        account: 'sip:alice@vmail.example.com',
        voice: { new: 2, old: 8, urgentNew: 0, urgentOld: 2 },
      },
      warnings: [],
    });
  });

  it('stops at the blank line before per-message headers', () => {
    const result = parseMessageSummary(fixture('rfc3842-with-headers.txt'));
    expect(result).toMatchObject({
      ok: true,
      value: { waiting: true, voice: { new: 4, old: 8, urgentNew: 1, urgentOld: 2 } },
    });
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('reads CRLF bodies as Asterisk sends them', () => {
    const result = parseMessageSummary(fixture('asterisk-crlf.txt'));
    expect(result).toMatchObject({
      ok: true,
      value: {
        waiting: true,
        account: 'sip:*97@pbx.example.com',
        voice: { new: 1, old: 0, urgentNew: 0, urgentOld: 0 },
      },
    });
  });

  it('is case-insensitive and takes counts without urgent figures', () => {
    expect(parseMessageSummary(fixture('lowercase-no.txt'))).toEqual({
      ok: true,
      value: { type: 'message-summary', waiting: false, voice: { new: 0, old: 3 } },
      warnings: [],
    });
  });

  it('ignores other message classes', () => {
    expect(parseMessageSummary(fixture('no-voice.txt'))).toEqual({
      ok: true,
      value: { type: 'message-summary', waiting: false },
      warnings: [],
    });
  });

  it('warns about a bad Voice-Message line but keeps the status', () => {
    const result = parseMessageSummary('Messages-Waiting: yes\nVoice-Message: lots\n');
    expect(result).toMatchObject({ ok: true, value: { waiting: true } });
    expect(result.ok && result.value.voice).toBeUndefined();
    expect(result.ok && result.warnings).toEqual(['message-summary: invalid Voice-Message "lots" ignored']);
  });

  it.each([
    ['garbage fixture', fixture('garbage.txt'), 'missing Messages-Waiting'],
    ['empty body', '', 'empty body'],
    ['invalid flag', 'Messages-Waiting: maybe\r\n', 'invalid Messages-Waiting "maybe"'],
    [
      'status only after the blank line',
      'Voice-Message: 1/2\n\nMessages-Waiting: yes\n',
      'missing Messages-Waiting',
    ],
  ])('refuses %s', (_label, body, reason) => {
    const result = parseMessageSummary(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(`message-summary: ${reason}`);
  });

  it('never throws on random bytes or truncated fixtures', () => {
    let seed = 987;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let round = 0; round < 2000; round++) {
      const bytes = Uint8Array.from({ length: next() % 200 }, () => next() & 0xff);
      const result = parseMessageSummary(bytes);
      expect(result.ok).toBe(false);
    }
    for (const name of readdirSync(DIR)) {
      const bytes = fixture(name);
      for (let cut = 0; cut < bytes.length; cut++) {
        const result = parseMessageSummary(bytes.subarray(0, cut));
        expect(typeof result.ok).toBe('boolean');
      }
    }
  });
});

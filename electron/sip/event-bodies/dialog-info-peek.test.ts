import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PEEK_WINDOW, peekDialogInfoState } from './dialog-info-peek';

const DIR = new URL('../../../test/fixtures/bodies/dialog-info/', import.meta.url);

/** The patterns the module documents, run on the decoded window: the reading the byte scanner must give. */
function byPatterns(body: Uint8Array | string): { version?: number; state?: 'full' | 'partial' } {
  const head = typeof body === 'string' ? body.slice(0, PEEK_WINDOW) : new TextDecoder().decode(body.subarray(0, PEEK_WINDOW));
  // The module reads ASCII white space only, as these patterns do with the Unicode spaces taken out.
  const attrs = /<(?:[A-Za-z_][\w.-]*:)?dialog-info(?=[ \t\n\r\v\f/>])([^>]*)/.exec(head)?.[1];
  if (attrs === undefined) return {};
  const out: { version?: number; state?: 'full' | 'partial' } = {};
  const version = /[ \t\n\r\v\f]version[ \t\n\r\v\f]*=[ \t\n\r\v\f]*(?:"[ \t\n\r\v\f]*(\d+)[ \t\n\r\v\f]*"|'[ \t\n\r\v\f]*(\d+)[ \t\n\r\v\f]*')/.exec(attrs);
  const digits = version?.[1] ?? version?.[2];
  if (digits !== undefined && Number.isSafeInteger(Number(digits))) out.version = Number(digits);
  const state = /[ \t\n\r\v\f]state[ \t\n\r\v\f]*=[ \t\n\r\v\f]*["'][ \t\n\r\v\f]*(full|partial)[ \t\n\r\v\f]*["']/i.exec(attrs)?.[1]?.toLowerCase();
  if (state === 'full' || state === 'partial') out.state = state;
  return out;
}

describe('peekDialogInfoState (bytes, no decoding)', () => {
  const fixtures = readdirSync(DIR).filter((n) => n.endsWith('.xml')).map((n) => readFileSync(new URL(n, DIR)));

  it('reads what the documented patterns read, on every fixture, as bytes and as text', () => {
    for (const bytes of fixtures) {
      expect(peekDialogInfoState(bytes)).toEqual(byPatterns(bytes));
      expect(peekDialogInfoState(new TextDecoder().decode(bytes))).toEqual(byPatterns(bytes));
    }
  });

  it('reads prefixes, either quote, spaces around "=" and the value, any case of state, and leading zeros', () => {
    expect(peekDialogInfoState(Buffer.from(`<d:dialog-info xmlns:d="x" STATE = ' Partial ' version= " 007 ">`))).toEqual({ version: 7, state: 'partial' });
    expect(peekDialogInfoState(Buffer.from(`<dialog-info version='3'/>`))).toEqual({ version: 3 });
    expect(peekDialogInfoState(Buffer.from(`<dialog-infox version="3">`))).toEqual({});
    expect(peekDialogInfoState(Buffer.from(`<dialog-info version="3'>`))).toEqual({});
    expect(peekDialogInfoState(Buffer.from(`<dialog-info version="99999999999999999">`))).toEqual({});
    expect(peekDialogInfoState(Buffer.from(`<dialog-info xversion="3" version="4" state="fully" state="full">`))).toEqual({ version: 4, state: 'full' });
    expect(peekDialogInfoState(Buffer.from(`<!-- <dialog-info version="1"> --><dialog-info version="2">`))).toEqual({ version: 1 });
    expect(peekDialogInfoState(Buffer.from(`${' '.repeat(PEEK_WINDOW - 20)}<dialog-info version="5" state="full">`))).toEqual({});
  });

  it('agrees with the patterns on random and mutated bodies, and never throws', () => {
    let seed = 4242;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const alphabet = `<>/="' \t\n:!?-_.xdialog-infoDIALOGversionVERSIONstateSTATEfullpartialFULL0123456789`;
    const pick = (n: number): string => Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('');
    for (let round = 0; round < 3000; round++) {
      const base = fixtures[next() % fixtures.length]!.toString('latin1');
      const at = next() % Math.min(base.length + 1, 400);
      const text = [
        pick(next() % 200),
        `<dialog-info${pick(next() % 60)}>`,
        base.slice(0, at) + pick(next() % 10) + base.slice(at + (next() % 10)),
      ][round % 3]!;
      const bytes = Buffer.from(text, 'latin1');
      expect(peekDialogInfoState(bytes), JSON.stringify(text.slice(0, 200))).toEqual(byPatterns(bytes));
    }
  });
});

import { describe, it, expect } from 'vitest';
import { parseMultipart } from '@mjackson/multipart-parser';
import { loadNotify } from './testing/body-fixtures';
import { parseMediaType } from './media-type';
import { splitMultipart } from './multipart';

describe('splitMultipart', () => {
  it('agrees with @mjackson/multipart-parser on a well-formed CRLF body', () => {
    const { contentType, body } = loadNotify('rlmi/rfc4662-full.txt');
    const boundary = parseMediaType(contentType).params['boundary'] ?? '';
    const ours = splitMultipart(body, boundary);
    if (!ours.ok) throw new Error(ours.reason);
    const theirs = [...parseMultipart(new TextEncoder().encode(body), { boundary })];
    expect(ours.parts.map((p) => p.body)).toEqual(theirs.map((p) => p.text));
    // Compared by essence: the library does not unfold the folded Content-Type of the nested list part.
    const essence = (v: string | null | undefined): string => parseMediaType(v ?? '').essence;
    expect(ours.parts.map((p) => essence(p.contentType))).toEqual(
      theirs.map((p) => essence(p.headers.get('content-type'))),
    );
    expect(ours.parts[3]?.contentType).toContain('boundary="Rb5vYkF2L5NIwn1klk8N"');
    expect(ours.parts.map((p) => p.contentId)).toEqual(
      theirs.map((p) => p.headers.get('content-id')?.slice(1, -1)),
    );
    expect(ours.warnings).toEqual([]);
  });

  it('tolerates a preamble, transport padding, bare LF, an epilogue, and folded headers', () => {
    const body =
      'This is a preamble.\n--xyz  \t\nContent-Type: application/pidf+xml;\n  charset=UTF-8\nContent-ID:<a@b>\n\nfirst\nline\n' +
      '--xyz\n\nno headers here\n--xyz--\nepilogue --xyz\n';
    const result = splitMultipart(body, 'xyz');
    expect(result).toEqual({
      ok: true,
      warnings: [],
      parts: [
        {
          headers: { 'content-type': 'application/pidf+xml; charset=UTF-8', 'content-id': '<a@b>' },
          contentType: 'application/pidf+xml; charset=UTF-8',
          contentId: 'a@b',
          body: 'first\nline',
        },
        { headers: {}, contentType: 'text/plain', body: 'no headers here' },
      ],
    });
  });

  it('does not take a longer boundary or a mid-line occurrence for the delimiter', () => {
    const result = splitMultipart('--ab\r\n\r\nx --ab y\r\n--abc\r\n--ab--', 'ab');
    expect(result.ok && result.parts.map((p) => p.body)).toEqual(['x --ab y\r\n--abc']);
  });

  it('keeps parts of a body without close delimiter, with a warning', () => {
    const result = splitMultipart(
      '--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: text/plain\r\n\r\ntwo (cut',
      'b',
    );
    expect(result.ok && result.parts.map((p) => p.body)).toEqual(['one', 'two (cut']);
    expect(result.ok && result.warnings).toEqual([
      'multipart: no close delimiter, last part may be truncated',
    ]);
  });

  it('treats a part that starts with content as headerless', () => {
    const result = splitMultipart('--b\r\n<?xml version="1.0"?>\r\n<presence/>\r\n--b--', 'b');
    expect(result).toMatchObject({
      ok: true,
      parts: [{ contentType: 'text/plain', body: '<?xml version="1.0"?>\r\n<presence/>' }],
    });
    expect(result.ok && result.warnings).toEqual(['part 1 has no header block']);
  });

  it.each([
    ['', 'empty boundary'],
    ['x'.repeat(71), 'longer than 70'],
    ['missing', 'not found'],
  ])('refuses boundary %j', (boundary, reason) => {
    const result = splitMultipart('--b\r\n\r\nx\r\n--b--', boundary);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('parseMediaType', () => {
  it('lower-cases the essence and names, unquotes values with escapes, skips empty params, first wins', () => {
    expect(
      parseMediaType(
        ' Multipart/Related ;; TYPE="application/rlmi+xml" ;boundary="a\\"b;c"; boundary=second; start=<x@y>',
      ),
    ).toEqual({
      essence: 'multipart/related',
      params: { type: 'application/rlmi+xml', boundary: 'a"b;c', start: '<x@y>' },
    });
  });

  it('survives garbage', () => {
    expect(parseMediaType(';=;"')).toEqual({ essence: '', params: {} });
    expect(parseMediaType('text/plain; novalue; x="unterminated')).toEqual({
      essence: 'text/plain',
      params: { x: 'unterminated' },
    });
  });
});

/**
 * Test helper: event bodies live under `test/fixtures/bodies/<kind>/` with LF line ends. A `.txt` list fixture
 * is its Content-Type header (possibly folded), a blank line, then the body; bodies are converted to CRLF
 * (RFC 2046 §5.1.1) unless `lf` is asked for.
 */
import { readFileSync } from 'node:fs';

const DIR = new URL('../../../../test/fixtures/bodies/', import.meta.url);

/** Raw fixture text, `kind/name`. */
export function loadBody(path: string): string {
  return readFileSync(new URL(path, DIR), 'utf8');
}

/** A list fixture split into its Content-Type and body. */
export function loadNotify(
  path: string,
  lineEnd: 'crlf' | 'lf' = 'crlf',
): { contentType: string; body: string } {
  const text = loadBody(path);
  const split = text.indexOf('\n\n');
  const contentType = text
    .slice(0, split)
    .replace(/\n[ \t]+/g, ' ')
    .replace(/^Content-Type:\s*/i, '')
    .trim();
  const body = text.slice(split + 2);
  return { contentType, body: lineEnd === 'crlf' ? body.replace(/\r?\n/g, '\r\n') : body };
}

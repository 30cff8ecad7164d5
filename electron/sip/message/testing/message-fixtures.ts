/**
 * Test helper shared by every layer's tests: raw SIP messages live as LF-terminated text under
 * `test/fixtures/sip/`, and SIP needs CRLF (RFC 3261 §7), so lines are converted on load.
 */
import { readFileSync } from 'node:fs';

const FIXTURE_DIR = new URL('../../../../test/fixtures/sip/', import.meta.url);

/** Reads `test/fixtures/sip/<name>` with every line ending normalised to CRLF. */
export function loadSipFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8').replace(/\r?\n/g, '\r\n');
}

/**
 * Issue 7, defect 2, end to end: serve started on a hand-edited settings file whose line 2 has a CR/LF display name.
 * Before, the first PUBLISH on that line threw inside a `void`ed send and the process exited, on every start. Now the
 * line is disabled at load, the problem (naming the field) is printed, and the process stays up.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../shared/settings';
import { startServe, type ServeHandle } from '../support/serve';

const dataDir = mkdtempSync(join(tmpdir(), 'ac-injection-'));
/** A UDP "PBX" that swallows everything: the lines have somewhere to send, nothing answers. */
let pbx: Socket;
let serve: ServeHandle | undefined;

beforeAll(async () => {
  pbx = createSocket('udp4');
  await new Promise<void>((resolve) => pbx.bind(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await serve?.stop();
  pbx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('serve with a settings file that would inject a header', () => {
  it('stays up with the bad line disabled and says which field to fix', async () => {
    const line = (n: number, displayName: string): LineConfig => ({
      id: `line-${n}`,
      enabled: true,
      displayName,
      user: `10${n}`,
      password: 'secret',
      domain: 'pbx.test',
      registrar: `127.0.0.1:${pbx.address().port}`,
      transport: 'udp',
      expires: 600,
    });
    const settings: Settings = {
      ...structuredClone(DEFAULT_SETTINGS),
      lines: [line(1, 'Front desk'), line(2, 'Back office\r\nVia: SIP/2.0/UDP evil')],
      tiles: [{ id: 't1', name: 'Anna', uri: '201', line: 2, watch: ['dialog', 'presence'], action: { kind: 'none' } }],
    };
    const text = JSON.stringify(settings, null, 2);
    writeFileSync(join(dataDir, 'settings.json'), text, { mode: 0o600 });

    serve = await startServe(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(process.kill(serve.pid, 0)).toBe(true);
    expect(serve.stderr()).toMatch(/line 2 disabled until fixed in Settings: Line 2: display name must not contain control characters .*\(field lines\.1\.displayName\)/);
    expect(serve.stderr()).not.toMatch(/unhandled|uncaught/i);
    // The user's file is left as it was: they fix the line in Settings and save.
    expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).toBe(text);
    expect(await serve.stop()).toBe(0);
    serve = undefined;
  });
});

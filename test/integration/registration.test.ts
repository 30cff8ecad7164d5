/**
 * Lines against a real Kamailio 5.6 (issue 2): UDP, TCP and TLS registered at once with digest auth, a wrong password,
 * recovery after the PBX restarts, and un-REGISTER on shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineManager } from '../../electron/core/lines/line-manager';
import { TraceLog } from '../../electron/core/trace-log';
import { SystemClock } from '../../electron/sip/clock';
import { DEFAULT_SETTINGS, type LineConfig, type Settings } from '../../shared/settings';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let manager: LineManager;
let trace: TraceLog;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-reg-'));

function line(id: string, user: string, password: string, transport: LineConfig['transport'], port: number): LineConfig {
  return {
    id,
    enabled: true,
    displayName: `Line ${id}`,
    user,
    password,
    domain: kam.domain,
    registrar: `127.0.0.1:${port}`,
    transport,
    expires: 60,
    ...(transport === 'tls' ? { tls: { fingerprint256: kam.certFingerprint256 } } : {}),
  };
}

beforeAll(async () => {
  // max_expires 10 makes the registrar grant 10 s, so even the UDP line (which has no connection to lose) refreshes
  // every 5 s and notices a restarted PBX within the test's window.
  kam = await startKamailio({
    users: [
      { user: '101', password: 'pw101' },
      { user: '102', password: 'pw102' },
      { user: '103', password: 'pw103' },
      { user: '104', password: 'pw104' },
    ],
    minExpires: 5,
    maxExpires: 10,
  });
  const clock = new SystemClock();
  trace = new TraceLog({ clock, bufferSize: 5000 });
  manager = new LineManager({ clock, dataDir, trace });
});

afterAll(async () => {
  await manager?.shutdown().catch(() => undefined);
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('lines against Kamailio', () => {
  it('registers three lines at once over UDP, TCP and TLS; a wrong password ends as failed with the server status', async () => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 50, t2Ms: 400, t4Ms: 500, retryBaseSeconds: 1, retryMaxSeconds: 2 },
      lines: [
        line('a', '101', 'pw101', 'udp', kam.udpPort),
        line('b', '102', 'pw102', 'tcp', kam.tcpPort),
        line('c', '103', 'pw103', 'tls', kam.tlsPort),
        line('d', '104', 'not-the-password', 'udp', kam.udpPort),
      ],
    };
    manager.apply(settings);
    await waitFor('three lines registered', () => manager.states().slice(0, 3).every((s) => s.status === 'registered'));
    const states = manager.states();
    expect(states.map((s) => s.transport)).toEqual(['udp', 'tcp', 'tls', 'udp']);
    expect(states[2]!.server).toBe(`tls:127.0.0.1:${kam.tlsPort}`);

    const failed = await waitFor('line 4 failed', () => {
      const s = manager.states()[3]!;
      return s.status === 'failed' ? s : undefined;
    });
    expect(failed!.sipStatus).toBe(401);
    expect(failed!.nextRetryAt).toBeGreaterThan(Date.now());

    const contacts = await kam.ulDump();
    const aors = contacts.map((c) => c.aor).sort();
    expect(aors).toEqual(['101@test.local', '102@test.local', '103@test.local']);
    expect(contacts.find((c) => c.aor === '102@test.local')!.contact).toMatch(/transport=tcp/);
    expect(contacts.find((c) => c.aor === '103@test.local')!.contact).toMatch(/transport=tls/);

    const traced = trace.list({ method: 'REGISTER' });
    expect(traced.length).toBeGreaterThan(6);
    for (const entry of traced) expect(entry.text).not.toMatch(/response="[0-9a-f]{32}"/);
  });

  it('registers every line again by itself after Kamailio is stopped for 5 s', async () => {
    const before = kam.pid;
    await kam.restart({ downMs: 5000 });
    expect(kam.pid).not.toBe(before);
    // Kamailio keeps bindings in memory only: contacts reappearing proves each line registered again.
    await waitFor(
      'three contacts back in ul.dump',
      async () => (await kam.ulDump()).length === 3,
      30_000,
      250,
    );
    await waitFor('three lines registered', () => manager.states().slice(0, 3).every((s) => s.status === 'registered'), 10_000);
  });

  it('leaves no contact in ul.dump after shutdown (un-REGISTER)', async () => {
    await manager.shutdown();
    expect(await kam.ulDump()).toEqual([]);
    expect(manager.states().every((s) => s.status === 'unregistered' || s.status === 'failed')).toBe(true);
  });
});

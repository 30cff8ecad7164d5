import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { runSipp, sippScenario } from '../support/sipp';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function registerAlice(pbx: KamailioHandle, password: string, expires = 300): ReturnType<typeof runSipp> {
  return runSipp([
    `127.0.0.1:${pbx.udpPort}`,
    '-sf',
    sippScenario('register-auth.xml'),
    '-s',
    'alice',
    '-au',
    'alice',
    '-ap',
    password,
    '-key',
    'domain',
    pbx.domain,
    '-key',
    'expires',
    String(expires),
    '-m',
    '1',
    '-timeout',
    '10',
  ]);
}

/** TLS handshake against the PBX, trusting only its own certificate; resolves with the peer's fingerprint. */
function tlsHandshake(pbx: KamailioHandle): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: pbx.tlsPort, ca: pbx.caPem, servername: 'localhost' },
      () => {
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fingerprint);
      },
    );
    socket.once('error', reject);
  });
}

describe('Kamailio test harness', () => {
  let pbx: KamailioHandle;

  beforeAll(async () => {
    pbx = await startKamailio({ users: [{ user: 'alice', password: 's3cret' }] });
  });

  afterAll(async () => {
    await pbx?.stop();
  });

  it('listens on 127.0.0.1 with distinct per-run ports', () => {
    expect(pbx.host).toBe('127.0.0.1');
    expect(pbx.domain).toBe('test.local');
    expect(pbx.tcpPort).toBe(pbx.udpPort);
    expect(pbx.tlsPort).not.toBe(pbx.udpPort);
    expect(pbx.udpPort).toBeGreaterThan(1024);
  });

  it('refuses a REGISTER with the wrong password and stores nothing', async () => {
    const result = await registerAlice(pbx, 'wrong');
    expect(result.code).not.toBe(0);
    expect(await pbx.ulDump()).toEqual([]);
  });

  it('registers a sipp UA with digest auth over UDP, visible in ul.dump', async () => {
    const result = await registerAlice(pbx, 's3cret');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const contacts = await pbx.ulDump();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.aor).toBe('alice@test.local');
    expect(contacts[0]?.contact).toMatch(/^sip:alice@127\.0\.0\.1:\d+/);
    expect(contacts[0]?.expires).toBeGreaterThan(290);
    expect(contacts[0]?.expires).toBeLessThanOrEqual(300);
  });

  it('completes a TLS handshake with the generated certificate as CA', async () => {
    const fingerprint = await tlsHandshake(pbx);
    expect(fingerprint).toBe(pbx.certFingerprint256);
  });

  it('restarts on the same ports after being down, with the same users', async () => {
    const { udpPort, tlsPort, pid: oldPid } = pbx;
    await pbx.restart({ downMs: 500 });
    expect(pidAlive(oldPid)).toBe(false);
    expect(pbx.pid).not.toBe(oldPid);
    expect(pbx.udpPort).toBe(udpPort);
    expect(pbx.tlsPort).toBe(tlsPort);
    // usrloc is in memory: the restart forgets registrations, but the subscriber table survives.
    expect(await pbx.ulDump()).toEqual([]);
    const result = await registerAlice(pbx, 's3cret');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((await pbx.ulDump()).map((c) => c.aor)).toEqual(['alice@test.local']);
    expect(await tlsHandshake(pbx)).toBe(pbx.certFingerprint256);
  });

  it('stop leaves no Kamailio process behind', async () => {
    const pid = pbx.pid;
    expect(pidAlive(pid)).toBe(true);
    await pbx.stop();
    expect(pidAlive(pid)).toBe(false);
    // The main process led its own process group; no worker may survive it.
    expect(() => process.kill(-pid, 0)).toThrow();
    expect(pbx.logs()).toContain('kamailio');
  });
});

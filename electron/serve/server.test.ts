import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakeCalls, FakeHistory } from '../core/calls/testing/fake-calls';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ConsoleService } from '../core/console-service';
import { AudioHub } from '../core/audio/audio-hub';
import type { CallAudioPort } from '../core/calls/call-media';
import { decodeMediaFrame, encodeMediaFrame, MEDIA_FRAME_SAMPLES } from '../../shared/media-channel';
import { FakeLines } from '../core/lines/testing/fake-lines';
import { FakeTiles } from '../core/blf/testing/fake-tiles';
import { FakePresence } from '../core/presence/testing/fake-presence';
import { plainCipher, SettingsStore } from '../core/settings-store';
import { TRACE_BATCH_MS, TraceLog } from '../core/trace-log';
import { FakeClock } from '../sip/clock';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { RunningServer } from './server';
import { MAX_CONNECTIONS, MAX_FRAME_BYTES, MAX_WIRE_FRAME_BYTES, startServer } from './server';
import { parseCli } from './cli';

let dir: string;
let clock: FakeClock;
let lines: FakeLines;
let trace: TraceLog;
let server: RunningServer;
const open: WebSocket[] = [];
/** The call the audio hub routes to; tests set it. */
let activeCall: CallAudioPort | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(
    join(staticDir, 'index.html'),
    '<!doctype html><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  clock = new FakeClock();
  lines = new FakeLines();
  trace = new TraceLog({ clock });
  const store = new SettingsStore({ dataDir: join(dir, 'data'), cipher: plainCipher });
  const service = new ConsoleService({ store, lines, tiles: new FakeTiles(), presence: new FakePresence(), calls: new FakeCalls(), history: new FakeHistory(), audio: new AudioHub({ activeAudio: () => activeCall }), trace, mode: 'serve', version: '1.2.3', clock });
  await service.start();
  activeCall = undefined;
  server = await startServer({ port: 0, staticDir, service });
});

afterEach(async () => {
  open.splice(0).forEach((ws) => ws.terminate());
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with the socket and a queue of parsed frames, or with the HTTP status it was refused with. */
function connect(
  query: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: Frames } | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    open.push(ws);
    const frames = new Frames(ws);
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

class Frames {
  private readonly queue: Record<string, unknown>[] = [];
  private waiter: (() => void) | undefined;
  constructor(ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.queue.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.waiter?.();
    });
  }
  async next(match: (f: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    for (;;) {
      const i = this.queue.findIndex(match);
      if (i >= 0) return this.queue.splice(i, 1)[0]!;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
}

async function authed(): Promise<{ ws: WebSocket; frames: Frames }> {
  const c = await connect(`?token=${server.token}`);
  if (typeof c === 'number') throw new Error(`refused with ${c}`);
  return c;
}

describe('serve server media channel (binary frames)', () => {
  it('answers a capture frame with a playout frame of the active call, and drops binary garbage silently', async () => {
    const captured: Int16Array[] = [];
    activeCall = {
      muted: false,
      pushCapture: (samples) => void captured.push(samples),
      pullPlayout: () => new Int16Array(MEDIA_FRAME_SAMPLES).fill(-3),
      deviceIdle: () => undefined,
    };
    const { ws, frames } = await authed();
    const binary: Buffer[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) binary.push(data as Buffer);
    });
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(encodeMediaFrame({ kind: 'capture', sequence: 0, samples: new Int16Array(MEDIA_FRAME_SAMPLES).fill(9) }));
    for (let i = 0; i < 50 && binary.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(binary).toHaveLength(1);
    const frame = decodeMediaFrame(binary[0]);
    expect(frame.ok && frame.value.kind).toBe('playout');
    expect(frame.ok && frame.value.kind === 'playout' && frame.value.samples[0]).toBe(-3);
    expect(captured.map((s) => s[0])).toEqual([9]);
    // The JSON contract on the same socket is untouched.
    ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'blf.stats' }));
    expect(await frames.next((f) => f.id === 1)).toMatchObject({ type: 'result', result: { ok: true } });
  });
});

describe('serve server', () => {
  it('prints a loopback URL with a 32-character base64url token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get(`/?token=${server.token}x`)).status).toBe(401);
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<!doctype html>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('serves static assets with CSP and refuses traversal and foreign Host headers', async () => {
    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log(1);');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/..%2fsecret.txt')).status).toBe(404);
    expect((await get('/assets/../../secret.txt')).status).toBe(404);
    expect((await get(`/?token=${server.token}`, { Host: 'evil.example:80' })).status).toBe(403);
  });

  it('refuses a WebSocket without the right token (401) or from a foreign Origin (403)', async () => {
    expect(await connect('')).toBe(401);
    expect(await connect('?token=nope')).toBe(401);
    expect(await connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
    const ok = await connect(`?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` });
    expect(typeof ok).toBe('object');
  });

  it('answers snapshot over the WebSocket', async () => {
    const { ws, frames } = await authed();
    ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'snapshot', args: null }));
    expect(await frames.next((f) => f.type === 'result')).toEqual({
      type: 'result',
      id: 1,
      result: {
        ok: true,
        value: {
          app: { version: '1.2.3', mode: 'serve' },
          settings: { ...DEFAULT_SETTINGS, lines: [] },
          lines: [],
          tiles: [],
          blf: new FakeTiles().stats(),
          presence: new FakePresence().snapshot(),
          calls: [],
          history: new FakeHistory().summary(),
        },
      },
    });
  });

  it('returns invalid-argument for bad args and unknown commands, keeping the socket open', async () => {
    const { ws, frames } = await authed();
    ws.send(JSON.stringify({ type: 'invoke', id: 'a', command: 'lines.reregister', args: { line: 0 } }));
    expect(await frames.next((f) => f.id === 'a')).toMatchObject({
      type: 'result',
      result: { ok: false, error: { code: 'invalid-argument', field: 'line' } },
    });
    ws.send(JSON.stringify({ type: 'invoke', id: 2, command: 'rm -rf', args: null }));
    expect(await frames.next((f) => f.id === 2)).toMatchObject({
      result: { ok: false, error: { code: 'invalid-argument' } },
    });
    ws.send('{not json');
    expect(await frames.next((f) => f.type === 'error')).toEqual({
      type: 'error',
      message: 'Frame is not valid JSON',
    });
    ws.send(JSON.stringify({ type: 'call', id: 3 }));
    expect(await frames.next((f) => f.type === 'error')).toMatchObject({ id: 3 });
    ws.send(JSON.stringify({ type: 'invoke', id: 4, command: 'trace.clear' }));
    expect(await frames.next((f) => f.id === 4)).toEqual({ type: 'result', id: 4, result: { ok: true } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('pushes events: settings.changed and lines.changed after a save, trace.appended in batches', async () => {
    const { ws, frames } = await authed();
    const line = {
      id: 'a',
      enabled: true,
      displayName: 'Desk',
      user: '101',
      domain: 'pbx.test',
      transport: 'udp',
      expires: 600,
    };
    ws.send(
      JSON.stringify({
        type: 'invoke',
        id: 1,
        command: 'settings.save',
        args: { ...DEFAULT_SETTINGS, lines: [line] },
      }),
    );
    expect(await frames.next((f) => f.id === 1)).toMatchObject({ result: { ok: true } });
    expect(await frames.next((f) => f.event === 'settings.changed')).toMatchObject({
      type: 'event',
      payload: { lines: [{ id: 'a', hasPassword: false }] },
    });
    expect(await frames.next((f) => f.event === 'lines.changed')).toMatchObject({
      payload: [{ id: 'a', status: 'registering' }],
    });
    lines.setStatus(1, 'registered');
    expect(await frames.next((f) => f.event === 'lines.changed')).toMatchObject({
      payload: [{ status: 'registered' }],
    });
    trace.addMessage({
      direction: 'out',
      transport: 'udp',
      local: 'a',
      remote: 'b',
      text: 'OPTIONS sip:x SIP/2.0\r\n\r\n',
    });
    clock.advance(TRACE_BATCH_MS);
    expect(await frames.next((f) => f.event === 'trace.appended')).toMatchObject({
      payload: [{ method: 'OPTIONS' }],
    });
  });
});

describe('serve server bounds (issue 7, defect 5)', () => {
  it('answers a frame over 1 MiB with a too-large error frame naming the call, and keeps the socket open', async () => {
    const { ws, frames } = await authed();
    const xml = 'x'.repeat(MAX_FRAME_BYTES);
    ws.send(JSON.stringify({ type: 'invoke', id: 7, command: 'tiles.importXml', args: { xml } }));
    expect(await frames.next((f) => f.type === 'error')).toEqual({
      type: 'error',
      id: 7,
      code: 'too-large',
      message: `Frame is ${MAX_FRAME_BYTES + 70} bytes; frames are limited to ${MAX_FRAME_BYTES} bytes (1 MiB)`,
    });
    ws.send(JSON.stringify({ args: { xml }, id: 8 }));
    expect(await frames.next((f) => f.type === 'error')).not.toHaveProperty('id');
    ws.send(JSON.stringify({ type: 'invoke', id: 9, command: 'blf.stats' }));
    expect(await frames.next((f) => f.id === 9)).toMatchObject({ type: 'result', result: { ok: true } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 1009 only beyond the wire limit', async () => {
    const { ws } = await authed();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_WIRE_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
  });

  it(`accepts ${MAX_CONNECTIONS} clients and turns the next away with 1013 and a reason until one leaves`, async () => {
    const clients = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => authed()));
    const extra = await authed();
    const refusal = await new Promise<[number, string]>((resolve) =>
      extra.ws.on('close', (code, reason) => resolve([code, String(reason)])),
    );
    expect(refusal).toEqual([1013, `Too many connections: at most ${MAX_CONNECTIONS} clients at a time`]);
    const left = new Promise((resolve) => clients[0]!.ws.on('close', resolve));
    clients[0]!.ws.close();
    await left;
    // The server may see the leave a moment after the client does: retry until the freed place is given out.
    let answer: unknown;
    for (let attempt = 0; attempt < 20 && answer === undefined; attempt++) {
      const { ws, frames } = await authed();
      ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'blf.stats' }));
      answer = await Promise.race([
        frames.next((f) => f.id === 1),
        new Promise<undefined>((resolve) => ws.on('close', () => resolve(undefined))),
      ]);
    }
    expect(answer).toMatchObject({ result: { ok: true } });
    expect(clients.every((c) => c.ws.readyState === WebSocket.OPEN || c === clients[0])).toBe(true);
  });
});

describe('serve command line', () => {
  it('requires --data-dir and accepts only loopback hosts', () => {
    expect(parseCli([])).toMatch(/--data-dir is required/);
    expect(parseCli(['--data-dir', '/tmp/x', '--host', '0.0.0.0'])).toMatch(/Refusing --host 0\.0\.0\.0/);
    expect(parseCli(['--data-dir', '/tmp/x', '--port', 'abc'])).toMatch(/--port/);
    expect(parseCli(['--data-dir', '/tmp/x', '--bogus'])).toMatch(/Usage/);
    expect(parseCli(['--data-dir', '/tmp/x', '--port', '8080', '--host', '::1'])).toEqual({
      dataDir: '/tmp/x',
      port: 8080,
      host: '::1',
    });
  });
});

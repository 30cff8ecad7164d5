/**
 * The engine under fuzz: `serve` as a child process (its own PID, its own memory) with two lines (UDP and TCP) and
 * BLF tiles and a tile list, all held at a {@link FuzzPbx}; plus what the fuzz test checks it with: its RSS from
 * /proc, a WebSocket call, and the corpus of inputs that ever brought it down.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { startFuzzPbx, type FuzzPbx } from './fuzz-pbx';
import { startServe, type ServeHandle } from './serve';
import { waitFor } from './wait';

/** Inputs that once crashed the engine, replayed by every run (raw bytes, one message per file). */
export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/fuzz-corpus', import.meta.url));

export interface FuzzRig {
  pbx: FuzzPbx;
  serve: ServeHandle;
  /** Whether the child process still exists. */
  alive(): boolean;
  /** Resident set size of the child in bytes (VmRSS). */
  rss(): number;
  /** Calls `snapshot` over the serve WebSocket; true when it answered ok. */
  wsAnswers(): Promise<boolean>;
  close(): Promise<void>;
}

function settings(pbxPort: number): Settings {
  const line = { enabled: true, password: 'pw', domain: '127.0.0.1', registrar: `127.0.0.1:${pbxPort}`, expires: 3600 };
  return {
    ...DEFAULT_SETTINGS,
    lines: [
      { ...line, id: 'udp', displayName: 'Fuzz UDP', user: '100', transport: 'udp' },
      { ...line, id: 'tcp', displayName: 'Fuzz TCP', user: '200', transport: 'tcp' },
    ],
    tiles: [
      { id: 't101', name: 'Anna', uri: '101', watch: ['dialog', 'presence'], action: { kind: 'call', uri: '101' } },
      { id: 't102', name: 'Ben', uri: '102', line: 2, watch: ['dialog'], action: { kind: 'call', uri: '102' } },
    ],
    tileLists: [{ id: 'list', name: 'Sales', uri: 'sip:sales-list@127.0.0.1', event: 'dialog' }],
  };
}

/** Starts the PBX and serve, and waits until both lines registered and the subscriptions are up. */
export async function startFuzzRig(): Promise<FuzzRig> {
  const pbx = await startFuzzPbx();
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-fuzz-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings(pbx.port)), { mode: 0o600 });
  const serve = await startServe(dataDir);
  await waitFor('both lines registered', () => pbx.registered.size === 2 && pbx.consoleTcp !== undefined, 20_000);
  await waitFor('BLF subscriptions on both lines', () => pbx.dialogs.some((d) => d.list) && pbx.dialogs.some((d) => d.transport === 'tcp'), 20_000);
  const ws = new URL(serve.url);
  const wsUrl = `ws://${ws.host}/api?token=${ws.searchParams.get('token') ?? ''}`;
  let calls = 0;
  return {
    pbx,
    serve,
    alive() {
      try {
        process.kill(serve.pid, 0);
        return true;
      } catch {
        return false;
      }
    },
    rss() {
      const status = readFileSync(`/proc/${serve.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
    },
    wsAnswers() {
      return new Promise((resolve) => {
        const socket = new WebSocket(wsUrl);
        const id = ++calls;
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          socket.terminate();
          resolve(ok);
        };
        const timer = setTimeout(() => done(false), 5000);
        socket.on('open', () => socket.send(JSON.stringify({ type: 'invoke', id, command: 'snapshot', args: null })));
        socket.on('message', (data: Buffer) => {
          const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: { ok: boolean } };
          if (frame.type === 'result' && frame.id === id) done(frame.result?.ok === true);
        });
        socket.on('error', () => done(false));
      });
    },
    async close() {
      await serve.stop().catch(() => undefined);
      await pbx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every corpus file, by name. */
export function readCorpus(): Array<{ name: string; data: Buffer }> {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.sip'))
    .sort()
    .map((name) => ({ name, data: readFileSync(join(CORPUS_DIR, name)) }));
}

/** Keeps inputs sent just before the engine died, so the next run replays them (and a person can read them). */
export function saveToCorpus(label: string, inputs: Array<{ transport: string; data: Buffer }>): string[] {
  mkdirSync(CORPUS_DIR, { recursive: true });
  return inputs.map(({ transport, data }, i) => {
    const name = `${label}-${String(i).padStart(3, '0')}-${transport}.sip`;
    writeFileSync(join(CORPUS_DIR, name), data);
    return name;
  });
}

import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** Outcome of a finished child process. `code` is null when it ended by a signal (e.g. our timeout kill). */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Options for {@link runProcess}. */
export interface RunProcessOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  cwd?: string;
  /** Kill the child (SIGKILL, by its PID) after this many ms; default 30 s. */
  timeoutMs?: number;
}

/**
 * Runs a command to completion, capturing its output. On timeout the child is killed by its own PID, never by name,
 * so that parallel runs of the same tool are left alone.
 */
export function runProcess(
  command: string,
  args: string[],
  opts: RunProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    if (opts.input !== undefined && child.stdin) child.stdin.end(opts.input);
  });
}

function listenTcp(port: number): Promise<{ port: number; close: () => Promise<void> } | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      resolve({ port: bound, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

function bindUdp(port: number): Promise<{ port: number; close: () => Promise<void> } | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, '127.0.0.1', () => {
      resolve({
        port: socket.address().port,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

/**
 * A port on 127.0.0.1 that is free for both UDP and TCP at the time of the call (SIP servers listen on both with
 * one number, RFC 3261 §18). The OS picks it, so parallel or stale runs do not collide.
 */
export async function freeUdpTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tcp = await listenTcp(0);
    if (!tcp) continue;
    const udp = await bindUdp(tcp.port);
    await tcp.close();
    if (udp) {
      await udp.close();
      return tcp.port;
    }
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1');
}

/** A TCP port on 127.0.0.1 chosen by the OS, different from every port in `exclude`. */
export async function freeTcpPort(exclude: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tcp = await listenTcp(0);
    if (!tcp) continue;
    await tcp.close();
    if (!exclude.includes(tcp.port)) return tcp.port;
  }
  throw new Error('no free TCP port on 127.0.0.1');
}

/** A UDP port on 127.0.0.1 chosen by the OS, different from every port in `exclude`. */
export async function freeUdpPort(exclude: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const udp = await bindUdp(0);
    if (!udp) continue;
    await udp.close();
    if (!exclude.includes(udp.port)) return udp.port;
  }
  throw new Error('no free UDP port on 127.0.0.1');
}

/**
 * Starts `serve` (electron/serve/index.ts) as a child process on 127.0.0.1 with its own data dir, the way a user or
 * an automation script does, and stops it by PID (SIGTERM, so it un-REGISTERs first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServeHandle {
  readonly pid: number;
  /** `http://127.0.0.1:PORT/?token=…` as printed by serve. */
  readonly url: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startServe(dataDir: string, timeoutMs = 30_000): Promise<ServeHandle> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'electron/serve/index.ts', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`));
    });
  });
  return {
    pid: child.pid!,
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      process.kill(child.pid!, 'SIGTERM');
      const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 8000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

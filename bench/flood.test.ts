import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nextReport, peerExit, peerExited } from './flood';

/** A peer that ends by a signal, as one does when V8 aborts: `exitCode` stays null. */
function peerKilledBySignal() {
  return fork('-e', ["process.kill(process.pid, 'SIGKILL')"], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
}

describe('flood peers that die', () => {
  it('sees a peer killed by a signal as ended, so stopping it does not wait forever', async () => {
    const child = peerKilledBySignal();
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.exitCode).toBeNull();
    expect(peerExited(child)).toBe(true);
    await expect(peerExit(child)).resolves.toBeUndefined();
  });

  it('refuses at once to wait for a report from a peer that has ended', async () => {
    const child = peerKilledBySignal();
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(nextReport(child, 'figures', 60_000)).rejects.toThrow("flood peer exited (SIGKILL) before 'figures'");
  });

  it('rejects when the peer dies while a report is awaited', async () => {
    const child = fork('-e', ["setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50)"], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await expect(nextReport(child, 'ready', 60_000)).rejects.toThrow("flood peer exited (SIGKILL) before 'ready'");
  });
});

import { describe, expect, it } from 'vitest';
import { autostartEntry, LoginItem, startsHidden, type LoginItemDeps } from './login-item';
import { FakeApp } from './testing/fake-electron';

function rig(platform: NodeJS.Platform, packaged = true) {
  const app = new FakeApp();
  app.isPackaged = packaged;
  const files = new Map<string, string>();
  const logs: string[] = [];
  const deps: LoginItemDeps = {
    app: app as never,
    platform,
    executable: platform === 'win32' ? 'C:\\Program Files\\Attendant Console\\Attendant Console.exe' : '/opt/Attendant Console/console',
    configDir: '/home/anna/.config',
    name: 'attendant-console',
    files: { write: (path, text) => void files.set(path, text), remove: (path) => void files.delete(path) },
    log: (message) => logs.push(message),
  };
  return { app, files, logs, deps, item: new LoginItem(deps) };
}

describe('LoginItem', () => {
  it('registers a hidden start on Windows and removes it when the setting goes off', () => {
    const { app, item } = rig('win32');
    item.apply(true);
    item.apply(true);
    item.apply(false);
    expect(app.loginItems).toEqual([
      { openAtLogin: true, args: ['--hidden'], path: 'C:\\Program Files\\Attendant Console\\Attendant Console.exe' },
      { openAtLogin: false, args: ['--hidden'], path: 'C:\\Program Files\\Attendant Console\\Attendant Console.exe' },
    ]);
  });

  it('uses the login item on macOS, with no path', () => {
    const { app, item } = rig('darwin');
    item.apply(true);
    expect(app.loginItems).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const { app, files, item } = rig('linux');
    item.apply(true);
    const path = '/home/anna/.config/autostart/attendant-console.desktop';
    expect(files.get(path)).toContain('Exec="/opt/Attendant Console/console" --hidden\n');
    expect(app.loginItems).toEqual([]);
    item.apply(false);
    expect(files.has(path)).toBe(false);
  });

  it('registers nothing from a development run, and says so when asked to', () => {
    const { app, files, logs, item } = rig('win32', false);
    item.apply(true);
    expect(app.loginItems).toEqual([]);
    expect(files.size).toBe(0);
    expect(logs).toEqual([expect.stringMatching(/only set up by the installed app/)]);
  });

  it('logs a failure instead of throwing, and tries again on the next change', () => {
    const { logs, item, files, deps } = rig('linux');
    let fail = true;
    deps.files.write = (path, text) => {
      if (fail) throw new Error('EACCES: permission denied');
      files.set(path, text);
    };
    expect(() => item.apply(true)).not.toThrow();
    expect(logs).toEqual(['Start at login could not be set up: EACCES: permission denied']);
    fail = false;
    item.apply(true);
    expect(files.size).toBe(1);
  });
});

describe('autostart entry and hidden start', () => {
  it('quotes the executable for the Exec key', () => {
    expect(autostartEntry('/opt/console')).toContain('Exec=/opt/console --hidden');
    expect(autostartEntry('/opt/a "b"/$x')).toContain('Exec="/opt/a \\"b\\"/\\$x" --hidden');
  });

  it('starts hidden with --hidden, or on a macOS login start', () => {
    const app = new FakeApp();
    expect(startsHidden(['/opt/console', '--hidden'], app as never, 'linux')).toBe(true);
    expect(startsHidden(['/opt/console'], app as never, 'darwin')).toBe(false);
    app.wasOpenedAtLogin = true;
    expect(startsHidden(['/opt/console'], app as never, 'darwin')).toBe(true);
    expect(startsHidden(['/opt/console'], app as never, 'win32')).toBe(false);
  });
});

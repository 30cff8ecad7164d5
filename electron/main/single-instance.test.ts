import { describe, expect, it } from 'vitest';
import { claimSingleInstance } from './single-instance';
import { FakeApp, FakeWindow } from './testing/fake-electron';

describe('claimSingleInstance', () => {
  it('quits a second start, which then starts nothing', () => {
    const app = new FakeApp();
    app.lockAvailable = false;
    const argvs: (readonly string[])[] = [];
    expect(claimSingleInstance({ app: app as never, window: () => undefined, onSecondInstance: (argv) => argvs.push(argv) })).toBe(false);
    expect(app.quits).toBe(1);
    expect(app.handlers.has('second-instance')).toBe(false);
  });

  it('brings the first window to the front and hands over the second start’s command line', () => {
    const app = new FakeApp();
    const win = new FakeWindow();
    win.minimized = true;
    const argvs: (readonly string[])[] = [];
    expect(claimSingleInstance({ app: app as never, window: () => win, onSecondInstance: (argv) => argvs.push(argv) })).toBe(true);
    expect(app.quits).toBe(0);
    app.emit('second-instance', {}, ['/opt/console', 'sip:101@pbx'], '/home/anna');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    expect(argvs).toEqual([['/opt/console', 'sip:101@pbx']]);
    // A window hidden in the tray is shown without a restore.
    app.emit('second-instance', {}, ['/opt/console'], '/');
    expect(win.calls.slice(3)).toEqual(['show', 'focus']);
  });

  it('still hands over the command line while the first instance has no window yet', () => {
    const app = new FakeApp();
    const argvs: (readonly string[])[] = [];
    claimSingleInstance({ app: app as never, window: () => undefined, onSecondInstance: (argv) => argvs.push(argv) });
    app.emit('second-instance', {}, ['/opt/console', 'tel:123', 42], '/');
    expect(argvs).toEqual([['/opt/console', 'tel:123']]);
  });
});

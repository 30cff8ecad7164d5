import { describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../shared/result';
import { ProtocolLinks } from './protocol-links';
import { FakeApp } from './testing/fake-electron';

function rig(packaged = true) {
  const app = new FakeApp();
  app.isPackaged = packaged;
  const dialled: string[] = [];
  const logs: string[] = [];
  const showWindow = vi.fn();
  let answer = ok({});
  const links = new ProtocolLinks({
    app: app as never,
    dial: (target) => {
      dialled.push(target);
      return Promise.resolve(answer);
    },
    showWindow,
    log: (message) => logs.push(message),
  });
  return { app, links, dialled, logs, showWindow, failWith: (message: string) => (answer = fail('invalid-argument', message)) };
}

describe('ProtocolLinks', () => {
  it('registers as the handler of sip:, tel: and callto: in the installed app only, and logs a refusal', () => {
    const installed = rig();
    installed.app.refusedSchemes.add('callto');
    installed.links.registerClients();
    expect(installed.app.protocolClients).toEqual(['sip', 'tel', 'callto']);
    expect(installed.logs).toEqual(['Could not register as the handler of callto: links']);
    const dev = rig(false);
    dev.links.registerClients();
    expect(dev.app.protocolClients).toEqual([]);
  });

  it('dials a link from the command line once the console is ready, only the last one', () => {
    const { links, dialled, showWindow } = rig();
    links.handleArgv(['/opt/console', '--hidden', 'tel:+49 30 111']);
    links.handleArgv(['/opt/console', 'sip:101@pbx']);
    expect(dialled).toEqual([]);
    links.ready();
    expect(dialled).toEqual(['sip:101@pbx']);
    expect(showWindow).toHaveBeenCalledTimes(1);
    links.handleArgv(['/opt/console', 'callto://102']);
    expect(dialled).toEqual(['sip:101@pbx', '102']);
  });

  it('dials macOS open-url links and keeps the OS from handling them again', () => {
    const { app, links, dialled } = rig();
    links.listenForOpenUrl();
    links.ready();
    const preventDefault = vi.fn();
    app.emit('open-url', { preventDefault }, 'tel:%2B4930123');
    expect(preventDefault).toHaveBeenCalled();
    expect(dialled).toEqual(['+4930123']);
  });

  it('never dials or shows the window for a link the parser refuses', () => {
    const { links, dialled, logs, showWindow } = rig();
    links.ready();
    links.handle('sip:101%0D%0AVia:x@pbx');
    links.handle('https://evil.example/sip:101');
    links.handleArgv(['/opt/console', 'sips:101@pbx']);
    expect(dialled).toEqual([]);
    expect(showWindow).not.toHaveBeenCalled();
    expect(logs).toEqual([
      expect.stringMatching(/^Not dialled: the link contains control characters/),
      expect.stringMatching(/^Not dialled: only sip:, tel: and callto:/),
    ]);
    // An argv without a link is no link at all.
    links.handleArgv(['/opt/console', '--hidden']);
    expect(logs).toHaveLength(2);
  });

  it('logs what calls.dial answers when it refuses', async () => {
    const { links, logs, failWith } = rig();
    failWith('No line is configured');
    links.ready();
    links.handle('sip:101');
    await vi.waitFor(() => expect(logs).toEqual(['Link not dialled: No line is configured']));
  });
});

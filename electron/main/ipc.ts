/**
 * The Electron side of the contract (shared/contract.ts) and the only file that touches `ipcMain`. Handlers are
 * registered by looping over `commandValidators`, events by looping over `eventNames`: adding a command to the
 * contract exposes it here without any code change.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import { commandNames, eventNames, ipcChannel } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { fail } from '../../shared/result';
import type { ContractHost, InternalErrorReporter } from '../core/contract-dispatch';
import { dispatchCommand, forwardEvents } from '../core/contract-dispatch';
import { APP_INDEX_URL } from './app-protocol';

export interface IpcBridgeOptions {
  host: ContractHost;
  /** The webContents of our window: the only one allowed to call; undefined while there is no window. */
  webContents: () => WebContents | undefined;
  /** Whether a frame URL is our renderer (see {@link rendererUrlCheck}). */
  isTrustedUrl: (url: string) => boolean;
  onInternalError?: InternalErrorReporter;
  /** Told about every refused call (foreign sender), for the log. */
  onRejected?: (reason: string) => void;
}

/**
 * Accepts exactly our renderer: `app://console/index.html` (any query or hash; see app-protocol.ts), or any page of
 * the electron-vite dev server's origin when one is used. `file://` is never trusted: any local file could call.
 */
export function rendererUrlCheck(devServerUrl?: string): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    if (devOrigin !== undefined && url.origin === devOrigin) return true;
    return `${url.protocol}//${url.host}${url.pathname}` === APP_INDEX_URL && !url.username && !url.password;
  };
}

/** Why `event` may not call, or undefined when it may. */
function senderProblem(event: IpcMainInvokeEvent, options: IpcBridgeOptions): string | undefined {
  const ours = options.webContents();
  if (!ours || event.sender !== ours) return 'sender is not the console window';
  const frame = event.senderFrame;
  if (!frame) return 'sender frame is gone';
  if (frame.parent !== null) return 'sender is a subframe';
  if (!options.isTrustedUrl(frame.url)) return `sender URL ${frame.url} is not the console renderer`;
  return undefined;
}

/** Registers every command handler and event forwarder; returns a function that removes them all. */
export function registerIpc(options: IpcBridgeOptions): () => void {
  for (const name of commandNames) {
    ipcMain.handle(
      ipcChannel.command(name),
      async (event: IpcMainInvokeEvent, args: unknown): Promise<Result<unknown>> => {
        const problem = senderProblem(event, options);
        if (problem) {
          options.onRejected?.(`${name}: ${problem}`);
          return fail('unauthorized', 'This caller may not use the console API');
        }
        return dispatchCommand(options.host.handlers, name, args, options.onInternalError);
      },
    );
  }
  const stopEvents = forwardEvents(options.host, (event, payload) => {
    const contents = options.webContents();
    if (contents && !contents.isDestroyed()) contents.send(ipcChannel.event(event), payload);
  });
  return () => {
    stopEvents();
    for (const name of commandNames) ipcMain.removeHandler(ipcChannel.command(name));
  };
}

/** Channel names, for tests and diagnostics. */
export const ipcChannels = {
  commands: commandNames.map(ipcChannel.command),
  events: eventNames.map(ipcChannel.event),
};

/**
 * The only file that touches `ipcRenderer`: exposes exactly a {@link ConsoleApi} as `window.consoleApi` through
 * `contextBridge` (sandboxed, context-isolated renderer). Unknown command and event names are refused here, before
 * anything crosses to main; main validates everything again.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  ConsoleApi,
  EventName,
  Events,
} from '../../shared/contract';
import { eventNames, ipcChannel, isCommandName } from '../../shared/contract';
import { MEDIA_PORT_CHANNEL, MEDIA_PORT_MESSAGE } from '../../shared/media-channel';
import { fail } from '../../shared/result';

function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

/** Builds the API object; exported for tests. */
export function createConsoleApi(): ConsoleApi {
  return {
    async invoke<K extends CommandName>(command: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      if (!isCommandName(command)) return fail('invalid-argument', `Unknown command ${String(command)}`);
      try {
        return (await ipcRenderer.invoke(ipcChannel.command(command), args)) as CommandResult<K>;
      } catch (err) {
        // Only reached when main has no handler or the arguments cannot be cloned: a bug, reported as a value.
        return fail(
          'internal',
          `IPC call ${command} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!isEventName(event)) throw new TypeError(`Unknown event ${String(event)}`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const channel = ipcChannel.event(event);
      // The IpcRendererEvent stays here: handing it to the page would expose `sender` (ipcRenderer itself).
      const wrapped = (_event: unknown, payload: Events[E]): void => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => {
        ipcRenderer.removeListener(channel, wrapped);
      };
    },
  };
}

/**
 * The media channel's port (issue 10, electron/main/media-port.ts) cannot cross contextBridge: it is posted to the
 * page's own window, where renderer/src/api/media-port.ts takes it. Only the port travels, never ipcRenderer.
 */
export function forwardMediaPort(win: PortWindow): void {
  ipcRenderer.on(MEDIA_PORT_CHANNEL, (event: { ports?: readonly unknown[] }) => {
    const ports = event.ports ?? [];
    if (ports.length !== 1) return;
    win.postMessage(MEDIA_PORT_MESSAGE, win.location.origin === 'null' ? '*' : win.location.origin, [...ports]);
  });
}

/** The little of the page's window the preload uses (this program has no DOM types on purpose). */
export interface PortWindow {
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
  readonly location: { readonly origin: string };
}

contextBridge.exposeInMainWorld('consoleApi', createConsoleApi());
const pageWindow = (globalThis as { window?: PortWindow }).window;
if (pageWindow) forwardMediaPort(pageWindow);

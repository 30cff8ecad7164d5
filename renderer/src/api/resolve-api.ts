/**
 * Picks the transport: the Electron preload's `window.consoleApi` when present, otherwise the serve-mode WebSocket
 * client authorised by the token in the page URL.
 */
import type { ConsoleApi } from '../../../shared/contract';
import { createWsClient, wsUrlFromLocation } from './ws-client';

declare global {
  interface Window {
    /** Exposed by electron/preload through contextBridge; absent in a plain browser (serve mode). */
    consoleApi?: ConsoleApi;
  }
}

export function resolveApi(win: Window = window): ConsoleApi {
  return win.consoleApi ?? createWsClient({ url: wsUrlFromLocation(win.location) });
}

/**
 * Picks the media channel's transport beside the command transport (resolve-api.ts): the WebSocket client's binary
 * channel in serve mode, the preload's MessagePort in Electron.
 */
import type { ConsoleApi } from '../../../shared/contract';
import type { MediaChannel } from '../../../shared/media-channel';
import { createPortMediaChannel } from './media-port';

export function resolveMediaChannel(api: ConsoleApi, win: Window = window): MediaChannel {
  const ws = (api as Partial<{ media: MediaChannel }>).media;
  return ws ?? createPortMediaChannel(win);
}

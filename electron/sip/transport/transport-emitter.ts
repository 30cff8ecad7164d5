import { EventEmitter } from 'node:events';
import type { Flow, TransportError, TransportEvents } from './types';

/**
 * Typed `message` / `flowClosed` events shared by every transport. Composition over a private EventEmitter keeps
 * Node's special `error` event semantics out of the public surface.
 */
export abstract class TransportEmitter {
  private readonly events = new EventEmitter();

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.events.off(event, listener);
    return this;
  }

  protected emitMessage(data: Buffer, flow: Flow): void {
    this.events.emit('message', data, flow);
  }

  protected emitFlowClosed(flow: Flow, error?: TransportError): void {
    this.events.emit('flowClosed', flow, error);
  }
}

/** `host:port`, with IPv6 literals bracketed so the port stays unambiguous. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Flow id in the documented form, e.g. `tcp:127.0.0.1:40312->127.0.0.1:5060`. */
export function flowId(
  protocol: string,
  local: { host: string; port: number },
  remote: { host: string; port: number },
): string {
  return `${protocol}:${hostPort(local.host, local.port)}->${hostPort(remote.host, remote.port)}`;
}

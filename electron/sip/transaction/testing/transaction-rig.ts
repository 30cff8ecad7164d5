/**
 * Test doubles for transaction tests: a {@link Flow} that records what is written (parsed back, with the fake
 * clock's time) and can be told to fail, and fixture loading. Not used by production code.
 */
import type { Clock } from '../../clock';
import { parseMessage } from '../../message/parse-message';
import { loadSipFixture } from '../../message/testing/message-fixtures';
import type { SipMessage, SipRequest } from '../../message/types';
import type { Endpoint, Flow, TransportProtocol } from '../../transport/types';
import { TransportError } from '../../transport/types';

export interface SentRecord {
  at: number;
  message: SipMessage;
  bytes: Uint8Array;
}

export class FakeFlow implements Flow {
  readonly id: string;
  readonly reliable: boolean;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly sent: SentRecord[] = [];
  /** When set, every send throws it. */
  failure: Error | undefined;

  constructor(
    private readonly clock: Clock,
    readonly protocol: TransportProtocol = 'udp',
    remotePort = 5060,
  ) {
    this.reliable = protocol !== 'udp';
    this.local = { protocol, host: '127.0.0.1', port: 5070 };
    this.remote = { protocol, host: '127.0.0.1', port: remotePort };
    this.id = `${protocol}:127.0.0.1:5070->127.0.0.1:${remotePort}`;
  }

  send(data: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.sent.push({ at: this.clock.now(), message: parseMessage(data), bytes: data });
  }

  /** Times at which messages were written. */
  get times(): number[] {
    return this.sent.map((s) => s.at);
  }

  closedError(): TransportError {
    return new TransportError('connection reset', 'closed', {
      host: this.remote.host,
      port: this.remote.port,
    });
  }
}

/** A request fixture from `test/fixtures/sip/transaction/`. */
export function fixtureRequest(name: string): SipRequest {
  const message = parseMessage(loadSipFixture(`transaction/${name}`));
  if (message.kind !== 'request') throw new Error(`${name} is not a request`);
  return message;
}

/** Round-trips a message through the wire format, as the transport would deliver it. */
export function overTheWire<T extends SipMessage>(message: T): T {
  return parseMessage(message.toBuffer()) as T;
}

/**
 * The user-agent core (RFC 3261 §8.2, §12.2; the role of SIP.js's `UserAgentCore` and pjsip's dialog layer): every
 * request that opens a new server transaction is routed here, once, to the one usage it belongs to. Usages are its
 * clients: subscriptions and the feature-code call register their dialogs in {@link UserAgentCore.dialogs}; a usage
 * that serves requests outside a dialog registers a handler per method with {@link UserAgentCore.handle}.
 * Publications (RFC 3903) and registrations only send requests and read responses, so they are not routed here.
 *
 * Routing table (a request "in a dialog" has a To tag, RFC 3261 §12.2.2):
 *
 * | Request                         | Goes to                                                        | Otherwise answered                                       |
 * | ------------------------------- | -------------------------------------------------------------- | -------------------------------------------------------- |
 * | in-dialog NOTIFY / SUBSCRIBE    | the dialog's usage for the method and Event package + `id`     | 481 (NOTIFY: Subscription Does Not Exist, RFC 6665 §4.1.3) |
 * | in-dialog BYE, INVITE, INFO, …  | the dialog's usage for the method                              | 481 Call/Transaction Does Not Exist (§12.2.2)            |
 * | OPTIONS (in or out of dialog)   | a dialog usage / the handler for OPTIONS                       | 200 with Allow, Accept, User-Agent (§11.2)               |
 * | out-of-dialog SUBSCRIBE/NOTIFY  | the method's handler, when it takes the Event package          | 489 Bad Event + Allow-Events (RFC 6665 §4.2.1, §8.2.1);  |
 * |                                 |                                                                | no handler: SUBSCRIBE 405, NOTIFY 481 (§4.1.3)           |
 * | out-of-dialog CANCEL            | the CANCEL handler (an INVITE server would register one)        | 481 Call/Transaction Does Not Exist (§9.2)               |
 * | out-of-dialog, any other method | the method's one handler                                       | 405 Method Not Allowed + Allow (§8.2.1)                  |
 * | ACK for a 2xx                   | not here: the transaction layer's `onAck` (§13.3.1.4)          | never answered                                           |
 *
 * The early subscription dialog (Call-ID + our From tag, any remote tag) takes NOTIFYs before the SUBSCRIBE's 2xx
 * (RFC 6665 §4.1.2.4) until the usage confirms the remote tag. A usage answers synchronously inside `onRequest`;
 * one that throws is contained by the stack's guard, which answers 500 if nothing was sent.
 */
import { createResponse, type SipRequest, type SipResponse } from '../message';
import type { ServerTransaction } from '../transaction';
import { DialogTable } from './dialog-table';
import { parseEventKey, routedByEvent } from './routing';

/** Serves out-of-dialog requests of one method; answers `tx` before it returns. */
export type OutOfDialogHandler = (request: SipRequest, tx: ServerTransaction) => void;

/** What a handler takes besides its method. */
export interface HandlerOptions {
  /** SUBSCRIBE/NOTIFY: the event packages it serves (others get 489); absent takes every package. */
  events?: readonly string[];
}

/** A second handler for a method: routing to "one handler per method" would be ambiguous, a bug in the caller. */
export class DuplicateHandlerError extends Error {
  readonly code = 'duplicate-handler';
  constructor(readonly method: string) {
    super(`a handler for out-of-dialog ${method} is already registered`);
    this.name = 'DuplicateHandlerError';
  }
}

/** Counters for the diagnostics view. */
export interface UserAgentCoreStats {
  /** Delivered to a dialog usage. */
  inDialog: number;
  /** Delivered to an out-of-dialog handler. */
  outOfDialog: number;
  /** Answered 481: no such dialog (or an out-of-dialog NOTIFY nobody takes). */
  unknownDialog: number;
  /** Answered 481: the dialog exists but carries no usage for the method/Event. */
  noUsage: number;
  /** Answered 405. */
  methodNotAllowed: number;
  /** Answered 489. */
  badEvent: number;
}

export interface UserAgentCoreOptions {
  /** The User-Agent header of the default OPTIONS answer. */
  userAgent: string;
}

/** What the default OPTIONS answer advertises (unchanged from before the core; RFC 3261 §11.2). */
const OPTIONS_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, REFER, SUBSCRIBE, PUBLISH, MESSAGE';
/** Methods a 405's Allow always lists: the transaction layer and this core answer them whatever is registered. */
const ALWAYS_ALLOWED = ['OPTIONS', 'ACK', 'CANCEL'];

interface Handler {
  readonly serve: OutOfDialogHandler;
  readonly events?: ReadonlySet<string>;
}

/** See the file comment for the routing table. */
export class UserAgentCore {
  readonly dialogs = new DialogTable();
  readonly stats: UserAgentCoreStats = { inDialog: 0, outOfDialog: 0, unknownDialog: 0, noUsage: 0, methodNotAllowed: 0, badEvent: 0 };
  private readonly handlers = new Map<string, Handler>();
  /** Methods a usage serves inside its dialogs (BYE, UPDATE, PRACK, INFO for calls), with how many usages say so. */
  private readonly advertised = new Map<string, number>();

  constructor(private readonly options: UserAgentCoreOptions) {}

  /**
   * Routes out-of-dialog `method` requests to `serve`. Throws {@link DuplicateHandlerError} when the method has a
   * handler already. Returns the remover.
   */
  handle(method: string, serve: OutOfDialogHandler, options: HandlerOptions = {}): () => void {
    if (this.handlers.has(method)) throw new DuplicateHandlerError(method);
    const handler: Handler = { serve, events: options.events && new Set(options.events.map((e) => e.toLowerCase())) };
    this.handlers.set(method, handler);
    return () => {
      if (this.handlers.get(method) === handler) this.handlers.delete(method);
    };
  }

  /**
   * Adds in-dialog methods to the Allow of a 405 and of the OPTIONS answer (RFC 3261 §20.5) while a usage serves
   * them (the call agent: BYE, UPDATE, PRACK, INFO). Returns the remover.
   */
  advertise(methods: readonly string[]): () => void {
    for (const method of methods) this.advertised.set(method, (this.advertised.get(method) ?? 0) + 1);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      for (const method of methods) {
        const count = (this.advertised.get(method) ?? 1) - 1;
        if (count > 0) this.advertised.set(method, count);
        else this.advertised.delete(method);
      }
    };
  }

  /** The Allow header value of a 405 (RFC 3261 §8.2.1, §20.5): the methods served out of dialog. */
  get allow(): string {
    const methods = [...ALWAYS_ALLOWED];
    for (const method of [...this.handlers.keys(), ...this.advertised.keys()]) if (!methods.includes(method)) methods.push(method);
    return methods.join(', ');
  }

  /** Routes one new request (see the table above) and answers it when no usage does. */
  receive(request: SipRequest, tx: ServerTransaction): void {
    if (typeof request.to.params.tag === 'string') this.receiveInDialog(request, tx);
    else this.receiveOutOfDialog(request, tx);
  }

  /** Forgets every dialog and handler (the stack is closing). */
  close(): void {
    this.dialogs.clear();
    this.handlers.clear();
  }

  private receiveInDialog(request: SipRequest, tx: ServerTransaction): void {
    const usage = this.dialogs.find(request);
    if (usage !== undefined) {
      this.stats.inDialog++;
      usage.onRequest(request, tx);
      return;
    }
    if (request.method === 'OPTIONS') return tx.respond(this.optionsAnswer(request));
    // RFC 5057 §5.1: a request for a usage the dialog does not carry is answered as if there were no dialog.
    if (this.dialogs.knows(request)) this.stats.noUsage++;
    else this.stats.unknownDialog++;
    tx.respond(
      request.method === 'NOTIFY'
        ? createResponse(request, 481, 'Subscription Does Not Exist')
        : createResponse(request, 481, 'Call/Transaction Does Not Exist'),
    );
  }

  private receiveOutOfDialog(request: SipRequest, tx: ServerTransaction): void {
    const method = request.method;
    const handler = this.handlers.get(method);
    if (handler === undefined) return tx.respond(this.unhandled(request));
    if (handler.events !== undefined && routedByEvent(method)) {
      const type = parseEventKey(request.get('Event') ?? '').type.toLowerCase();
      if (!handler.events.has(type)) {
        this.stats.badEvent++;
        return tx.respond(createResponse(request, 489, 'Bad Event', { headers: [['Allow-Events', [...handler.events].join(', ')]] }));
      }
    }
    this.stats.outOfDialog++;
    handler.serve(request, tx);
  }

  /** The answer to an out-of-dialog request no handler takes. */
  private unhandled(request: SipRequest): SipResponse {
    switch (request.method) {
      case 'OPTIONS':
        return this.optionsAnswer(request);
      case 'NOTIFY':
        // RFC 6665 §4.1.3: a NOTIFY that matches no subscription.
        this.stats.unknownDialog++;
        return createResponse(request, 481, 'Subscription Does Not Exist');
      case 'CANCEL':
        // RFC 3261 §9.2: the CANCEL matched no transaction (the transaction layer has looked).
        this.stats.unknownDialog++;
        return createResponse(request, 481, 'Call/Transaction Does Not Exist');
      default:
        this.stats.methodNotAllowed++;
        return createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', this.allow]] });
    }
  }

  /** The fixed list, plus what usages advertise now (the call agent's UPDATE, PRACK, INFO). */
  private optionsAllow(): string {
    const methods = OPTIONS_ALLOW.split(', ');
    for (const method of this.advertised.keys()) if (!methods.includes(method)) methods.push(method);
    return methods.join(', ');
  }

  /** RFC 3261 §11.2: what the UA supports. */
  private optionsAnswer(request: SipRequest): SipResponse {
    return createResponse(request, 200, 'OK', {
      headers: [
        ['Allow', this.optionsAllow()],
        ['Accept', 'application/sdp'],
        ['User-Agent', this.options.userAgent],
      ],
    });
  }
}

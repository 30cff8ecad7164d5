/** The user-agent core (RFC 3261 §8.2, §12.2): the dialog table and request routing every usage registers with. */
export { UserAgentCore, DuplicateHandlerError, type HandlerOptions, type OutOfDialogHandler, type UserAgentCoreOptions, type UserAgentCoreStats } from './ua-core';
export { DialogTable, RouteConflictError, type DialogKey, type DialogRegistration, type DialogUsage } from './dialog-table';
export { parseEventKey, routeMatches, type EventKey, type UsageRoute } from './routing';

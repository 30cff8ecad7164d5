/** The dialog layer (RFC 3261 §12): dialog state and in-dialog request construction and routing. */
export { Dialog, DialogError, type DialogErrorCode, type DialogId, type DialogInit, type InDialogRequestOptions } from './dialog';
export { hopTarget, isLooseRoute, nextHopUri, requestTarget, routeUri, type HopTarget, type RequestTarget } from './routing';

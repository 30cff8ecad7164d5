/**
 * Serve mode's frames (docs/api.md, "Wire format"): one JSON text frame per call, answered with a result frame, or
 * with an error frame when the frame cannot be understood or is larger than {@link MAX_FRAME_BYTES}.
 */
import { Buffer } from 'node:buffer';
import type { RawData } from 'ws';
import type { CommandHandlers } from '../../shared/contract';
import type { InternalErrorReporter } from '../core/contract-dispatch';
import { dispatchCommand } from '../core/contract-dispatch';

/** Largest frame the API reads; a larger one is answered with a `too-large` error frame. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Size of a received frame, however `ws` handed it over. */
export function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength;
}

/**
 * An `id` in the frame's first bytes, when only `type` and `command` come before it (as every client writes it):
 * read without parsing the frame, so a call that was too large still gets its answer.
 */
const LEADING_ID = /^\s*\{(?:\s*"(?:type|command)"\s*:\s*"[^"\\]{0,64}"\s*,)*\s*"id"\s*:\s*(-?\d{1,16}|"[^"\\]{0,64}")\s*[,}]/;

/** The error frame for an oversize frame (docs/api.md): `code: "too-large"`, with the call's id when readable. */
export function tooLarge(data: RawData, bytes: number): Record<string, unknown> {
  const first = Array.isArray(data) ? data[0] : data;
  const head = first ? (Buffer.isBuffer(first) ? first : Buffer.from(first)).subarray(0, 256).toString('utf8') : '';
  const m = LEADING_ID.exec(head);
  let id: unknown;
  try {
    id = m ? JSON.parse(m[1]!) : undefined;
  } catch {
    // A raw control character in the string: not a valid id, so the error frame goes without one.
  }
  return {
    type: 'error',
    code: 'too-large',
    message: `Frame is ${bytes} bytes; frames are limited to ${MAX_FRAME_BYTES} bytes (1 MiB)`,
    ...(id !== undefined && (typeof id === 'string' || Number.isSafeInteger(id)) ? { id } : {}),
  };
}

/** Frame shape (docs/api.md): `{ "type": "invoke", "id": 1, "command": "snapshot", "args": null }`. */
export async function handleFrame(
  text: string,
  send: (frame: unknown) => void,
  handlers: CommandHandlers,
  onInternalError?: InternalErrorReporter,
): Promise<void> {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return send({ type: 'error', message: 'Frame is not valid JSON' });
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
    return send({ type: 'error', message: 'Frame must be a JSON object' });
  const { type, id, command, args } = frame as Record<string, unknown>;
  const validId =
    (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length <= 64);
  if (type !== 'invoke' || !validId || typeof command !== 'string')
    return send({
      type: 'error',
      message:
        'Frame must be { "type": "invoke", "id": <integer or string>, "command": <string>, "args": … }',
      ...(validId ? { id } : {}),
    });
  const result = await dispatchCommand(handlers, command, args, onInternalError);
  send({ type: 'result', id, result });
}

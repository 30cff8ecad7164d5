/**
 * Expected failures cross the contract as values, never as exceptions (DEVELOPERS.md, "One typed contract").
 */
/** Every {@link ErrorCode}, for code that reads one off the wire and must check it. */
export const ERROR_CODES = [
  'invalid-argument',
  'invalid-settings',
  'not-found',
  'sip-error',
  'transport-error',
  'timeout',
  'storage-error',
  'unauthorized',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether `value` is one of the {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value);
}

export interface AppError {
  code: ErrorCode;
  message: string;
  /** SIP status code when the failure came from a SIP response. */
  sipStatus?: number;
  /** Dotted path of the offending field for validation failures, e.g. `lines.2.domain`. */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, extra: Partial<AppError> = {}): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}

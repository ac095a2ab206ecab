/**
 * Stable error codes. A caller tells failures apart by `code`, never by message;
 * every code survives the worker boundary.
 */
export type ErrorCode =
  | 'not-exist'
  | 'bad-dump'
  | 'unsupported-version'
  | 'conflict'
  | 'invalid'
  | 'aborted'
  | 'quota'
  | 'internal'

/** The error type of every failure the project reports on purpose. */
export class DivinerError extends Error {
  /** What went wrong, as a stable machine-readable code. */
  readonly code: ErrorCode
  /** Extra facts about the failure (line number, field name, …), plain data only. */
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'DivinerError'
    this.code = code
    this.details = details
  }
}

/** A study or run that does not exist; the message names it (`no study mnist`, `no run mnist:12`). */
export function notExist(message: string): DivinerError {
  return new DivinerError('not-exist', message)
}

/** A value, param or study that breaks a rule of the model; the message names the field. */
export function invalid(message: string, field?: string): DivinerError {
  return new DivinerError('invalid', message, field === undefined ? undefined : { field })
}

/** True when `e` is a DivinerError, optionally with the given code. */
export function isDivinerError(e: unknown, code?: ErrorCode): e is DivinerError {
  return e instanceof DivinerError && (code === undefined || e.code === code)
}

/** Throws a DivinerError of code `aborted` when `signal` is aborted. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DivinerError('aborted', 'the operation was cancelled')
}

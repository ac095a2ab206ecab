/**
 * A failure as a screen shows it: the error's own message, unchanged, and its
 * code when it is one of ours (`not-exist`, …) so the screen can offer the
 * right way back.
 */
import { isDivinerError, type ErrorCode } from '../../db/model/errors.js'
import { errorMessage } from '../format.js'

/** What went wrong, for a person to read. */
export interface Failure {
  readonly message: string
  readonly code?: ErrorCode
}

/** The failure `e` stands for. */
export function failureOf(e: unknown): Failure {
  return isDivinerError(e) ? { message: e.message, code: e.code } : { message: errorMessage(e) }
}

/**
 * A failure as a screen shows it: the error's own message, unchanged, and its
 * code when it is one of ours (`not-exist`, …) so the screen can offer the
 * right way back.
 */
import { isDivinerError, type ErrorCode } from '../../db/model/errors.js'
import { parseFilter } from '../../db/analysis/filter-lang.js'
import { errorMessage } from '../format.js'

/** What went wrong, for a person to read. */
export interface Failure {
  readonly message: string
  readonly code?: ErrorCode
}

/** The message of a bad run filter (a DivinerError `invalid` of field `filter`), or undefined for any other error. */
export function filterProblem(e: unknown): string | undefined {
  return isDivinerError(e, 'invalid') && e.details?.['field'] === 'filter' ? e.message.replace(/^filter: /, '') : undefined
}

/** The failure `e` stands for. */
export function failureOf(e: unknown): Failure {
  return isDivinerError(e) ? { message: e.message, code: e.code } : { message: errorMessage(e) }
}

/** Why `filter` is not a filter of the language (src/db/analysis/filter-lang.ts), or ''. */
export function syntaxProblem(filter: string): string {
  try {
    parseFilter(filter)
    return ''
  } catch (e) {
    return filterProblem(e) ?? failureOf(e).message
  }
}

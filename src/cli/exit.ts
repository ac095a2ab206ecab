/**
 * Exit codes scripts can rely on, and errors as one line a person can act on.
 */
import { isDivinerError, type ErrorCode } from '../db/model/errors.js'

/** What each exit code means (also in `diviner-local --help` and docs/cli.md). */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** The work ran but did not all succeed (runs failed, a sync left objects it could not read). */
  failed: 1,
  /** The command line is wrong: an unknown verb or flag, a missing or bad argument. */
  usage: 2,
  /** A study, run, file or bucket named does not exist. */
  notFound: 3,
  /** Input that cannot be used: a bad config, dump or journal line, a conflicting study. */
  badInput: 4,
  /** Storage or network trouble: a full disk, no permission, a remote that refuses or cannot be reached. */
  storage: 5,
  /** Interrupted (Ctrl-C); what was recorded is consistent. */
  interrupted: 130,
} as const

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  'not-exist': EXIT.notFound,
  'bad-dump': EXIT.badInput,
  'unsupported-version': EXIT.badInput,
  conflict: EXIT.badInput,
  invalid: EXIT.badInput,
  quota: EXIT.storage,
  aborted: EXIT.interrupted,
}

/** The exit code for an error: usage errors 2, then by the error's code; anything unexpected 1. */
export function exitCodeOf(e: unknown): number {
  if (!isDivinerError(e)) return EXIT.failed
  if (e.details?.['usage'] === true) return EXIT.usage
  if (e.details?.['remote'] === true) return EXIT.storage
  return BY_CODE[e.code] ?? EXIT.failed
}

/** The one line printed for an error (its message; an unexpected error says so). */
export function errorLine(e: unknown): string {
  if (isDivinerError(e)) return `diviner-local: ${e.message}`
  const why = e instanceof Error ? e.message : String(e)
  return `diviner-local: unexpected error: ${why} (please report it, with the command that caused it)`
}

/**
 * What a verb is: its usage (flags, arguments, help) and a function from the
 * parsed command line to an exit code.
 */
import type { Usage } from './args.js'

/** The parsed command line a verb runs with. */
export interface VerbArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>
  readonly positionals: readonly string[]
  /** Ends the verb's work early (Ctrl-C). */
  readonly signal: AbortSignal
}

/** One verb of the command. */
export interface Verb {
  readonly usage: Usage
  /** Does the work; resolves to the exit code. */
  run(args: VerbArgs): Promise<number>
}

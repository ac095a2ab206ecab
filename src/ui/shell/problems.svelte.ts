/**
 * Failures the page reports to the person using it: what was being done, what
 * went wrong (the error's own message, as it is), and what to do about it.
 */
import { isDivinerError } from '../../db/model/errors.js'
import { errorMessage } from '../format.js'

/** One reported failure, as the error banner shows it. */
export interface Problem {
  readonly id: number
  /** What the page was doing: "Import failed", "Export failed". */
  readonly what: string
  /** The error's message, unchanged. */
  readonly message: string
  /** What the person can do next. */
  readonly hint: string
}

/** What to do about a failure, by its error code (or its kind when it has none). */
export function hintFor(e: unknown): string {
  if (isDivinerError(e)) {
    switch (e.code) {
      case 'bad-dump': return 'Check that the file is a Diviner Local dump (.diviner.gz) and complete. Nothing was imported from it; your data is unchanged.'
      case 'unsupported-version': return 'The dump was written by a newer version: open it with an up-to-date copy of this page.'
      case 'not-exist': return 'It may have been renamed or never imported here. Go back to the studies list and pick another.'
      case 'conflict': return 'Your data was left as it was. Rename one of the two, or import into another browser profile.'
      case 'invalid': return e.details?.['field'] === 'since'
        ? 'Export everything once; after that, changes can be exported on their own again.'
        : 'Correct the value named in the message and try again.'
      case 'quota': return 'Free disk space or remove old data from this browser, then try again.'
      case 'aborted': return 'It was cancelled; start it again when ready.'
      default: return 'Try again; if it keeps failing, reload the page (your data stays in this browser).'
    }
  }
  if (errorMessage(e).includes('database worker')) return 'Reload the page to start the database again; your data stays in this browser.'
  if (e instanceof TypeError && /fetch/i.test(e.message)) return 'The file could not be downloaded: check the connection, or reload the page once online.'
  return 'Try again; if it keeps failing, reload the page (your data stays in this browser).'
}

/** The failures on show, newest last. */
export class Problems {
  list: Problem[] = $state([])
  private next = 1

  /** Shows `e` as the failure of `what` (returns its id). */
  report(what: string, e: unknown): number {
    const id = this.next++
    const message = errorMessage(e)
    // The same failure again replaces the earlier report instead of piling up.
    this.list = [...this.list.filter((p) => p.what !== what || p.message !== message), { id, what, message, hint: hintFor(e) }]
    return id
  }

  dismiss(id: number): void {
    this.list = this.list.filter((p) => p.id !== id)
  }

  /** Removes every report of `what` (a retry that succeeded). */
  clear(what: string): void {
    this.list = this.list.filter((p) => p.what !== what)
  }
}

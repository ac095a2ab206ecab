/**
 * The studies the list shows: an overview of each (run counts by state, best
 * objective value, last activity), filtered, and kept current as the database
 * changes in this tab or any other.
 */
import type { RemoteApi } from '../../worker/client.js'
import { errorMessage } from '../format.js'
import type { Problems } from '../shell/problems.svelte.js'
import type { StudyFilter } from './filter.svelte.js'

/** One study as the list shows it. */
export type StudyOverview = Awaited<ReturnType<RemoteApi['studyOverviews']>>[number]

/** Where loading the list stands. */
export type LoadStatus = 'loading' | 'ready' | 'failed'

/** How the error banner names a failure to load the list. */
export const LOAD_FAILED = 'The studies could not be loaded.'

/** The studies that pass the filter, by name. */
export class StudyList {
  studies: StudyOverview[] = $state.raw([])
  status: LoadStatus = $state('loading')
  /** Why loading failed, for a person to read. */
  error = $state('')
  private readonly api: Pick<RemoteApi, 'studyOverviews'>
  private readonly filter: StudyFilter
  private readonly problems: Problems
  /** Counts loads, so an answer to an older one never replaces a newer one. */
  private generation = 0
  private refreshing = false
  private stale = false

  constructor(api: Pick<RemoteApi, 'studyOverviews'>, filter: StudyFilter, problems: Problems) {
    this.api = api
    this.filter = filter
    this.problems = problems
  }

  /** True when the database holds no study at all (as far as an unfiltered load showed). */
  get empty(): boolean {
    return this.status === 'ready' && this.studies.length === 0 && !this.filter.active
  }

  /** (Re)loads the list under the current filters; a failure is reported (and kept in `error`), never thrown. */
  async load(): Promise<void> {
    const generation = ++this.generation
    const name = this.filter.name
    const since = this.filter.since()
    try {
      const found = await this.api.studyOverviews(name.kind === 'prefix' ? name.prefix : '', since)
      if (generation !== this.generation) return
      this.studies = name.kind === 'regex' ? found.filter((s) => s.name.search(name.regex) >= 0) : found
      this.status = 'ready'
      this.problems.clear(LOAD_FAILED)
    } catch (e) {
      if (generation !== this.generation) return
      this.error = errorMessage(e)
      this.status = 'failed'
      this.problems.report(LOAD_FAILED, e)
    }
  }

  /**
   * Reloads after a change in the database. Changes arrive in bursts (an
   * import reports every batch): while a reload runs, further changes make one
   * more reload after it, not one each.
   */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.stale = true
      return
    }
    this.refreshing = true
    try {
      do {
        this.stale = false
        await this.load()
      } while (this.stale)
    } finally {
      this.refreshing = false
    }
  }
}

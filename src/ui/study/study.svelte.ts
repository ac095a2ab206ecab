/**
 * One study as its page holds it: the definition, and (when a tab needs them)
 * its runs as rows, reloaded when the study changes.
 */
import type { StudyInfo } from '../../db/model/database.js'
import { failureOf, type Failure } from './failure.js'
import type { Api, RunRow } from './types.js'

/** Where a load stands. */
export type LoadStatus = 'loading' | 'ready' | 'failed'

export class StudyModel {
  info: StudyInfo | undefined = $state.raw()
  status: LoadStatus = $state('loading')
  failure: Failure | undefined = $state.raw()
  /** The runs, by seq (kept raw: 100,000 rows must not become deep proxies). */
  rows: RunRow[] = $state.raw([])
  rowsStatus: LoadStatus = $state('loading')
  rowsFailure: Failure | undefined = $state.raw()
  readonly name: string
  private readonly api: Api

  constructor(api: Api, name: string) {
    this.api = api
    this.name = name
  }

  /** Loads the definition; a failure (such as `no study x`) is kept, never thrown. */
  async load(): Promise<void> {
    try {
      this.info = await this.api.lookupStudy(this.name)
      this.status = 'ready'
    } catch (e) {
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }

  /** (Re)loads the runs; the rows on show stay until the new ones arrive. */
  async loadRows(): Promise<void> {
    try {
      this.rows = await this.api.runRows(this.name)
      this.rowsFailure = undefined
      this.rowsStatus = 'ready'
    } catch (e) {
      this.rowsFailure = failureOf(e)
      this.rowsStatus = 'failed'
    }
  }
}

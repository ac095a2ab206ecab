/**
 * The list of studies the page shows, loaded from the database.
 */
import type { Database, StudyInfo } from '../../db/database.js'
import { isDivinerError } from '../../db/errors.js'
import { errorMessage } from '../format.js'

/** Where loading the list stands. */
export type LoadStatus = 'loading' | 'ready' | 'failed'

/** The studies whose names start with `prefix`, by name. */
export class StudyList {
  studies: StudyInfo[] = $state.raw([])
  status: LoadStatus = $state('loading')
  /** Why loading failed, for a person to read. */
  error = $state('')
  readonly prefix: string
  private readonly db: Database

  constructor(db: Database, prefix = '') {
    this.db = db
    this.prefix = prefix
  }

  /** (Re)loads the list; a failure is kept in `error`, never thrown. */
  async load(): Promise<void> {
    try {
      this.studies = await this.db.listStudies(this.prefix)
      this.status = 'ready'
    } catch (e) {
      this.error = isDivinerError(e) ? `${errorMessage(e)} (${e.code})` : errorMessage(e)
      this.status = 'failed'
    }
  }
}

/**
 * One run as its page holds it: the run (with its whole metric history) and
 * its study's definition, reloaded when the study changes.
 */
import type { StudyInfo } from '../../db/model/database.js'
import type { Run } from '../../db/model/run.js'
import { failureOf, type Failure } from '../study/failure.js'
import type { LoadStatus } from '../study/study.svelte.js'
import type { Api } from '../study/types.js'

export class RunModel {
  run: Run | undefined = $state.raw()
  /** The run's study, when it could be read (for its objective). */
  study: StudyInfo | undefined = $state.raw()
  status: LoadStatus = $state('loading')
  failure: Failure | undefined = $state.raw()
  readonly studyName: string
  readonly seq: number
  private readonly api: Api

  constructor(api: Api, study: string, seq: number) {
    this.api = api
    this.studyName = study
    this.seq = seq
  }

  /** The run's name, `study:seq`. */
  get name(): string {
    return `${this.studyName}:${this.seq}`
  }

  /** (Re)loads the run; a failure (`no run mnist:12`) is kept, never thrown. */
  async load(): Promise<void> {
    try {
      const [run, study] = await Promise.all([
        this.api.lookupRun(this.studyName, this.seq),
        this.study ? Promise.resolve(this.study) : this.api.lookupStudy(this.studyName).catch(() => undefined),
      ])
      this.run = run
      this.study = study
      this.failure = undefined
      this.status = 'ready'
    } catch (e) {
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }
}

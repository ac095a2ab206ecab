/**
 * The new-study form: what is typed, each field's error (from the model's own
 * validation), the grid it makes, and creating the study.
 */
import { storageGuard } from '../shell/storage.svelte.js'
import { SvelteSet } from 'svelte/reactivity'
import { isDivinerError } from '../../db/model/errors.js'
import { gridSize } from '../../db/model/oracle.js'
import type { Param } from '../../db/model/params.js'
import { maximize, validateStudy, type Direction, type OracleSpec, type Study } from '../../db/model/study.js'
import type { RemoteApi } from '../../worker/client.js'
import { errorMessage } from '../format.js'
import type { Problems } from '../shell/problems.svelte.js'
import { ParamRow } from './param-row.svelte.js'

/** What creating did: made the study, or found one of that name (left unchanged). */
export interface Outcome { readonly name: string; readonly created: boolean }

/** The form's field errors, by field: `name`, `metric`, `replicates`, `seed`, `param-<id>-name`, `param-<id>-values`, `param-<id>-range`. */
export type Errors = Readonly<Record<string, string>>

/** A study that passes validation except for what a probe changes. */
const PROBE: Study = { name: 'study', objective: maximize('metric'), params: {} }

/** The model's complaint about `patch` (on an otherwise valid study), without its `study "…": ` prefix. */
function complaint(patch: Partial<Study>): string | undefined {
  try {
    validateStudy({ ...PROBE, ...patch })
    return undefined
  } catch (e) {
    const message = errorMessage(e)
    return isDivinerError(e, 'invalid') ? message.replace(/^study ".*?": /s, '') : message
  }
}

/** The number a text box holds: NaN when blank, so blank never passes as 0. */
function numberIn(text: string): number {
  return text.trim() === '' ? NaN : Number(text)
}

export class StudyForm {
  name = $state('')
  description = $state('')
  /** The command template (`python train.py --lr={lr}`), optional: how diviner-local runs the study. */
  command = $state('')
  metric = $state('')
  direction: Direction = $state('maximize')
  replicates = $state('0')
  oracle: 'grid' | 'random' = $state('grid')
  seed = $state('1')
  params: ParamRow[] = $state([new ParamRow()])
  /** Fields the person has left; their errors show. After a create attempt, every error shows. */
  readonly touched = new SvelteSet<string>()
  attempted = $state(false)
  creating = $state(false)
  outcome: Outcome | undefined = $state.raw()

  /** Every field's current error. */
  readonly errors: Errors = $derived(this.validate())

  /** The error to show for `field` now: only once it was left or a create was tried. */
  shown(field: string): string | undefined {
    return this.attempted || this.touched.has(field) ? this.errors[field] : undefined
  }

  addParam(): void {
    this.params.push(new ParamRow())
  }

  removeParam(row: ParamRow): void {
    this.params = this.params.filter((r) => r !== row)
  }

  private oracleSpec(): OracleSpec {
    return this.oracle === 'random' ? { name: 'random', seed: numberIn(this.seed) } : { name: 'grid' }
  }

  private validate(): Errors {
    const errors: Record<string, string> = {}
    const put = (field: string, error: string | undefined) => { if (error !== undefined) errors[field] = error }
    put('name', complaint({ name: this.name }))
    put('metric', complaint({ objective: { direction: this.direction, metric: this.metric } }))
    put('replicates', complaint({ replicates: numberIn(this.replicates) }))
    if (this.oracle === 'random') put('seed', complaint({ oracle: this.oracleSpec() }))
    const params = this.builtParams()
    if (this.command.trim() !== '' && params !== undefined) put('command', complaint({ command: this.command.trim(), params }))
    this.params.forEach((row, i) => {
      const built = row.built
      if ('error' in built) put(`param-${row.id}-${built.field}`, built.error)
      else put(`param-${row.id}-name`, complaint({ params: { [row.name]: built.param } }))
      const earlier = this.params.findIndex((r) => r.name === row.name)
      if (row.name !== '' && earlier < i) put(`param-${row.id}-name`, `param ${earlier + 1} is already named ${row.name}`)
    })
    return errors
  }

  /** The params as typed, when every row makes one. */
  private builtParams(): Record<string, Param> | undefined {
    const params: Record<string, Param> = {}
    for (const row of this.params) {
      if ('error' in row.built || row.name === '') return undefined
      params[row.name] = row.built.param
    }
    return params
  }

  /** How many value sets the grid has, `not finite` with a float range, or undefined while a param is incomplete. */
  readonly grid: bigint | 'not finite' | undefined = $derived.by(() => {
    const params = this.builtParams()
    if (params === undefined) return undefined
    try {
      return gridSize(params)
    } catch (e) {
      if (isDivinerError(e, 'invalid')) return 'not finite'
      throw e
    }
  })

  /** The study as typed, when it is valid. */
  study(): Study | undefined {
    const params = this.builtParams()
    if (Object.keys(this.errors).length > 0 || params === undefined) return undefined
    return validateStudy({
      name: this.name,
      description: this.description,
      ...(this.command.trim() ? { command: this.command.trim() } : {}),
      objective: { direction: this.direction, metric: this.metric },
      replicates: numberIn(this.replicates),
      oracle: this.oracleSpec(),
      params,
    })
  }

  /** Creates the study if the form is valid; a failure goes to `problems`. */
  async create(api: Pick<RemoteApi, 'createStudyIfNotExist'>, problems: Problems): Promise<void> {
    this.attempted = true
    this.outcome = undefined
    const study = this.study()
    if (study === undefined || this.creating) return
    this.creating = true
    try {
      const created = await api.createStudyIfNotExist(study)
      this.outcome = { name: study.name, created }
      // There is data to keep now: ask the browser to keep it.
      if (created) void storageGuard.keep()
      problems.clear('Creating the study failed')
    } catch (e) {
      problems.report('Creating the study failed', e)
    } finally {
      this.creating = false
    }
  }
}

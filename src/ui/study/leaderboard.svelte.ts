/**
 * The leaderboard tab's state: its options, read from the URL query, the
 * ranked trials from the worker, and the view the options make of them.
 */
import { formatObjective } from '../../db/model/study.js'
import type { Router } from '../router.svelte.js'
import { formatCount } from '../shell/numbers.js'
import { failureOf, filterProblem, syntaxProblem, type Failure } from './failure.js'
import { boardView, hiddenNote, lackingNote, parseObjective, type BoardView, type ObjectiveSpec } from './leaderboard.js'
import type { LoadStatus } from './study.svelte.js'
import type { Api, BoardTrial, Leaderboard } from './types.js'

/** How many trials the leaderboard shows unless told otherwise. */
export const DEFAULT_TOP = 20

/** The options as the URL holds them: `objective`, `n`, `values`, `metrics`, `expand`, `constant`, `running`. */
export interface BoardQuery {
  readonly objective: string
  readonly top: string
  readonly values: string
  readonly metrics: string
  readonly expand: boolean
  readonly constant: boolean
  /** Rank trials of running runs too (marked); by default only successful runs make trials, as in Diviner. */
  readonly running: boolean
  /** Only the trials this filter keeps (`filter=`; filter-lang.ts), read as their values and mean metrics. */
  readonly filter: string
  /** Only the Pareto set of a study of several objectives (`pareto=1`). */
  readonly pareto: boolean
}

export class BoardModel {
  result: Leaderboard | undefined = $state.raw()
  status: LoadStatus = $state('loading')
  failure: Failure | undefined = $state.raw()

  readonly query: BoardQuery
  readonly objective: { spec?: ObjectiveSpec; error?: string }
  readonly top: number
  /** The view, or why the options make none (a bad regular expression). */
  readonly view: { view?: BoardView<BoardTrial>; error?: string }
  /** "ranked by minimize(loss)", what the trials are made of, "hidden: …", "3 trials lack acc". */
  readonly notes: { ranked: string; made: string; hidden: string; lacking: string }

  /** Why the filter does not parse (it is then not applied), or ''. */
  readonly filterProblem: string
  /** What the worker said is wrong with the filter (a name no run has), or ''. */
  workerProblem = $state('')

  private readonly api: Api
  private readonly router: Router
  private readonly study: string
  private loads = 0

  constructor(api: Api, router: Router, study: string) {
    this.api = api
    this.router = router
    this.study = study
    this.query = $derived({
      objective: router.param('objective'),
      top: router.param('n', String(DEFAULT_TOP)),
      values: router.param('values'),
      metrics: router.param('metrics'),
      expand: router.param('expand') === '1',
      constant: router.param('constant') === '1',
      running: router.param('running') === '1',
      filter: router.param('filter'),
      pareto: router.param('pareto') === '1',
    })
    this.filterProblem = $derived(syntaxProblem(this.query.filter))
    const objectiveText = $derived(this.query.objective)
    this.objective = $derived(parseObjective(objectiveText))
    this.top = $derived(parseTop(this.query.top))
    this.view = $derived(this.makeView())
    this.notes = $derived(this.makeNotes())
  }

  /** Loads the ranking for the current objective; a later load wins over an earlier one still running. */
  async load(): Promise<void> {
    const spec = this.objective.spec
    if (this.objective.error) return
    const load = ++this.loads
    try {
      // Only the trials on show cross from the worker (0 shows all).
      // A filter that does not parse is left out (and said so); one the worker refuses is said so too.
      const filter = this.filterProblem ? undefined : this.query.filter
      const result = await this.api.leaderboard(this.study, { objective: spec, limit: this.top, running: this.query.running, filter, pareto: this.query.pareto })
      if (load !== this.loads) return
      this.result = result
      this.failure = undefined
      this.workerProblem = ''
      this.status = 'ready'
    } catch (e) {
      if (load !== this.loads) return
      const problem = filterProblem(e)
      if (problem !== undefined && this.result !== undefined) { this.workerProblem = problem; return }
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }

  /** Changes one option in the URL. */
  set(patch: Partial<Record<'objective' | 'n' | 'values' | 'metrics' | 'filter', string>>): void {
    this.router.setQuery(patch)
  }

  setFlag(name: 'expand' | 'constant' | 'running' | 'pareto', on: boolean): void {
    this.router.setQuery({ [name]: on ? '1' : undefined })
  }

  private makeView(): { view?: BoardView<BoardTrial>; error?: string } {
    const result = this.result
    if (result === undefined) return {}
    try {
      return {
        view: boardView(result.trials, result.objective.metric, {
          top: this.top,
          values: this.query.values.trim() === '' ? '.*' : this.query.values,
          metrics: this.query.metrics.trim() === '' ? otherObjectives(result) : this.query.metrics,
          showConstant: this.query.constant,
        }),
      }
    } catch (e) {
      return { error: failureOf(e).message }
    }
  }

  private makeNotes(): { ranked: string; made: string; hidden: string; lacking: string } {
    const result = this.result
    if (result === undefined) return { ranked: '', made: '', hidden: '', lacking: '' }
    return {
      ranked: `ranked by ${formatObjective(result.objective)}`,
      made: madeNote(result),
      hidden: hiddenNote(this.view.view?.hidden ?? []),
      lacking: lackingNote(result.lacking, result.objective.metric),
    }
  }
}

/**
 * What the trials are made of and what was left out: "trials of successful
 * runs; left out: 14 failed, 75 pruned, 2 running".
 */
export function madeNote(board: Pick<Leaderboard, 'running' | 'left'>): string {
  const made = board.running ? 'trials of successful and running runs' : 'trials of successful runs'
  const { running, failed, pruned } = board.left
  const parts = [
    failed ? `${formatCount(failed)} failed` : '',
    pruned ? `${formatCount(pruned)} pruned` : '',
    running ? `${formatCount(running)} running` : '',
  ].filter(Boolean)
  return parts.length ? `${made}; left out: ${parts.join(', ')}` : made
}

/** N from the URL: a whole number ≥ 0 (0 shows all), else the default. */
function parseTop(text: string): number {
  const n = Number(text)
  return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_TOP
}

/**
 * The metric columns a study of several objectives shows by default: every
 * objective but the one ranked by (as regular expressions matching exactly
 * those names); none for a study of one.
 */
export function otherObjectives(board: Pick<Leaderboard, 'objective' | 'objectives'>): string {
  if (board.objectives.length < 2) return ''
  return board.objectives.filter((o) => o.metric !== board.objective.metric).map((o) => `^${o.metric.replace(/[.*+?^${}()|[\]\\,]/g, '\\$&')}$`).join(',')
}

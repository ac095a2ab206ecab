/**
 * The study pictures' state: what each asks the worker for (options read from
 * the URL query), the bounded summary it answers with, and the brush over
 * parallel coordinates. Every computation over the study's runs happens in the
 * worker; what is left here is linear in the (bounded) summaries.
 */
import { brushEmpty, formatBrush, parseBrush, type AxisBrush, type Brush } from '../../../db/analysis/brush.js'
import type { Router } from '../../router.svelte.js'
import { failureOf, type Failure } from '../failure.js'
import type { LoadStatus } from '../study.svelte.js'
import type { Api } from '../types.js'
import type { CurvesPicture, HistoryAxis, HistoryPicture, StudyAnalysis } from '../../../worker/api.js'
import type { ParetoPicture } from '../../../db/analysis/pareto.js'
import { keptRows } from './parallel.js'
import { syntaxProblem } from '../failure.js'

/** How many trials' learning curves are drawn unless told otherwise. */
export const DEFAULT_CURVE_TRIALS = 5

/** One worker answer kept with where its load stands; a later load wins over an earlier one still running. */
class Loaded<T> {
  data: T | undefined = $state.raw()
  status: LoadStatus = $state('loading')
  failure: Failure | undefined = $state.raw()
  private loads = 0

  async load(fetch: () => Promise<T>): Promise<void> {
    const load = ++this.loads
    try {
      const data = await fetch()
      if (load !== this.loads) return
      this.data = data
      this.failure = undefined
      this.status = 'ready'
    } catch (e) {
      if (load !== this.loads) return
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }
}

/** The objective history picture: over seq or time (`hx=time` in the URL). */
export class HistoryView extends Loaded<HistoryPicture> {
  readonly axis: HistoryAxis
  private readonly api: Api
  private readonly router: Router
  /** The study drawn (hovered points link to its runs). */
  readonly study: string

  constructor(api: Api, router: Router, study: string) {
    super()
    this.api = api
    this.router = router
    this.study = study
    this.axis = $derived(router.param('hx') === 'time' ? 'time' : 'seq')
  }

  /** Loads the history for `objective` (an override such as `-loss`, or the study's own). */
  reload(objective: string | undefined): Promise<void> {
    const axis = this.axis
    return this.load(() => this.api.objectiveHistory(this.study, { objective, axis }))
  }

  setAxis(axis: HistoryAxis): void {
    this.router.setQuery({ hx: axis === 'seq' ? undefined : axis })
  }
}

/**
 * The learning curves picture: the runs of the trials chosen on the board when
 * any is, else of the top N trials (`lc=` N); and the metric (`lm=`).
 */
export class CurvesView extends Loaded<CurvesPicture> {
  readonly top: number
  readonly metric: string
  /** Whether the board ranks running trials too (`running=1`): the best trials are the board's. */
  readonly running: boolean
  /** The board's filter (`filter=`): the best trials are those it keeps. */
  readonly filter: string
  /** Seqs of the runs chosen on the board, ascending; empty draws the top N. */
  chosen: readonly number[] = $state.raw([])
  private readonly api: Api
  private readonly router: Router
  /** The study drawn (hovered curves link to its runs). */
  readonly study: string

  constructor(api: Api, router: Router, study: string) {
    super()
    this.api = api
    this.router = router
    this.study = study
    this.top = $derived(parseCount(router.param('lc'), DEFAULT_CURVE_TRIALS))
    this.metric = $derived(router.param('lm'))
    this.running = $derived(router.param('running') === '1')
    this.filter = $derived(router.param('filter'))
  }

  reload(objective: string | undefined): Promise<void> {
    const top = this.top
    const metric = this.metric || undefined
    const seqs = this.chosen.length > 0 ? this.chosen : undefined
    const running = this.running
    // A filter that does not parse is left out, as the board leaves it out.
    const filter = syntaxProblem(this.filter) ? undefined : this.filter || undefined
    return this.load(() => this.api.learningCurves(this.study, { objective, top, metric, seqs, running, filter }))
  }

  /** Draws the curves of the runs `seqs` (ascending), or of the top N when empty; a choice equal to the current one changes nothing. */
  choose(seqs: readonly number[]): void {
    if (seqs.length !== this.chosen.length || seqs.some((s, i) => s !== this.chosen[i])) this.chosen = seqs
  }

  set(patch: { lc?: string; lm?: string }): void {
    this.router.setQuery(patch)
  }
}

/** The Pareto front picture: objectives on x and y (`px=`, `py=`, by metric; the first two by default), following the board's `running` and `filter`. */
export class ParetoView extends Loaded<ParetoPicture> {
  readonly x: string
  readonly y: string
  /** The study drawn (a point links to its run). */
  readonly study: string
  private readonly api: Api
  private readonly router: Router
  private readonly running: boolean
  private readonly filter: string

  constructor(api: Api, router: Router, study: string) {
    super()
    this.api = api
    this.router = router
    this.study = study
    this.x = $derived(router.param('px'))
    this.y = $derived(router.param('py'))
    this.running = $derived(router.param('running') === '1')
    this.filter = $derived(router.param('filter'))
  }

  /** Loads the picture for the chosen objectives. */
  reload(): Promise<void> {
    const options = { x: this.x || undefined, y: this.y || undefined, running: this.running, filter: syntaxProblem(this.filter) ? undefined : this.filter || undefined }
    return this.load(() => this.api.paretoFront(this.study, options))
  }

  set(patch: { px?: string; py?: string }): void {
    this.router.setQuery(patch)
  }
}

/** The analysis tab: its pictures' data and the brush (`brush=` in the URL). */
export class AnalysisView extends Loaded<StudyAnalysis> {
  readonly brush: Brush
  /** For each trial row of the parallel coordinates, whether the brush keeps it. */
  readonly kept: Uint8Array
  /** How many trials the brush keeps (all when nothing is brushed). */
  readonly brushed: number
  private readonly api: Api
  private readonly router: Router
  private readonly study: string

  constructor(api: Api, router: Router, study: string) {
    super()
    this.api = api
    this.router = router
    this.study = study
    this.brush = $derived(parseBrush(router.param('brush')))
    this.kept = $derived(this.data ? keptRows(this.data.parallel, this.brush) : new Uint8Array(0))
    this.brushed = $derived(this.kept.reduce((n, k) => n + k, 0))
  }

  reload(): Promise<void> {
    return this.load(() => this.api.studyAnalysis(this.study))
  }

  /** True when some axis is brushed. */
  get active(): boolean {
    return !brushEmpty(this.brush)
  }

  /** Brushes axis `key` with `b`, or clears it (undefined). */
  setAxis(key: string, b: AxisBrush | undefined): void {
    const next: Record<string, AxisBrush> = { ...this.brush }
    if (b === undefined) delete next[key]
    else next[key] = b
    this.router.setQuery({ brush: formatBrush(next) || undefined })
  }

  clear(): void {
    this.router.setQuery({ brush: undefined })
  }

  /** The runs tab's address showing the brushed trials' runs. */
  runsQuery(): Record<string, string> {
    return { brush: formatBrush(this.brush) }
  }
}

/** The most trials whose curves can be asked for (the worker's `MAX_CURVE_TRIALS`). */
export const MAX_CURVE_TRIALS = 200

function parseCount(text: string, fallback: number): number {
  const n = Number(text)
  return text !== '' && Number.isSafeInteger(n) && n >= 1 ? Math.min(n, MAX_CURVE_TRIALS) : fallback
}

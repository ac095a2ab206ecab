/**
 * The study pictures as the worker answers them: from a study's run rows (and,
 * for learning curves, the chosen runs' metric histories), bounded summaries
 * ready to draw. Pure, so tests and benchmarks call them as the worker does.
 */
import type { StudyInfo } from '../model/database.js'
import { leaderboard, type LeaderboardTrial, type RankedRow } from './leaderboard.js'
import { isMetricName, RunState, type Metrics } from '../model/run.js'
import type { Objective } from '../model/study.js'
import { MAX_SERIES_POINTS } from './downsample.js'
import { trialRows } from './trial-board.js'
import { optunaTrialNumber } from '../model/foreign.js'
import { studyAnalysis, whiskers, valuesLabel, MAX_LINES, type StudyAnalysis, type Whisker } from './pictures.js'
import { learningCurve, objectiveHistory, type HistoryAxis, type LearningCurve, type ObjectiveHistory } from './series.js'

/** The objective history picture's data. */
export interface HistoryPicture {
  readonly objective: Objective
  readonly history: ObjectiveHistory
  /** Replicated trials' spread, at each trial's latest run (at most `MAX_WHISKERS`). */
  readonly whiskers: Whisker[]
  /** Replicated trials in all (whiskers drawn may be fewer). */
  readonly replicated: number
  /** What each drawn point's run tried (`pointLabel`), aligned with `history.x`: what hovering a point says. */
  readonly labels: string[]
}

/** A run as hovering its point names it: its value set, and Optuna's trial number for a run from Optuna. */
export function pointLabel(row: Pick<RankedRow, 'values' | 'config'>): string {
  const n = optunaTrialNumber(row.config)
  const values = valuesLabel(row.values)
  return n === undefined ? values : `trial #${n}${values ? ` · ${values}` : ''}`
}

/**
 * The objective of each successful run (its last report) against seq or time
 * (its last update), best so far, downsampled to `maxPoints`; whiskers of the
 * replicated trials' spread. `ranked` gives the rows' trials as
 * `trialBoard(objective, rows)` ranks them, when the caller has them already;
 * it is called only when some trial can have two replicates (`oneReplicate`).
 */
export function historyPicture(
  rows: readonly RankedRow[], objective: Objective, axis: HistoryAxis, maxPoints: number = MAX_SERIES_POINTS,
  ranked?: () => readonly LeaderboardTrial[],
): HistoryPicture {
  const trials = oneReplicate(rows) ? [] : (ranked?.() ?? leaderboard(objective, trialRows(rows).rows).trials)
  const points = []
  const times = axis === 'time' ? new Map<number, number>() : undefined
  for (const r of rows) {
    times?.set(r.seq, r.updated.getTime())
    if (r.state !== RunState.Success || !Object.hasOwn(r.last, objective.metric)) continue
    points.push({ seq: r.seq, time: r.updated.getTime(), value: r.last[objective.metric] as number })
  }
  const w = whiskers(trials, objective.metric, times ? (seq) => times.get(seq) ?? NaN : undefined)
  const history = objectiveHistory(points, objective.direction, axis, maxPoints)
  // Labels of the drawn points only: a few thousand, of up to every run.
  const drawn = new Map(history.seq.map((s, i) => [s, i]))
  const labels = history.seq.map(() => '')
  for (const r of rows) {
    const i = drawn.get(r.seq)
    if (i !== undefined) labels[i] = pointLabel(r)
  }
  return { objective, history, whiskers: w.whiskers, replicated: w.total, labels }
}

/**
 * True when every successful run of `rows` has the same replicate number: no
 * trial then has two replicates, so the history picture has no whiskers and
 * needs no trials ranked (an Optuna study's runs, for one, are all replicate 0).
 */
export function oneReplicate(rows: readonly Pick<RankedRow, 'state' | 'replicate'>[]): boolean {
  let seen: number | undefined
  for (const r of rows) {
    if ((r.state & RunState.Success) === 0) continue
    if (seen === undefined) seen = r.replicate
    else if (r.replicate !== seen) return false
  }
  return true
}

/** The most runs whose learning curves one picture draws. */
export const MAX_CURVES = 200

/** The most trials whose learning curves a picture is asked for (the board's best N). */
export const MAX_CURVE_TRIALS = 200

/** Points one learning curve keeps at most, and all curves of a picture together (more curves, fewer points each). */
export const MAX_CURVE_POINTS = 500
export const CURVE_POINT_BUDGET = 20_000

/** Which runs' curves to draw: those named, or every run of the best `top` trials reporting the objective. */
export interface CurveChoice {
  readonly top?: number
  readonly seqs?: readonly number[]
}

/** A run chosen for a learning curve, with the rank of its trial (0 for a run named directly) and a label. */
export interface ChosenRun { readonly seq: number; readonly replicate: number; readonly rank: number; readonly label: string }

/** Every run the choice names (of the best `top` trials, at most `MAX_CURVE_TRIALS`, or by seq), in rank then seq order. */
export function curveCandidates(board: readonly LeaderboardTrial[], objective: Objective, choice: CurveChoice): ChosenRun[] {
  if (choice.seqs && choice.seqs.length > 0) {
    const wanted = new Set(choice.seqs)
    const out: ChosenRun[] = []
    board.forEach((t, i) => {
      for (const r of t.runs) if (wanted.has(r.seq)) out.push({ seq: r.seq, replicate: r.replicate, rank: i + 1, label: valuesLabel(t.values) })
    })
    return out.sort((a, b) => a.seq - b.seq)
  }
  return board.filter((t) => Object.hasOwn(t.metrics, objective.metric)).slice(0, curveTrials(choice))
    .flatMap((t, i) => t.runs.map((r) => ({ seq: r.seq, replicate: r.replicate, rank: i + 1, label: valuesLabel(t.values) })))
}

/** How many of the best trials reporting the objective a choice of the best `top` names (without `seqs`). */
export function curveTrials(choice: CurveChoice): number {
  return Math.min(MAX_CURVE_TRIALS, Math.max(1, choice.top ?? 5))
}

/** The runs whose curves to draw: the first `MAX_CURVES` of `curveCandidates`. */
export function chooseCurveRuns(board: readonly LeaderboardTrial[], objective: Objective, choice: CurveChoice): ChosenRun[] {
  return curveCandidates(board, objective, choice).slice(0, MAX_CURVES)
}

/** How many points each of `n` curves keeps: `MAX_CURVE_POINTS`, fewer when many curves share `CURVE_POINT_BUDGET` (at least 50). */
export function pointsPerCurve(n: number): number {
  return Math.min(MAX_CURVE_POINTS, Math.max(50, Math.floor(CURVE_POINT_BUDGET / Math.max(1, n))))
}

/** The learning curves picture's data. */
export interface CurvesPicture {
  readonly objective: Objective
  /** The metric drawn. */
  readonly metric: string
  /** Every metric the chosen runs report, sorted (a step is no metric). */
  readonly metrics: string[]
  /** True when the x-axis is the runs' steps; else it is the report index. */
  readonly stepped: boolean
  /** Each curve with its trial's label, and Optuna's trial number for a run from Optuna. */
  readonly curves: (LearningCurve & { readonly label: string; readonly trial?: number })[]
  /** The most points a curve keeps here (long histories are downsampled to it). */
  readonly pointsPerCurve: number
  /** Runs asked for but not drawn, beyond `MAX_CURVES`. */
  readonly cut: number
}

/**
 * The curves of `metric` (default the objective's) over the chosen runs'
 * histories, each downsampled to `pointsPerCurve(chosen.length)` points (or
 * `maxPoints`); `trials` holds Optuna's trial numbers by seq, `cut` how many
 * runs the cap left out.
 */
export function curvesPicture(objective: Objective, chosen: readonly ChosenRun[], histories: readonly (readonly Metrics[])[], metric?: string, maxPoints = pointsPerCurve(chosen.length), extra: { readonly trials?: ReadonlyMap<number, number>; readonly cut?: number } = {}): CurvesPicture {
  const names = new Set<string>()
  for (const h of histories) for (const m of h) for (const k in m) if (isMetricName(k)) names.add(k)
  const drawn = metric && names.has(metric) ? metric : objective.metric
  const curves = chosen.map((c, i) => {
    const trial = extra.trials?.get(c.seq)
    return { seq: c.seq, replicate: c.replicate, rank: c.rank, label: c.label, ...(trial === undefined ? {} : { trial }), ...learningCurve(histories[i] ?? [], drawn, maxPoints) }
  })
  return {
    objective,
    metric: drawn,
    metrics: [...names].sort(),
    stepped: curves.some((c) => c.stepped),
    curves,
    pointsPerCurve: maxPoints,
    cut: extra.cut ?? 0,
  }
}

/** The analysis tab's data, over the study's successful runs (as trials are judged). */
export function analysisPicture(info: StudyInfo, rows: readonly RankedRow[], objective: Objective, maxLines: number = MAX_LINES): StudyAnalysis {
  const board = leaderboard(objective, trialRows(rows).rows)
  return studyAnalysis(board.trials, info.params, objective, maxLines)
}

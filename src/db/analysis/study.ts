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
}

/**
 * The objective of each successful run (its last report) against seq or time
 * (its last update), best so far, downsampled to `maxPoints`; whiskers of the
 * replicated trials' spread.
 */
export function historyPicture(rows: readonly RankedRow[], objective: Objective, axis: HistoryAxis, maxPoints: number = MAX_SERIES_POINTS): HistoryPicture {
  const points = []
  const times = new Map<number, number>()
  for (const r of rows) {
    times.set(r.seq, r.updated.getTime())
    if (r.state !== RunState.Success || !Object.hasOwn(r.last, objective.metric)) continue
    points.push({ seq: r.seq, time: r.updated.getTime(), value: r.last[objective.metric] as number })
  }
  const trials = leaderboard(objective, trialRows(rows).rows).trials
  const w = whiskers(trials, objective.metric, axis === 'time' ? (seq) => times.get(seq) ?? NaN : undefined)
  return { objective, history: objectiveHistory(points, objective.direction, axis, maxPoints), whiskers: w.whiskers, replicated: w.total }
}

/** The most runs whose learning curves one picture draws. */
export const MAX_CURVES = 40

/** Which runs' curves to draw: those named, or every run of the best `top` trials reporting the objective. */
export interface CurveChoice {
  readonly top?: number
  readonly seqs?: readonly number[]
}

/** A run chosen for a learning curve, with the rank of its trial (0 for a run named directly) and a label. */
export interface ChosenRun { readonly seq: number; readonly replicate: number; readonly rank: number; readonly label: string }

/** The runs whose curves to draw (at most `MAX_CURVES`), in rank then seq order. */
export function chooseCurveRuns(board: readonly LeaderboardTrial[], objective: Objective, choice: CurveChoice): ChosenRun[] {
  if (choice.seqs && choice.seqs.length > 0) {
    const wanted = new Set(choice.seqs)
    const out: ChosenRun[] = []
    board.forEach((t, i) => {
      for (const r of t.runs) if (wanted.has(r.seq)) out.push({ seq: r.seq, replicate: r.replicate, rank: i + 1, label: valuesLabel(t.values) })
    })
    return out.sort((a, b) => a.seq - b.seq).slice(0, MAX_CURVES)
  }
  const top = Math.max(1, choice.top ?? 5)
  return board.filter((t) => Object.hasOwn(t.metrics, objective.metric)).slice(0, top)
    .flatMap((t, i) => t.runs.map((r) => ({ seq: r.seq, replicate: r.replicate, rank: i + 1, label: valuesLabel(t.values) })))
    .slice(0, MAX_CURVES)
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
  readonly curves: (LearningCurve & { readonly label: string })[]
}

/** The curves of `metric` (default the objective's) over the chosen runs' histories, each downsampled to `maxPoints`. */
export function curvesPicture(objective: Objective, chosen: readonly ChosenRun[], histories: readonly (readonly Metrics[])[], metric?: string, maxPoints = 500): CurvesPicture {
  const names = new Set<string>()
  for (const h of histories) for (const m of h) for (const k in m) if (isMetricName(k)) names.add(k)
  const drawn = metric && names.has(metric) ? metric : objective.metric
  const curves = chosen.map((c, i) => ({ seq: c.seq, replicate: c.replicate, rank: c.rank, label: c.label, ...learningCurve(histories[i] ?? [], drawn, maxPoints) }))
  return {
    objective,
    metric: drawn,
    metrics: [...names].sort(),
    stepped: curves.some((c) => c.stepped),
    curves,
  }
}

/** The analysis tab's data, over the study's successful runs (as trials are judged). */
export function analysisPicture(info: StudyInfo, rows: readonly RankedRow[], objective: Objective, maxLines: number = MAX_LINES): StudyAnalysis {
  const board = leaderboard(objective, trialRows(rows).rows)
  return studyAnalysis(board.trials, info.params, objective, maxLines)
}

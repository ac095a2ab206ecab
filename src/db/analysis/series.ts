/**
 * The objective over a study's history: each run's objective value (its last
 * report) against its seq or the time it was last updated, with the best value
 * so far, as a tuner reads progress. Pure over run rows.
 */
import { entrySteps, type Metrics } from '../model/run.js'
import type { Objective } from '../model/study.js'
import { downsample, minMaxIndices, MAX_SERIES_POINTS } from './downsample.js'

/** One run's objective value, placed in the study's history. */
export interface ObjectivePoint {
  readonly seq: number
  /** When the run last reported (epoch ms). */
  readonly time: number
  readonly value: number
}

/** What the history is drawn against. */
export type HistoryAxis = 'seq' | 'time'

/**
 * The best value among `values[0..i]` for every i, under `direction`: NaN
 * never counts as best (before the first non-NaN value the best is NaN).
 */
export function bestSoFar(values: ArrayLike<number>, direction: Objective['direction']): Float64Array {
  const out = new Float64Array(values.length)
  let best = NaN
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (!Number.isNaN(v) && (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best))) best = v
    out[i] = best
  }
  return out
}

/** The objective history as drawn. */
export interface ObjectiveHistory {
  readonly axis: HistoryAxis
  /** Seq, or time in epoch seconds, of each drawn point, ascending. */
  readonly x: number[]
  /** The run (its seq) of each drawn point. */
  readonly seq: number[]
  /** The run's objective value at each drawn point. */
  readonly value: number[]
  /** The best value so far at each drawn point (over every run, not only the drawn ones). */
  readonly best: number[]
  /** Runs with a finite objective value. */
  readonly total: number
}

/**
 * The history of `points` ordered by `axis` (ties by seq), with the best value
 * so far over all of them, downsampled to at most `maxPoints` by `minMaxIndices`
 * on the values: every bucket's least and greatest run survive, so each new
 * best is drawn at its own run or, when that run shares its bucket with a
 * better one, at the latter (at most one bucket later).
 */
export function objectiveHistory(points: readonly ObjectivePoint[], direction: Objective['direction'], axis: HistoryAxis, maxPoints: number = MAX_SERIES_POINTS): ObjectiveHistory {
  const sorted = points.filter((p) => Number.isFinite(p.value))
    .sort((a, b) => (axis === 'time' ? a.time - b.time : 0) || a.seq - b.seq)
  const values = sorted.map((p) => p.value)
  const best = bestSoFar(values, direction)
  const keep = minMaxIndices(values, maxPoints)
  const xOf = (p: ObjectivePoint) => (axis === 'time' ? p.time / 1000 : p.seq)
  return {
    axis,
    x: keep.map((i) => xOf(sorted[i] as ObjectivePoint)),
    seq: keep.map((i) => (sorted[i] as ObjectivePoint).seq),
    value: keep.map((i) => values[i] as number),
    best: keep.map((i) => best[i] as number),
    total: values.length,
  }
}

/** One run's learning curve as drawn. */
export interface LearningCurve {
  readonly seq: number
  readonly replicate: number
  /** 1-based rank of the trial the run belongs to. */
  readonly rank: number
  /** The drawn points' steps (`entrySteps`), or report indices (1-based) when the run reports no steps. */
  readonly x: number[]
  readonly y: number[]
  /** Finite reports of the metric in the full history. */
  readonly total: number
}

/**
 * The curve of `metric` over a run's metric `history` (one entry per report,
 * x = its step, or its 1-based index when the run reports no steps),
 * downsampled to at most `maxPoints` keeping every bucket's extremes; reports
 * lacking the metric, or non-finite, are left out. `stepped` says which x it is.
 */
export function learningCurve(history: readonly Metrics[], metric: string, maxPoints: number = MAX_SERIES_POINTS): { x: number[]; y: number[]; total: number; stepped: boolean } {
  const { steps, stepped } = entrySteps(history)
  const xs: number[] = []
  const ys: number[] = []
  history.forEach((m, i) => {
    if (Object.hasOwn(m, metric)) {
      xs.push(stepped ? steps[i] as number : i + 1)
      ys.push(m[metric] as number)
    }
  })
  return { ...downsample(xs, ys, maxPoints), stepped }
}

/**
 * The summaries the study pictures draw, made from a study's ranked,
 * replicate-averaged trials: bounded in size whatever the study's, so they
 * cross to the page cheaply and draw in a few milliseconds.
 */
import type { Params } from '../model/params.js'
import type { Metrics } from '../model/run.js'
import type { Objective } from '../model/study.js'
import { distinctShortTexts, formatValueShort } from '../model/display.js'
import { valueKey, type Value, type Values } from '../model/values.js'
import { paramImportance, type ParamImportance } from './importance.js'
import type { Interval } from './spread.js'
import { sampleRows, trialTable, type Axis, type NumericAxis } from './table.js'

/** What the pictures read of a ranked trial (a leaderboard's trial has it all). */
export interface PictureTrial {
  readonly values: Values
  readonly metrics: Metrics
  readonly replicates: readonly number[]
  readonly spread: Readonly<Record<string, { min: number; max: number }>>
  readonly ci: Readonly<Record<string, Interval>>
  /** Per metric, how many picked replicates report it. */
  readonly reporting: Readonly<Record<string, number>>
  readonly runs: readonly { readonly seq: number }[]
}

/** The most lines parallel coordinates draw (and points a slice draws). */
export const MAX_LINES = 2000
/** The most trials the replicate-spread picture lists. */
export const MAX_SPREAD_ROWS = 30
/** The most whiskers the objective history draws. */
export const MAX_WHISKERS = 1000

/** Parallel coordinates: every trial's numbers (for brushing counts), and which of them are drawn. */
export interface ParallelCoordinates {
  /** The param axes, then the objective's axis last. */
  readonly axes: Axis[]
  /** Per axis, every trial's number (as `TrialTable.columns`, the objective last). */
  readonly columns: Float64Array[]
  /** Rows drawn as lines: all, or `MAX_LINES` of them (see `sampleRows`). */
  readonly drawn: Uint32Array
  /** Trials reporting the objective (rows). */
  readonly total: number
}

/** One param's slice: the objective against it, over the drawn trials. */
export interface Slice {
  readonly axis: Axis
  /** The drawn trials' param numbers (value, or category index). */
  readonly x: number[]
  readonly y: number[]
  /** Each point's trial, as an index into `StudyAnalysis.drawnTrials`. */
  readonly trial: number[]
  /** For a categorical axis, the mean objective of each category over all trials (NaN for none). */
  readonly means: number[]
}

/** One trial's replicate spread of the objective. */
export interface SpreadRow {
  /** 1-based rank on the leaderboard. */
  readonly rank: number
  /** The value set, as `name=value` pairs. */
  readonly label: string
  /** The values alone, in the order of `StudyAnalysis.valueNames` ('' where the trial lacks one). */
  readonly values: string[]
  readonly n: number
  readonly mean: number
  readonly min: number
  readonly max: number
  readonly ci?: Interval
}

/** Everything the analysis tab draws. */
export interface StudyAnalysis {
  readonly objective: Objective
  readonly parallel: ParallelCoordinates
  readonly slices: Slice[]
  readonly importance: ParamImportance[]
  /** The best-ranked trials' spread (at most `MAX_SPREAD_ROWS`). */
  readonly spread: SpreadRow[]
  /** The parameter names, in the order of each spread row's `values`. */
  readonly valueNames: string[]
  /** Trials with 2 or more replicates reporting the objective. */
  readonly replicated: number
  /** The drawn trials (as `parallel.drawn` orders them): what hovering one of their points names, and the run a click opens. */
  readonly drawnTrials: DrawnTrial[]
}

/** A trial drawn in the pictures: its rank on the leaderboard, its first run, and its values as `a=1, b=adam`. */
export interface DrawnTrial { readonly rank: number; readonly seq: number; readonly label: string }

/**
 * The analysis of `ranked` trials (best first, as a leaderboard ranks them)
 * of a study with `params`, for `objective`.
 */
export function studyAnalysis(ranked: readonly PictureTrial[], params: Params, objective: Objective, maxLines: number = MAX_LINES): StudyAnalysis {
  const table = trialTable(ranked, params, objective)
  const drawn = sampleRows(table.objective, objective.direction, maxLines)
  const slices = table.axes.map((axis, i) => slice(axis, table.columns[i] as Float64Array, table.objective, drawn))
  const drawnTrials = Array.from(drawn, (row): DrawnTrial => {
    const at = table.trial[row] as number
    const t = ranked[at] as PictureTrial
    return { rank: at + 1, seq: t.runs[0]?.seq ?? 0, label: valuesLabel(t.values) }
  })
  const names = table.axes.map((a) => a.label)
  const replicatedRows = ranked.filter((t) => replicateCount(t, objective.metric) >= 2)
  return {
    objective,
    parallel: { axes: [...table.axes, table.objectiveAxis], columns: [...table.columns, table.objective], drawn, total: table.objective.length },
    slices,
    importance: paramImportance(table.axes, table.columns, table.objective),
    spread: spreadRows(ranked.slice(0, MAX_SPREAD_ROWS), objective.metric, names),
    valueNames: names,
    replicated: replicatedRows.length,
    drawnTrials,
  }
}

function slice(axis: Axis, column: Float64Array, objective: Float64Array, drawn: Uint32Array): Slice {
  const x: number[] = []
  const y: number[] = []
  const trial: number[] = []
  drawn.forEach((i, k) => {
    if (Number.isNaN(column[i] as number) || !Number.isFinite(objective[i] as number)) return
    x.push(column[i] as number)
    y.push(objective[i] as number)
    trial.push(k)
  })
  return { axis, x, y, trial, means: axis.kind === 'categorical' ? categoryMeans(axis.labels.length, column, objective) : [] }
}

function categoryMeans(categories: number, column: Float64Array, objective: Float64Array): number[] {
  const sum = new Float64Array(categories)
  const count = new Float64Array(categories)
  column.forEach((c, i) => {
    const y = objective[i] as number
    if (Number.isNaN(c) || !Number.isFinite(y)) return
    sum[c] = (sum[c] as number) + y
    count[c] = (count[c] as number) + 1
  })
  return Array.from(sum, (s, c) => ((count[c] as number) > 0 ? s / (count[c] as number) : NaN))
}

/** How many picked replicates report `metric`. */
function replicateCount(t: PictureTrial, metric: string): number {
  return Object.hasOwn(t.reporting, metric) ? (t.reporting[metric] as number) : 0
}

/** The spread rows of `trials` (ranked), each param's values in short texts that tell apart the values shown. */
function spreadRows(trials: readonly PictureTrial[], metric: string, names: readonly string[]): SpreadRow[] {
  const texts = names.map((n) => {
    const shown = new Map<string, Value>()
    for (const t of trials) if (Object.hasOwn(t.values, n)) shown.set(valueKey(t.values[n] as Value), t.values[n] as Value)
    const made = distinctShortTexts([...shown.values()])
    return new Map([...shown.keys()].map((key, i) => [key, made[i] as string]))
  })
  return trials.flatMap((t, i) => {
    const s = Object.hasOwn(t.spread, metric) ? t.spread[metric] : undefined
    if (s === undefined || !Object.hasOwn(t.metrics, metric)) return []
    const ci = Object.hasOwn(t.ci, metric) ? t.ci[metric] : undefined
    const values = names.map((n, k) => (Object.hasOwn(t.values, n) ? texts[k]?.get(valueKey(t.values[n] as Value)) ?? '' : ''))
    return [{ rank: i + 1, label: valuesLabel(t.values), values, n: replicateCount(t, metric), mean: t.metrics[metric] as number, min: s.min, max: s.max, ...(ci ? { ci } : {}) }]
  })
}

/** `a=1, b=adam`: a value set in name order, floats to a few significant digits. */
export function valuesLabel(values: Values): string {
  return Object.keys(values).sort().map((k) => `${k}=${formatValueShort(values[k] as Values[string])}`).join(', ')
}

/** One trial's replicate spread in the objective history, at its latest run. */
export interface Whisker {
  /** The trial's latest run's seq, or its time in epoch seconds. */
  readonly x: number
  readonly min: number
  readonly max: number
  readonly ci?: Interval
}

/**
 * Whiskers for the trials with 2 or more replicates reporting `metric`, each
 * at its latest run (by seq, or by `timeOf(seq)` in epoch ms when given),
 * ascending; at most `max`, spread evenly when there are more.
 */
export function whiskers(trials: readonly PictureTrial[], metric: string, timeOf?: (seq: number) => number, max: number = MAX_WHISKERS): { whiskers: Whisker[]; total: number } {
  const all: Whisker[] = []
  for (const t of trials) {
    const s = Object.hasOwn(t.spread, metric) ? t.spread[metric] : undefined
    if (s === undefined || replicateCount(t, metric) < 2 || t.runs.length === 0) continue
    const x = timeOf ? Math.max(...t.runs.map((r) => timeOf(r.seq))) / 1000 : Math.max(...t.runs.map((r) => r.seq))
    const ci = Object.hasOwn(t.ci, metric) ? t.ci[metric] : undefined
    if (Number.isFinite(x) && Number.isFinite(s.min) && Number.isFinite(s.max)) all.push({ x, min: s.min, max: s.max, ...(ci ? { ci } : {}) })
  }
  all.sort((a, b) => a.x - b.x)
  if (all.length <= max) return { whiskers: all, total: all.length }
  return { whiskers: Array.from({ length: max }, (_, k) => all[Math.floor((k * all.length) / max)] as Whisker), total: all.length }
}

export type { Axis, NumericAxis, ParamImportance }

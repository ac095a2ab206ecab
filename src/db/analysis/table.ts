/**
 * A study's replicated trials as a table of numbers, one column per parameter
 * (an axis: numeric, or categorical for discrete params), plus the objective:
 * what parallel coordinates, slices and importance draw or compute from.
 * Pure over plain trials (a leaderboard's), so the worker builds it once.
 */
import type { Params } from '../model/params.js'
import type { Metrics } from '../model/run.js'
import type { Objective } from '../model/study.js'
import { distinctShortTexts } from '../model/display.js'
import { compareValues, valueKey, valueNumber, type Value, type Values } from '../model/values.js'

/** An axis over a numeric parameter (a range): values as they are, on a log scale for a log-scale range, or when they span 100× or more and are all positive. */
export interface NumericAxis {
  readonly kind: 'numeric'
  /** `v.<param>` for a parameter, `m.<metric>` for the objective (as the runs table names columns). */
  readonly key: string
  readonly label: string
  readonly min: number
  readonly max: number
  readonly log: boolean
}

/** An axis over a discrete parameter: its values in the param's order (then any others seen, in value order). */
export interface CategoricalAxis {
  readonly kind: 'categorical'
  readonly key: string
  readonly label: string
  /** How each category is written. */
  readonly labels: string[]
  /** Each category's `valueKey`, which identifies it in a brush. */
  readonly keys: string[]
}

/** One axis of a trial table. */
export type Axis = NumericAxis | CategoricalAxis

/** What a trial table is made from: a replicated trial's values and (averaged) metrics. */
export interface TableTrial {
  readonly values: Values
  readonly metrics: Metrics
}

/** Trials as columns of numbers. */
export interface TrialTable {
  /** One axis per parameter, in name order. */
  readonly axes: Axis[]
  /** Per axis, each trial's number: the value for a numeric axis, the category index for a categorical one; NaN where the trial lacks it. */
  readonly columns: Float64Array[]
  /** The objective axis (numeric, over the finite values). */
  readonly objectiveAxis: NumericAxis
  /** Each trial's objective value (the replicate mean). */
  readonly objective: Float64Array
  /** For each row, the index of its trial among those given. */
  readonly trial: Uint32Array
}

/** More distinct numeric values than this make an undeclared parameter a numeric axis. */
const CATEGORICAL_LIMIT = 12

/**
 * The table of the `trials` that report the objective's metric (others are
 * left out). Axes: every param of `params` and any other value name seen,
 * sorted by name; discrete params are categorical, ranges numeric.
 */
export function trialTable(trials: readonly TableTrial[], params: Params, objective: Objective): TrialTable {
  const rows: number[] = []
  trials.forEach((t, i) => { if (Object.hasOwn(t.metrics, objective.metric)) rows.push(i) })
  const kept = rows.map((i) => trials[i] as TableTrial)
  const names = new Set(Object.keys(params))
  for (const t of kept) for (const k in t.values) names.add(k)
  const axes: Axis[] = []
  const columns: Float64Array[] = []
  for (const name of [...names].sort()) {
    const seen = kept.map((t) => (Object.hasOwn(t.values, name) ? t.values[name] : undefined))
    const param = Object.hasOwn(params, name) ? params[name] : undefined
    const { axis, column } = param?.type === 'range' || (param === undefined && looksNumeric(seen))
      ? numericAxis(`v.${name}`, name, seen.map((v) => (v === undefined ? NaN : valueNumber(v) ?? NaN)), true, param?.type === 'range' && param.log === true)
      : categoricalAxis(`v.${name}`, name, param?.type === 'discrete' ? param.values : [], seen)
    axes.push(axis)
    columns.push(column)
  }
  const objectiveValues = Float64Array.from(kept, (t) => t.metrics[objective.metric] as number)
  const objectiveAxis = numericAxis(`m.${objective.metric}`, objective.metric, objectiveValues, false).axis as NumericAxis
  return { axes, columns, objectiveAxis, objective: objectiveValues, trial: Uint32Array.from(rows) }
}

function looksNumeric(seen: readonly (Value | undefined)[]): boolean {
  const distinct = new Set<number>()
  for (const v of seen) {
    if (v === undefined) continue
    const x = valueNumber(v)
    if (x === undefined || v.kind === 'bool') return false
    distinct.add(x)
  }
  return distinct.size > CATEGORICAL_LIMIT
}

/** A numeric axis over `xs`: on a log scale when `log` (a log-scale param, whose values are above 0), or when `allowLog` and they span 100× or more. */
function numericAxis(key: string, label: string, xs: ArrayLike<number>, allowLog = true, log = false): { axis: Axis; column: Float64Array } {
  const column = Float64Array.from(xs)
  let min = Infinity
  let max = -Infinity
  for (const x of column) {
    if (!Number.isFinite(x)) continue
    if (x < min) min = x
    if (x > max) max = x
  }
  if (min > max) [min, max] = [0, 1]
  return { axis: { kind: 'numeric', key, label, min, max, log: min > 0 && (log || (allowLog && max / min >= 100)) }, column }
}

function categoricalAxis(key: string, label: string, declared: readonly Value[], seen: readonly (Value | undefined)[]): { axis: Axis; column: Float64Array } {
  const index = new Map<string, number>()
  const values: Value[] = []
  for (const v of declared) if (!index.has(valueKey(v))) { index.set(valueKey(v), values.length); values.push(v) }
  const extra = new Map<string, Value>()
  for (const v of seen) if (v !== undefined && !index.has(valueKey(v))) extra.set(valueKey(v), v)
  for (const v of [...extra.values()].sort(compareValues)) { index.set(valueKey(v), values.length); values.push(v) }
  const column = Float64Array.from(seen, (v) => (v === undefined ? NaN : index.get(valueKey(v)) ?? NaN))
  return { axis: { kind: 'categorical', key, label, labels: distinctShortTexts(values), keys: values.map(valueKey) }, column }
}

/**
 * At most `max` row indices of `objective` to draw, ascending: all when there
 * are few enough; otherwise the best quarter of `max` (under `direction`), and
 * the rest spread evenly over the other rows, so the picture shows both the
 * region that matters and the study's overall shape.
 */
export function sampleRows(objective: ArrayLike<number>, direction: Objective['direction'], max: number): Uint32Array {
  const n = objective.length
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i)
  const sign = direction === 'minimize' ? 1 : -1
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const va = objective[a] as number
    const vb = objective[b] as number
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number(Number.isNaN(va)) - Number(Number.isNaN(vb)) || a - b
    return sign * (va - vb) || a - b
  })
  const bestCount = Math.floor(max / 4)
  const picked = new Set<number>(order.subarray(0, bestCount))
  const rest = max - bestCount
  const others = n - bestCount
  for (let k = 0; k < rest; k++) picked.add(order[bestCount + Math.floor((k * others) / rest)] as number)
  return Uint32Array.from([...picked].sort((a, b) => a - b))
}

/**
 * The leaderboard as Diviner's `leaderboard` command shows it, over the trials
 * the worker ranked: the objective override, which value and metric columns to
 * show (comma-separated regular expressions), the top N, and value columns that
 * are constant across the shown trials (hidden, and said so).
 */
import { isMetricName, STEP_KEY, type Metrics } from '../../db/model/run.js'
import { formatValueShort } from '../../db/model/display.js'
import { valueKey, type Value, type Values } from '../../db/model/values.js'

/** An objective override as the worker takes it. */
export type ObjectiveSpec = `+${string}` | `-${string}`

/**
 * Reads an override as Diviner does: `-metric` minimizes, `+metric` or a bare
 * `metric` maximizes; blank is no override. A missing metric name is an error.
 */
export function parseObjective(text: string): { spec?: ObjectiveSpec; error?: string } {
  const t = text.trim()
  if (t === '') return {}
  const sign = t[0] === '-' || t[0] === '+' ? t[0] : '+'
  const metric = t[0] === '-' || t[0] === '+' ? t.slice(1).trim() : t
  if (metric === '') return { error: 'name a metric after + or -' }
  if (metric === STEP_KEY) return { error: `${STEP_KEY} is each report's place on the x-axis, not a metric to rank by` }
  return { spec: sign === '-' ? `-${metric}` : `+${metric}` }
}

/**
 * The names matching a comma-separated list of regular expressions (each
 * unanchored, as Go's `MatchString`), grouped by the first expression they
 * match, sorted within a group; the groups keep the list's order. A blank list
 * matches nothing. Throws a SyntaxError for a bad expression.
 */
export function matchAndSort(names: Iterable<string>, patterns: string): string[] {
  const left = new Set(names)
  const out: string[] = []
  if (patterns.trim() === '') return out
  for (const p of patterns.split(',')) {
    const re = new RegExp(p)
    const group = [...left].filter((n) => re.test(n)).sort()
    for (const n of group) left.delete(n)
    out.push(...group)
  }
  return out
}

/** A value column whose value is the same in every shown trial. */
export interface ConstantColumn { readonly name: string; readonly value: Value }

/**
 * The names among `names` whose value is present and equal (kind-aware) in
 * every one of `trials`; none when fewer than two trials are shown, where
 * nothing is learnt by hiding.
 */
export function constantColumns(trials: readonly { readonly values: Values }[], names: readonly string[]): ConstantColumn[] {
  const first = trials[0]
  if (first === undefined || trials.length < 2) return []
  const out: ConstantColumn[] = []
  for (const name of names) {
    const v = Object.hasOwn(first.values, name) ? first.values[name] : undefined
    if (v === undefined) continue
    const key = valueKey(v)
    const same = trials.every((t) => Object.hasOwn(t.values, name) && valueKey(t.values[name] as Value) === key)
    if (same) out.push({ name, value: v })
  }
  return out
}

/** "hidden: optimizer=adam, batch=32 (constant)", or '' when nothing is hidden. */
export function hiddenNote(hidden: readonly ConstantColumn[]): string {
  if (hidden.length === 0) return ''
  return `hidden: ${hidden.map((c) => `${c.name}=${formatValueShort(c.value)}`).join(', ')} (constant)`
}

/** "3 trials lack acc" (or "1 trial lacks acc"), or '' when none do. */
export function lackingNote(lacking: number, metric: string): string {
  if (lacking === 0) return ''
  return lacking === 1 ? `1 trial lacks ${metric}` : `${lacking} trials lack ${metric}`
}

/** What the leaderboard shows. */
export interface BoardView<T> {
  /** The top trials that report the objective, best first. */
  readonly shown: readonly T[]
  /** Value columns shown, in order. */
  readonly values: readonly string[]
  /** Value columns hidden as constant. */
  readonly hidden: readonly ConstantColumn[]
  /** Metric columns after the objective, in order. */
  readonly metrics: readonly string[]
}

/** Options of the view, as the URL holds them. */
export interface BoardOptions {
  readonly top: number
  /** Regular expressions choosing value columns (Diviner's default `.`: all). */
  readonly values: string
  /** Regular expressions choosing extra metric columns (default none). */
  readonly metrics: string
  /** Show constant value columns instead of hiding them. */
  readonly showConstant: boolean
}

/**
 * The view of ranked trials: the first `top` (all when `top` ≤ 0) that report
 * `objective`, the chosen value columns less the constant ones, and the chosen
 * metrics other than the objective. Throws a SyntaxError for a bad expression.
 */
export function boardView<T extends { readonly values: Values; readonly metrics: Metrics }>(
  ranked: readonly T[], objective: string, options: BoardOptions,
): BoardView<T> {
  const having = ranked.filter((t) => Object.hasOwn(t.metrics, objective))
  const shown = options.top > 0 ? having.slice(0, options.top) : having
  const valueNames = new Set<string>()
  const metricNames = new Set<string>()
  for (const t of shown) {
    for (const k in t.values) valueNames.add(k)
    for (const k in t.metrics) if (k !== objective && isMetricName(k)) metricNames.add(k)
  }
  const chosen = matchAndSort(valueNames, options.values)
  const hidden = options.showConstant ? [] : constantColumns(shown, chosen)
  const hiddenNames = new Set(hidden.map((c) => c.name))
  return {
    shown,
    values: chosen.filter((n) => !hiddenNames.has(n)),
    hidden,
    metrics: matchAndSort(metricNames, options.metrics),
  }
}

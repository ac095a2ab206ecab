/**
 * A run's metric history as a table: the column names, the TSV Diviner's
 * `metrics` command writes, CSV, and the arrays a chart draws. An entry's
 * step (`STEP_KEY`) is its x, never a metric.
 */
import { entrySteps, isMetricName, STEP_KEY, type Metrics } from '../../db/model/run.js'
import { formatFloatPlain } from '../study/cells.js'

/** Every metric name reported over the history, sorted (a step is no metric). */
export function metricNames(history: readonly Metrics[]): string[] {
  const names = new Set<string>()
  for (const m of history) for (const k in m) if (isMetricName(k)) names.add(k)
  return [...names].sort()
}

/**
 * A field as Go's `encoding/csv` writes it with separator `sep`: quoted
 * (quotes doubled) when it holds the separator, a quote, a line break, or
 * starts with white space.
 */
function field(text: string, sep: string): string {
  const quote = text.includes(sep) || /["\r\n]/.test(text) || /^\s/.test(text) || text === '\\.'
  return quote ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * The history as Diviner's `metrics` command writes it: a header of the sorted
 * metric names, then one line per report with each value in plain decimal
 * (`strconv.FormatFloat(v, 'f', -1, 64)`), `NA` where a report lacks a metric.
 * When the run reports steps, the first column is each entry's step (as
 * `entrySteps` places it), then the metrics. `sep` is a tab (TSV) or a comma (CSV).
 */
export function metricsText(history: readonly Metrics[], sep: '\t' | ','): string {
  const names = metricNames(history)
  const { steps, stepped } = entrySteps(history)
  const lines = [[...(stepped ? [STEP_KEY] : []), ...names].map((n) => field(n, sep)).join(sep)]
  history.forEach((m, i) => {
    const cells = names.map((n) => (Object.hasOwn(m, n) ? formatFloatPlain(m[n] as number) : 'NA'))
    lines.push((stepped ? [formatFloatPlain(steps[i] as number), ...cells] : cells).join(sep))
  })
  return lines.join('\n') + '\n'
}

/**
 * The chart's data: x is each entry's step (the report index when the run
 * reports none), then one series per name with `null` where a report lacks
 * the metric or holds NaN or ±Infinity (a gap).
 */
export function chartData(history: readonly Metrics[], names: readonly string[]): [number[], ...(number | null)[][]] {
  const x = entrySteps(history).steps
  const series = names.map((n) => history.map((m) => {
    const v = Object.hasOwn(m, n) ? (m[n] as number) : NaN
    return Number.isFinite(v) ? v : null
  }))
  return [x, ...series]
}

/** The metrics a `chart` query parameter picks among `names`: absent is all, `none` is none. */
export function chosenMetrics(names: readonly string[], param: string): string[] {
  if (param === '') return [...names]
  const wanted = new Set(param.split(','))
  return names.filter((n) => wanted.has(n))
}

/** The `chart` query parameter for `chosen` among `names` ('' when all are chosen). */
export function chosenParam(names: readonly string[], chosen: readonly string[]): string {
  if (names.every((n) => chosen.includes(n))) return ''
  return chosen.length === 0 ? 'none' : chosen.join(',')
}

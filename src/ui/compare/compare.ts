/**
 * Comparing 2 to 5 runs or trials: what the route names, the table of their
 * facts, values and last metrics with the rows that differ marked, and their
 * learning curves as chart data. Plain functions of runs, so tests share them.
 */
import { formatValueShort } from '../../db/model/display.js'
import { displayState, entrySteps, isMetricName, RunState, type Metrics, type Run } from '../../db/model/run.js'
import { valueKey, type Values } from '../../db/model/values.js'
import { hrefOf } from '../router.svelte.js'
import { formatMetric, formatRuntime } from '../study/cells.js'

/** How many runs or trials a comparison holds. */
export const MIN_COMPARED = 2
export const MAX_COMPARED = 5

/** What is compared: runs by seq, or trials each given by the seqs of its runs. */
export type CompareSpec = { readonly runs: readonly number[] } | { readonly trials: readonly (readonly number[])[] }

/** The route of a comparison of `spec` in `study`: `#/compare/<study>?runs=1,2` or `?trials=1.2,3.4`. */
export function compareHref(study: string, spec: CompareSpec): string {
  const query: Record<string, string> = 'runs' in spec ? { runs: spec.runs.join(',') } : { trials: spec.trials.map((t) => t.join('.')).join(',') }
  return hrefOf({ name: 'compare', study }, query)
}

/** The comparison a route's query names, or why it names none. */
export function parseCompare(query: URLSearchParams): { spec?: CompareSpec; error?: string } {
  const seqs = (text: string, sep: string) => text.split(sep).map((s) => Number(s))
  const ok = (xs: number[]) => xs.length > 0 && xs.every((n) => Number.isSafeInteger(n) && n >= 1)
  const runs = query.get('runs')
  const trials = query.get('trials')
  let spec: CompareSpec
  if (runs !== null) {
    const list = [...new Set(seqs(runs, ','))]
    if (!ok(list)) return { error: `runs=${runs}: write the runs' seqs separated by commas, as runs=3,7,12` }
    spec = { runs: list }
  } else if (trials !== null) {
    const list = trials.split(',').map((t) => seqs(t, '.'))
    if (!list.every(ok)) return { error: `trials=${trials}: write each trial as its runs' seqs joined by dots, trials separated by commas, as trials=1.2,5.6` }
    spec = { trials: list }
  } else {
    return { error: 'nothing to compare: the address names no runs (?runs=…) and no trials (?trials=…)' }
  }
  const n = 'runs' in spec ? spec.runs.length : spec.trials.length
  if (n < MIN_COMPARED || n > MAX_COMPARED) return { error: `compare ${MIN_COMPARED} to ${MAX_COMPARED} runs or trials (the address names ${n})` }
  return { spec }
}

/** One compared column: a run, or a trial (its runs). */
export interface Compared {
  /** `study:seq` for a run; `trial 1 (study:3, study:4)` for a trial. */
  readonly label: string
  readonly runs: readonly Run[]
}

/** One row of the comparison table. */
export interface CompareRow {
  readonly group: 'run' | 'value' | 'metric'
  readonly label: string
  /** One text per compared column. */
  readonly cells: readonly string[]
  /** True when the columns do not all agree. */
  readonly differs: boolean
}

function allSame(keys: readonly string[]): boolean {
  return keys.every((k) => k === keys[0])
}

function row(group: CompareRow['group'], label: string, cells: string[], keys: string[] = cells): CompareRow {
  return { group, label, cells, differs: !allSame(keys) }
}

/**
 * Each metric averaged over the runs' last entries that report it (as a trial
 * averages its replicates): of the successful runs, as a leaderboard's trial
 * is made of them; of all the runs when none succeeded (a running trial).
 */
export function meanLast(runs: readonly Run[]): Metrics {
  const sums = new Map<string, { sum: number; n: number }>()
  const done = runs.filter((r) => r.state === RunState.Success)
  for (const r of done.length > 0 ? done : runs) {
    for (const [k, v] of Object.entries(r.metrics.at(-1) ?? {})) {
      const s = sums.get(k) ?? { sum: 0, n: 0 }
      s.sum += v
      s.n++
      sums.set(k, s)
    }
  }
  return Object.fromEntries([...sums].map(([k, s]) => [k, s.sum / s.n]))
}

/** The values the runs share (a trial's value set is its first run's). */
function valuesOf(c: Compared): Values {
  return c.runs[0]?.values ?? {}
}

function stateText(runs: readonly Run[]): string {
  if (runs.length === 1) return displayState(runs[0] as Run)
  const counts = (['pending', 'success', 'failure', 'pruned'] as const)
    .map((s) => [s, runs.filter((r) => displayState(r) === s).length] as const)
    .filter(([, n]) => n > 0)
  return counts.map(([name, n]) => `${n} ${name}`).join(', ')
}

/** The comparison table: facts, then every value name, then every last-metric name (sorted), each row marked when it differs. */
export function compareRows(columns: readonly Compared[]): CompareRow[] {
  const trials = columns.some((c) => c.runs.length !== 1)
  const rows: CompareRow[] = [
    row('run', 'State', columns.map((c) => stateText(c.runs))),
  ]
  if (trials) {
    rows.push(row('run', 'Runs', columns.map((c) => String(c.runs.length))))
    rows.push(row('run', 'Replicates', columns.map((c) => c.runs.map((r) => r.replicate).sort((a, b) => a - b).join(', '))))
  } else {
    rows.push(row('run', 'Status', columns.map((c) => c.runs[0]?.status ?? '')))
    rows.push(row('run', 'Replicate', columns.map((c) => String(c.runs[0]?.replicate ?? ''))))
  }
  const runtimes = columns.map((c) => c.runs.reduce((t, r) => t + r.runtime, 0) / Math.max(1, c.runs.length))
  rows.push(row('run', trials ? 'Runtime (mean)' : 'Runtime', runtimes.map(formatRuntime), runtimes.map((t) => String(Math.floor(t / 1000)))))
  rows.push(row('run', 'Reports', columns.map((c) => c.runs.map((r) => r.metrics.length).join(', '))))

  const valueNames = new Set<string>()
  for (const c of columns) for (const k in valuesOf(c)) valueNames.add(k)
  for (const name of [...valueNames].sort()) {
    const vs = columns.map((c) => (Object.hasOwn(valuesOf(c), name) ? valuesOf(c)[name] : undefined))
    rows.push(row('value', name, vs.map((v) => (v === undefined ? '—' : formatValueShort(v))), vs.map((v) => (v === undefined ? '' : valueKey(v)))))
  }

  const lasts = columns.map((c) => meanLast(c.runs))
  const metricNames = new Set<string>()
  for (const m of lasts) for (const k in m) if (isMetricName(k)) metricNames.add(k)
  for (const name of [...metricNames].sort()) {
    const ms = lasts.map((m) => (Object.hasOwn(m, name) ? m[name] : undefined))
    rows.push(row('metric', name, ms.map((v) => (v === undefined ? '—' : formatMetric(v, 6))), ms.map((v) => (v === undefined ? '' : String(v)))))
  }
  return rows
}

/** The metric names any compared run reported, sorted (a step is no metric). */
export function curveNames(columns: readonly Compared[]): string[] {
  const names = new Set<string>()
  for (const c of columns) for (const r of c.runs) for (const m of r.metrics) for (const k in m) if (isMetricName(k)) names.add(k)
  return [...names].sort()
}

/**
 * uPlot data overlaying metric `name` of each column against the step (the
 * report index for runs reporting no steps): a run's history, or a trial's
 * mean over its runs at each step (of the runs that reported it there; a
 * later report at the same step replaces an earlier one). Missing and
 * non-finite points are gaps.
 */
export function curveData(columns: readonly Compared[], name: string): [number[], ...(number | null)[][]] {
  const perColumn = columns.map((c) => {
    const sums = new Map<number, { sum: number; n: number }>()
    for (const r of c.runs) {
      const at = new Map<number, number>()
      const { steps } = entrySteps(r.metrics)
      r.metrics.forEach((m, i) => {
        const v = Object.hasOwn(m, name) ? m[name] : undefined
        if (v !== undefined && Number.isFinite(v)) at.set(steps[i] as number, v)
      })
      for (const [x, v] of at) {
        const s = sums.get(x) ?? { sum: 0, n: 0 }
        s.sum += v
        s.n++
        sums.set(x, s)
      }
    }
    return sums
  })
  const xs = [...new Set(perColumn.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b)
  const series = perColumn.map((sums) => xs.map((x) => {
    const s = sums.get(x)
    return s === undefined ? null : s.sum / s.n
  }))
  return [xs, ...series]
}

/** No trial selected. */
export const NO_PICKS: ReadonlySet<never> = new Set()

/** A copy of `picks` with `pick` added (`on`) or removed: a new set, so a change is seen. */
export function togglePick<T>(picks: ReadonlySet<T>, pick: T, on: boolean): ReadonlySet<T> {
  const next = new Set(picks)
  if (on) next.add(pick)
  else next.delete(pick)
  return next
}

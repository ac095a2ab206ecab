/**
 * Leaderboards and study overviews (SPEC §5), computed from run rows: each run's
 * last metrics entry without its history, which is all a trial needs. Pure
 * functions, so the worker, tests and benchmarks share them.
 */
import type { StudyInfo } from './database.js'
import type { RunRow } from './dexie.js'
import { spreadOf, type Interval } from './analysis/spread.js'
import { invalid } from './errors.js'
import { runTrial, RunState, type Metrics } from './run.js'
import { maximize, minimize, objectiveBetter, type Objective } from './study.js'
import { replicatedTrial, replicateSetList, type Trial } from './trial.js'
import { compareValueSets, valuesKey, type Values } from './values.js'

/** What a leaderboard or an overview reads of a run. */
export type RankedRow = Pick<RunRow, 'id' | 'study' | 'seq' | 'values' | 'replicate' | 'state' | 'status' | 'config' | 'created' | 'updated' | 'runtime' | 'retries' | 'last'>

/** One run of a leaderboard trial. */
export interface LeaderboardRun {
  readonly seq: number
  readonly replicate: number
  /** The reported state. */
  readonly state: number
  /** The run's last metrics entry (empty when it reported none). */
  readonly metrics: Metrics
}

/** One replicated trial on a leaderboard. */
export interface LeaderboardTrial {
  readonly values: Values
  /** Each metric averaged over the picked replicates that report it (as `replicatedTrial`). */
  readonly metrics: Metrics
  /** True when a picked run has not succeeded. */
  readonly pending: boolean
  /** The replicates covered, ascending. */
  readonly replicates: number[]
  /** Per metric, its smallest and largest value across the picked replicates. */
  readonly spread: Record<string, { min: number; max: number }>
  /**
   * Per metric reported by 3 or more picked replicates (all finite), the 95%
   * confidence interval of their mean by Student's t; other metrics are absent.
   */
  readonly ci: Record<string, Interval>
  /** Per metric, how many picked replicates report it (what its mean, spread and interval are over). */
  readonly reporting: Record<string, number>
  /** Every run of the value set in the requested states, by seq. */
  readonly runs: LeaderboardRun[]
}

/** A study's trials ranked by an objective. */
export interface Leaderboard {
  /** The objective ranked by. */
  readonly objective: Objective
  /** Every trial, best first; trials lacking the objective's metric come last. */
  readonly trials: LeaderboardTrial[]
  /** How many trials lack the objective's metric. */
  readonly lacking: number
}

/** A study with its run counts and best result, as a list of studies shows it. */
export interface StudyOverview extends StudyInfo {
  /** Runs by reported state (a pending run gone stale counts as failure). */
  readonly counts: { pending: number; success: number; failure: number }
  /** All runs. */
  readonly runs: number
  /** The best objective value in the last metrics entry of a successful run; NaN is ignored. */
  readonly best: number | undefined
}

/**
 * The objective a leaderboard ranks by: `+metric` maximizes, `-metric`
 * minimizes (as Diviner's `leaderboard -objective`), and none (or empty) is the
 * study's own. Throws `invalid` for anything else.
 */
export function parseObjective(spec: string | undefined, study: Objective): Objective {
  if (spec === undefined || spec === '') return study
  const metric = spec.slice(1)
  if (spec.startsWith('+') && metric !== '') return maximize(metric)
  if (spec.startsWith('-') && metric !== '') return minimize(metric)
  throw invalid(`objective "${spec}": write +metric to maximize or -metric to minimize`, 'objective')
}

/** The single-run trial a row stands for: as `runTrial` of the run, whose last entry the row holds. */
export function rowTrial(row: RankedRow): Trial {
  return runTrial({ ...row, metrics: [row.last] })
}

/**
 * The rows' replicated trials (one per value set, replicates picked as
 * `replicatedTrial` does), ranked by `objective`: better values first, NaN after
 * every number, trials lacking the metric last; ties in value-set order.
 */
export function leaderboard(objective: Objective, rows: readonly RankedRow[]): Leaderboard {
  const groups = new Map<string, Trial[]>()
  for (const row of rows) {
    const key = valuesKey(row.values)
    const group = groups.get(key)
    if (group) group.push(rowTrial(row))
    else groups.set(key, [rowTrial(row)])
  }
  const trials = [...groups.values()].map((g) => leaderboardTrial(replicatedTrial(g)))
  trials.sort(rankOrder(objective))
  const lacking = trials.filter((t) => !Object.hasOwn(t.metrics, objective.metric)).length
  return { objective, trials, lacking }
}

function leaderboardTrial(trial: Trial): LeaderboardTrial {
  return {
    values: trial.values,
    metrics: trial.metrics,
    pending: trial.pending,
    replicates: replicateSetList(trial.replicates),
    spread: spread([...trial.replicateMetrics.values()]),
    ci: intervals([...trial.replicateMetrics.values()]),
    reporting: reporting([...trial.replicateMetrics.values()]),
    runs: trial.runs.map((r) => ({ seq: r.seq, replicate: r.replicate, state: r.state, metrics: r.metrics.at(-1) ?? {} }))
      .sort((a, b) => a.seq - b.seq),
  }
}

/** Per metric, the least and greatest value among the entries that report it (NaN if one is NaN). */
function spread(entries: readonly Metrics[]): Record<string, { min: number; max: number }> {
  const out: Record<string, { min: number; max: number }> = Object.create(null)
  for (const m of entries) {
    for (const [name, v] of Object.entries(m)) {
      const s = out[name]
      out[name] = s === undefined ? { min: v, max: v } : { min: Math.min(s.min, v), max: Math.max(s.max, v) }
    }
  }
  return out
}

/** Per metric, how many of `entries` report it. */
function reporting(entries: readonly Metrics[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null)
  for (const m of entries) for (const name of Object.keys(m)) out[name] = (out[name] ?? 0) + 1
  return out
}

/** Per metric with 3 or more finite values among `entries`, the 95% confidence interval of its mean. */
function intervals(entries: readonly Metrics[]): Record<string, Interval> {
  const out: Record<string, Interval> = Object.create(null)
  if (entries.length < 3) return out
  const byMetric = new Map<string, number[]>()
  for (const m of entries) for (const [name, v] of Object.entries(m)) byMetric.set(name, [...(byMetric.get(name) ?? []), v])
  for (const [name, xs] of byMetric) {
    const ci = spreadOf(xs)?.ci
    if (ci) out[name] = ci
  }
  return out
}

/** Best first under `objective`; see `leaderboard`. */
function rankOrder(objective: Objective): (a: LeaderboardTrial, b: LeaderboardTrial) => number {
  const { metric } = objective
  return (a, b) => {
    const va = Object.hasOwn(a.metrics, metric) ? a.metrics[metric] : undefined
    const vb = Object.hasOwn(b.metrics, metric) ? b.metrics[metric] : undefined
    if (va === undefined || vb === undefined) {
      if (va !== vb) return va === undefined ? 1 : -1
    } else if (objectiveBetter(objective, va, vb)) {
      return -1
    } else if (objectiveBetter(objective, vb, va)) {
      return 1
    }
    return compareValueSets(a.values, b.values)
  }
}

/** `study` with its run counts by reported state and its best objective value, from all its rows. */
export function studyOverview(study: StudyInfo, rows: readonly Pick<RankedRow, 'state' | 'last'>[]): StudyOverview {
  const counts = { pending: 0, success: 0, failure: 0 }
  let best: number | undefined
  for (const row of rows) {
    if (row.state === RunState.Pending) counts.pending++
    else if (row.state === RunState.Failure) counts.failure++
    else if (row.state === RunState.Success) {
      counts.success++
      const v = Object.hasOwn(row.last, study.objective.metric) ? row.last[study.objective.metric] : undefined
      if (v !== undefined && !Number.isNaN(v) && (best === undefined || objectiveBetter(study.objective, v, best))) best = v
    }
  }
  return { ...study, counts, runs: rows.length, best }
}

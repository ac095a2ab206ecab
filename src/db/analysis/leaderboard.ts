/**
 * Leaderboards and study overviews (SPEC §5), computed from run rows: each run's
 * last metrics entry without its history, which is all a trial needs. Pure
 * functions, so the worker, tests and benchmarks share them.
 */
import type { StudyInfo } from '../model/database.js'
import type { RunRow } from '../model/run.js'
import { spreadOf, type Interval } from './spread.js'
import { invalid } from '../model/errors.js'
import { PRUNED_STATUS, RunState, type Metrics } from '../model/run.js'
import { runTrial } from '../model/trial.js'
import { maximize, minimize, objectiveBetter, type Objective } from '../model/study.js'
import { REPLICATE_LIMIT, replicateSetOf, type Trial } from '../model/trial.js'
import { compareValueSets, valuesKey, type Values } from '../model/values.js'

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
  /**
   * Runs by reported state (a pending run gone stale counts as failure), with
   * pruned failures (status `pruned`, Optuna's PRUNED) counted apart from the
   * other failures.
   */
  readonly counts: { pending: number; success: number; failure: number; pruned: number }
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
 * Works on the rows directly (no Trial objects or replicate bitsets on the
 * way), so 100,000 rows rank in the worker without a long pause; the unit
 * tests check it against `replicatedTrial`.
 */
export function leaderboard(objective: Objective, rows: readonly RankedRow[]): Leaderboard {
  const groups = new Map<string, RankedRow[]>()
  // Rows of one value set often share their values object (a store's summary hands them out so): its key once.
  const keys = new Map<Values, string>()
  for (const row of rows) {
    let key = keys.get(row.values)
    if (key === undefined) {
      key = valuesKey(row.values)
      keys.set(row.values, key)
    }
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  const unranked = [...groups.values()].map(groupTrial)
  const trials = rankTrials(objective, unranked)
  const lacking = trials.filter((t) => !Object.hasOwn(t.metrics, objective.metric)).length
  return { objective, trials, lacking }
}

/**
 * `trials` ranked as `leaderboard` says (better values first, NaN after every
 * number, lacking the metric last, ties by value set), comparing numbers in a typed array (each
 * trial's objective value, or a code for NaN and for lacking it) and only ties
 * by value set: tens of thousands of trials sort without object lookups.
 */
function rankTrials(objective: Objective, trials: readonly LeaderboardTrial[]): LeaderboardTrial[] {
  const { metric } = objective
  const sign = objective.direction === 'minimize' ? 1 : -1
  // Classes: 0 a number, 1 NaN, 2 lacking the metric; within class 0, better first.
  const cls = new Uint8Array(trials.length)
  const key = new Float64Array(trials.length)
  trials.forEach((t, i) => {
    const v = Object.hasOwn(t.metrics, metric) ? t.metrics[metric] : undefined
    if (v === undefined) cls[i] = 2
    else if (Number.isNaN(v)) cls[i] = 1
    else key[i] = sign * v
  })
  const order = Uint32Array.from(trials, (_, i) => i).sort((i, j) => {
    const c = (cls[i] as number) - (cls[j] as number)
    if (c !== 0) return c
    const d = (key[i] as number) - (key[j] as number)
    // Infinite values of one sign subtract to NaN: they tie.
    if (d < 0) return -1
    if (d > 0) return 1
    return compareValueSets((trials[i] as LeaderboardTrial).values, (trials[j] as LeaderboardTrial).values)
  })
  return Array.from(order, (i) => trials[i] as LeaderboardTrial)
}

/**
 * True when `a` should stand for its replicate rather than `b`: finished over
 * pending, then fresher, then the greater id; an updated time that is no
 * number counts as the oldest, with no id (as `replicatedTrial`).
 */
function rowBeats(a: RankedRow, b: RankedRow): boolean {
  const pa = a.state !== RunState.Success
  const pb = b.state !== RunState.Success
  if (pa !== pb) return !pa
  const ta = a.updated.getTime()
  const tb = b.updated.getTime()
  const fa = ta > -Infinity ? ta : -Infinity
  const fb = tb > -Infinity ? tb : -Infinity
  if (fa !== fb) return fa > fb
  return (ta > -Infinity ? a.id : '') > (tb > -Infinity ? b.id : '')
}

/** The leaderboard trial of one value set's rows: `replicatedTrial(rows.map(rowTrial))`, with spread, intervals and runs. */
function groupTrial(rows: readonly RankedRow[]): LeaderboardTrial {
  const picked = new Map<number, RankedRow>()
  for (const row of rows) {
    const n = row.replicate
    // Throws `invalid` for a replicate outside 0..63, as a trial of the row would.
    if (!(Number.isInteger(n) && n >= 0 && n < REPLICATE_LIMIT)) replicateSetOf(n)
    const prev = picked.get(n)
    if (prev === undefined || rowBeats(row, prev)) picked.set(n, row)
  }
  const replicates = [...picked.keys()].sort((a, b) => a - b)
  const entries = replicates.map((n) => (picked.get(n) as RankedRow).last)
  return {
    values: (rows[0] as RankedRow).values,
    metrics: meanMetrics(entries),
    pending: replicates.some((n) => (picked.get(n) as RankedRow).state !== RunState.Success),
    replicates,
    spread: spread(entries),
    ci: intervals(entries),
    reporting: reporting(entries),
    runs: runsBySeq(rows),
  }
}

/** The rows as leaderboard runs, by seq (rows usually come by seq already). */
function runsBySeq(rows: readonly RankedRow[]): LeaderboardRun[] {
  let sorted = true
  const runs = rows.map((r, i) => {
    if (i > 0 && (rows[i - 1] as RankedRow).seq > r.seq) sorted = false
    return { seq: r.seq, replicate: r.replicate, state: r.state, metrics: r.last }
  })
  return sorted ? runs : runs.sort((a, b) => a.seq - b.seq)
}

/** The mean of each metric over the entries that report it, computed exactly as `replicatedTrial` does (a running mean). */
function meanMetrics(entries: readonly Metrics[]): Metrics {
  const means: Record<string, number> = Object.create(null)
  const counts: Record<string, number> = Object.create(null)
  for (const m of entries) {
    for (const [name, v] of Object.entries(m)) {
      const k = (counts[name] = (counts[name] ?? 0) + 1)
      means[name] = v / k + (means[name] ?? 0) * ((k - 1) / k)
    }
  }
  return means
}

/** Per metric, the least and greatest value among the entries that report it (NaN if one is NaN). */
function spread(entries: readonly Metrics[]): Record<string, { min: number; max: number }> {
  const out: Record<string, { min: number; max: number }> = Object.create(null)
  for (const m of entries) {
    for (const [name, v] of Object.entries(m)) {
      const s = out[name]
      if (s === undefined) out[name] = { min: v, max: v }
      else {
        s.min = Math.min(s.min, v)
        s.max = Math.max(s.max, v)
      }
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
  for (const m of entries) {
    for (const [name, v] of Object.entries(m)) {
      const xs = byMetric.get(name)
      if (xs) xs.push(v)
      else byMetric.set(name, [v])
    }
  }
  for (const [name, xs] of byMetric) {
    const ci = spreadOf(xs)?.ci
    if (ci) out[name] = ci
  }
  return out
}

/** `study` with its run counts by reported state and its best objective value, from all its rows. */
export function studyOverview(study: StudyInfo, rows: readonly (Pick<RankedRow, 'state' | 'last'> & { readonly status?: string })[]): StudyOverview {
  const counts = { pending: 0, success: 0, failure: 0, pruned: 0 }
  let best: number | undefined
  for (const row of rows) {
    if (row.state === RunState.Pending) counts.pending++
    else if (row.state === RunState.Failure && row.status === PRUNED_STATUS) counts.pruned++
    else if (row.state === RunState.Failure) counts.failure++
    else if (row.state === RunState.Success) {
      counts.success++
      const v = Object.hasOwn(row.last, study.objective.metric) ? row.last[study.objective.metric] : undefined
      if (v !== undefined && !Number.isNaN(v) && (best === undefined || objectiveBetter(study.objective, v, best))) best = v
    }
  }
  return { ...study, counts, runs: rows.length, best }
}

/**
 * Trials and replicate sets (SPEC §1), and `trials`, the view of a study's
 * runs as one replicated trial per value set.
 */
import type { Database } from './database.js'
import { invalid, isDivinerError } from './errors.js'
import { RunState, type Metrics, type Run } from './run.js'
import type { Study } from './study.js'
import { compareValueSets, valuesKey, type Values } from './values.js'

/** A set of replicate numbers 0…63, as a bitset. */
export type ReplicateSet = bigint

/** The result of one value set. */
export interface Trial {
  /** The value set tried. */
  readonly values: Values
  /** Its metrics: a run's last report, or the mean over the picked replicates. */
  readonly metrics: Metrics
  /** True when some picked run has not succeeded, so the metrics may not be final. */
  readonly pending: boolean
  /** The replicates it covers. */
  readonly replicates: ReplicateSet
  /** Per-replicate metrics of the picked runs (replicate → metrics). */
  readonly replicateMetrics: ReadonlyMap<number, Metrics>
  /** The runs it is made of. */
  readonly runs: readonly Run[]
}

/** The number of replicate numbers a set can hold: replicates are 0…63. */
export const REPLICATE_LIMIT = 64

function bit(n: number): bigint {
  if (!Number.isInteger(n) || n < 0 || n >= REPLICATE_LIMIT) {
    throw invalid(`replicate must be an integer in 0..${REPLICATE_LIMIT - 1}, got ${n}`, 'replicate')
  }
  return 1n << BigInt(n)
}

/** The set holding exactly the replicate numbers `ns` (each an integer in 0..63, else `invalid`). */
export function replicateSetOf(...ns: number[]): ReplicateSet {
  return ns.reduce((set, n) => set | bit(n), 0n)
}

/** True when replicate `n` is in the set. */
export function replicateSetHas(set: ReplicateSet, n: number): boolean {
  return (set & bit(n)) !== 0n
}

/** The set with replicate `n` added. */
export function replicateSetAdd(set: ReplicateSet, n: number): ReplicateSet {
  return set | bit(n)
}

/** The set with replicate `n` removed. */
export function replicateSetRemove(set: ReplicateSet, n: number): ReplicateSet {
  return set & ~bit(n)
}

/** How many replicates the set holds. */
export function replicateSetCount(set: ReplicateSet): number {
  return replicateSetList(set).length
}

/** The replicate numbers in the set, ascending. */
export function replicateSetList(set: ReplicateSet): number[] {
  const out: number[] = []
  for (let n = 0; n < REPLICATE_LIMIT; n++) if ((set >> BigInt(n)) & 1n) out.push(n)
  return out
}

/**
 * True when every replicate a study with `replicates` additional replicates
 * asks for is present: all of 0..replicates (inclusive).
 */
export function replicateSetComplete(set: ReplicateSet, replicates: number): boolean {
  const mask = (bit(replicates) << 1n) - 1n
  return (set & mask) === mask
}

/**
 * The last metrics entries of runs whose history is decoded only when first
 * read (a store hands such runs out: see store/dexie-views.ts `rowRuns`), so
 * that `runTrial` need not decode it. For each run, equal to
 * `run.metrics.at(-1) ?? {}`.
 */
export const knownLastEntries = new WeakMap<Run, Metrics>()

/**
 * The trial one run stands for, as Diviner's `Run.Trial()`: the run's values,
 * its last metrics entry (or none), pending unless the run succeeded (a failed
 * run's trial counts as pending), and just this run and its replicate.
 */
export function runTrial(run: Run): Trial {
  const metrics = knownLastEntries.get(run) ?? run.metrics.at(-1) ?? {}
  return {
    values: run.values,
    metrics,
    pending: run.state !== RunState.Success,
    replicates: replicateSetOf(run.replicate),
    replicateMetrics: new Map([[run.replicate, metrics]]),
    runs: [run],
  }
}

/** The latest `updated` time of the trial's runs (or -Infinity without runs), and that run's id. */
function freshness(t: Trial): { time: number; id: string } {
  let time = -Infinity
  let id = ''
  for (const r of t.runs) {
    const u = r.updated.getTime()
    if (u > time || (u === time && r.id > id)) [time, id] = [u, r.id]
  }
  return { time, id }
}

/** True when trial `a` should stand for its replicate rather than `b`. */
function beats(a: Trial, b: Trial): boolean {
  if (a.pending !== b.pending) return !a.pending
  const fa = freshness(a)
  const fb = freshness(b)
  return fa.time !== fb.time ? fa.time > fb.time : fa.id > fb.id
}

function onlyReplicate(t: Trial): number {
  const list = replicateSetList(t.replicates)
  if (list.length !== 1) {
    throw invalid(`replicatedTrial: each trial must cover exactly one replicate, got ${list.length}`, 'replicates')
  }
  return list[0] as number
}

/** For each replicate, the trial that stands for it: a finished one over a pending one, then the most recently updated. */
function pickReplicates(trials: readonly Trial[]): Map<number, Trial> {
  const picked = new Map<number, Trial>()
  for (const t of trials) {
    const n = onlyReplicate(t)
    const prev = picked.get(n)
    if (prev === undefined || beats(t, prev)) picked.set(n, t)
  }
  return picked
}

/** The mean of each metric over the entries that report it (a running mean, so huge values do not overflow). */
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

/**
 * One trial combining single-run trials of one value set (SPEC §1). For each
 * replicate one trial is picked: a non-pending one beats a pending one,
 * otherwise the most recently updated run wins (ties: the greater run id).
 * Metrics are averaged over the picked replicates that report them; the result
 * is pending if any picked trial is; replicates are the union; runs are all
 * the runs of the given trials, in order. Values are the first trial's.
 * Throws `invalid` for no trials, or a trial not covering exactly one replicate.
 */
export function replicatedTrial(trials: readonly Trial[]): Trial {
  const first = trials[0]
  if (first === undefined) throw invalid('replicatedTrial needs at least one trial', 'trials')
  const picked = [...pickReplicates(trials)].sort(([a], [b]) => a - b)
  return {
    values: first.values,
    metrics: meanMetrics(picked.map(([, t]) => t.metrics)),
    pending: picked.some(([, t]) => t.pending),
    replicates: replicateSetOf(...picked.map(([n]) => n)),
    replicateMetrics: new Map(picked.map(([n, t]) => [n, t.metrics])),
    runs: trials.flatMap((t) => t.runs),
  }
}

/**
 * One replicated trial per value set among the study's runs in `states`, sorted
 * by values; runs group by kind-aware equality of their values. A study with no
 * runs, or that does not exist, has no trials.
 */
export async function trials(db: Pick<Database, 'listRuns'>, study: Study, states: RunState): Promise<Trial[]> {
  const runs = await listRunsOrNone(db, study.name, states)
  const groups = new Map<string, Trial[]>()
  // Runs of one value set often share their values object (a store's summary hands them out so): its key once.
  const keys = new Map<Values, string>()
  for (const run of runs) {
    let key = keys.get(run.values)
    if (key === undefined) {
      key = valuesKey(run.values)
      keys.set(run.values, key)
    }
    const group = groups.get(key)
    if (group) group.push(runTrial(run))
    else groups.set(key, [runTrial(run)])
  }
  return [...groups.values()].map(replicatedTrial).sort((a, b) => compareValueSets(a.values, b.values))
}

async function listRunsOrNone(db: Pick<Database, 'listRuns'>, study: string, states: RunState): Promise<Run[]> {
  try {
    return await db.listRuns(study, states)
  } catch (e) {
    if (isDivinerError(e, 'not-exist')) return []
    throw e
  }
}

/**
 * Runs, run states and metrics (SPEC §1).
 */
import { invalid } from './errors.js'
import type { Values } from './values.js'

/** Run states as bit flags, as in Diviner; queries take a union of them. */
export const RunState = {
  Pending: 1,
  Success: 2,
  Failure: 4,
  Any: 7,
} as const
/** One run state, or a set of them (a bitwise or of `RunState` flags). */
export type RunState = number

/** One report of metrics: metric name → float64 (NaN and ±Infinity legal). */
export type Metrics = Readonly<Record<string, number>>

/**
 * The key of a metrics entry that holds the entry's step, its place on the
 * x-axis (Optuna's `step`, a training step or epoch), not a metric: charts
 * draw against it, tables show it as the x column, and no metric menu, column
 * or objective offers it (docs/dump-format.md, "Metrics and log").
 */
export const STEP_KEY = 'step'

/** True when `name` in a metrics entry is a metric, not the entry's step. */
export function isMetricName(name: string): boolean {
  return name !== STEP_KEY
}

/**
 * Each entry's step: its `step` when that is a finite number; an entry without
 * one after an entry with one is at the last step seen (Optuna's final value
 * follows its last intermediate value); before any, its 0-based index.
 * `stepped` says whether any entry has a step (else the x-axis is the report index).
 */
export function entrySteps(history: readonly Metrics[]): { steps: number[]; stepped: boolean } {
  const steps: number[] = []
  let last: number | undefined
  history.forEach((m, i) => {
    const s = Object.hasOwn(m, STEP_KEY) ? m[STEP_KEY] : undefined
    if (s !== undefined && Number.isFinite(s)) last = s
    steps.push(last ?? i)
  })
  return { steps, stepped: last !== undefined }
}

/**
 * The step of a history's last entry as `entrySteps` places it (the last
 * finite `step` reported), or undefined when no entry has one.
 */
export function lastStep(history: readonly Metrics[]): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i] as Metrics
    const s = Object.hasOwn(m, STEP_KEY) ? m[STEP_KEY] : undefined
    if (s !== undefined && Number.isFinite(s)) return s
  }
  return undefined
}

/** Informational description of how the run was launched. */
export interface RunConfig {
  readonly script?: string
  readonly localFiles?: readonly string[]
  readonly datasets?: readonly string[]
  readonly [extra: string]: unknown
}

/** Where an imported run came from: its origin database and seq there. */
export interface RunOrigin { readonly db: string; readonly seq: number }

/** One attempt at a trial. `study:seq` names it locally; `id` identifies it everywhere. */
export interface Run {
  /** Globally unique, immutable identity assigned at first insert. */
  readonly id: string
  readonly study: string
  /** Per-study sequence number ≥ 1 (local). */
  readonly seq: number
  readonly values: Values
  /** 0-based replicate number. */
  readonly replicate: number
  /** The stored state, or failure when a pending run's keepalive went stale. */
  readonly state: RunState
  readonly status: string
  readonly config: RunConfig
  readonly created: Date
  /** Last update; the keepalive. */
  readonly updated: Date
  /** Milliseconds. */
  readonly runtime: number
  readonly retries: number
  /** The metric history in report order. */
  readonly metrics: readonly Metrics[]
  /** For a run imported from elsewhere whose seq there differs or whose origin is another database. */
  readonly origin?: RunOrigin
  /** Its note (Markdown) and tags, when it has them (model/annotations.ts): `lookupRun` and the runs table's windows carry them. */
  readonly note?: string
  readonly tags?: readonly string[]
}

/** A run without its history: what tables and leaderboards of many runs need. */
export interface RunRow extends Omit<Run, 'metrics'> {
  /** The last metrics entry (empty when none was reported). */
  readonly last: Metrics
  /** Entries in the metric history. */
  readonly metricCount: number
  /** Entries (timestamped chunks) in the log. */
  readonly logCount: number
}

/** One piece of a run's log: text and the time (epoch ms) it arrived. */
export interface LogEntry { t: number; text: string }

/** What a caller gives `insertRun`: study, values and config; the rest is optional. */
export interface NewRun {
  readonly study: string
  readonly values: Values
  readonly config?: RunConfig
  readonly replicate?: number
  /** A seq reserved by `nextSeq`, or 0/absent to assign one. */
  readonly seq?: number
}

/** The run's local name, `study:seq`, as Diviner prints it. */
export function runName(run: Pick<Run, 'study' | 'seq'>): string {
  return `${run.study}:${run.seq}`
}

/**
 * The name of a single run state, as Diviner's `RunState.String()`:
 * `pending`, `success`, `failure`, `unknown` for 0, `INVALID` for anything else
 * (a union of several states included).
 */
export function stateName(state: RunState): string {
  switch (state) {
    case 0: return 'unknown'
    case RunState.Pending: return 'pending'
    case RunState.Success: return 'success'
    case RunState.Failure: return 'failure'
    default: return 'INVALID'
  }
}

/** The status Optuna's pruned trials carry (docs/optuna-mapping.md); a run that stopped early on purpose. */
export const PRUNED_STATUS = 'pruned'

/**
 * How a page shows a run's reported state: Diviner's three, and `pruned` for a
 * failed run whose status says it was pruned (Optuna's PRUNED). A pruned run
 * is still a failure wherever Diviner's semantics count (trials, queries).
 */
export type DisplayState = 'pending' | 'success' | 'failure' | 'pruned'

/** The display state of a run (or row) from its reported state and status. */
export function displayState(run: Pick<Run, 'state' | 'status'>): DisplayState {
  if (run.state === RunState.Pending) return 'pending'
  if (run.state === RunState.Success) return 'success'
  return run.status === PRUNED_STATUS ? 'pruned' : 'failure'
}

const STATE_NAMES: Readonly<Record<string, RunState>> = {
  pending: RunState.Pending, success: RunState.Success, failure: RunState.Failure, any: RunState.Any,
}

/**
 * The union of the named states (`pending`, `success`, `failure`, `any`; case
 * ignored; a name may also be a comma-separated list). No names is the empty
 * set, 0. Throws `invalid` on an unknown name.
 */
export function parseStates(...names: string[]): RunState {
  let states = 0
  for (const name of names.flatMap((n) => n.split(','))) {
    const key = name.trim().toLowerCase()
    const state = Object.hasOwn(STATE_NAMES, key) ? STATE_NAMES[key] : undefined
    if (state === undefined) throw invalid(`unknown run state "${name}"; use pending, success, failure or any`, 'states')
    states |= state
  }
  return states
}

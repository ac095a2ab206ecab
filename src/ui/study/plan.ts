/**
 * The plan of a grid study: for every grid combination and replicate, whether
 * a run of it succeeded, is pending, only failed, or is missing; and what the
 * oracle would propose next.
 */
import { grid, gridSize, propose } from '../../db/model/oracle.js'
import { isValidValue, type Param } from '../../db/model/params.js'
import { RunState } from '../../db/model/run.js'
import type { Study } from '../../db/model/study.js'
import { valuesKey, type Value, type Values } from '../../db/model/values.js'
import { errorMessage } from '../format.js'

/** Where one replicate of one combination stands. */
export type SlotStatus = 'done' | 'pending' | 'failed' | 'missing'

/** What the plan needs of a run. */
export interface PlanRun {
  readonly values: Values
  readonly replicate: number
  readonly state: number
}

/** One combination and the status of each of its replicates. */
export interface PlanRow { readonly values: Values; readonly slots: readonly SlotStatus[] }

/** Counts of replicate slots by status (bigints: a grid may be huge). */
export type PlanCounts = Record<SlotStatus, bigint>

/** A finite grid's plan, or why there is none. */
export type Plan =
  | {
    readonly finite: true
    /** Grid combinations. */
    readonly combinations: bigint
    /** Runs per combination: 1 + the study's additional replicates. */
    readonly replicates: number
    readonly counts: PlanCounts
    /** The first `limit` combinations, in grid order. */
    readonly rows: readonly PlanRow[]
  }
  | { readonly finite: false; readonly reason: string }

/** The combination of `values` the grid knows, keyed by `valuesKey`, or undefined when some param's value is missing or invalid. */
function gridKey(study: Study, values: Values): string | undefined {
  const picked: Record<string, Value> = Object.create(null)
  for (const [name, param] of Object.entries(study.params) as [string, Param][]) {
    const v = Object.hasOwn(values, name) ? values[name] : undefined
    if (v === undefined || !isValidValue(param, v)) return undefined
    picked[name] = v
  }
  return valuesKey(picked)
}

const RANK: Record<SlotStatus, number> = { missing: 0, failed: 1, pending: 2, done: 3 }

function runStatus(state: number): SlotStatus {
  return state === RunState.Success ? 'done' : state === RunState.Pending ? 'pending' : 'failed'
}

/** The status of each (combination, replicate) some run covers: the best of its runs (done over pending over failed). */
function slotsOf(study: Study, runs: readonly PlanRun[]): Map<string, SlotStatus[]> {
  const n = (study.replicates ?? 0) + 1
  const slots = new Map<string, SlotStatus[]>()
  for (const run of runs) {
    if (run.replicate < 0 || run.replicate >= n) continue
    const key = gridKey(study, run.values)
    if (key === undefined) continue
    let row = slots.get(key)
    if (row === undefined) slots.set(key, (row = Array<SlotStatus>(n).fill('missing')))
    const status = runStatus(run.state)
    if (RANK[status] > RANK[row[run.replicate] as SlotStatus]) row[run.replicate] = status
  }
  return slots
}

/**
 * The plan of `study` given its runs, listing at most `limit` combinations.
 * A study with a float range param has no finite grid: the reason says which.
 */
export function planOf(study: Study, runs: readonly PlanRun[], limit: number): Plan {
  let combinations: bigint
  try {
    combinations = gridSize(study.params)
  } catch (e) {
    return { finite: false, reason: errorMessage(e) }
  }
  const replicates = (study.replicates ?? 0) + 1
  const slots = slotsOf(study, runs)
  const counts: PlanCounts = { done: 0n, pending: 0n, failed: 0n, missing: 0n }
  for (const row of slots.values()) for (const s of row) counts[s] += 1n
  counts.missing = combinations * BigInt(replicates) - counts.done - counts.pending - counts.failed
  const empty = Array<SlotStatus>(replicates).fill('missing')
  const rows = grid(study, [], limit).map((values) => ({ values, slots: slots.get(valuesKey(values)) ?? empty }))
  return { finite: true, combinations, replicates, counts, rows }
}

/** One proposal: a value set, and for a grid the replicates still to run. */
export interface Proposal { readonly values: Values; readonly replicates?: readonly number[] }

/**
 * The next `n` value sets the study's oracle would propose given its runs.
 * Grid: combinations whose replicates are not all covered by a pending or
 * successful run (a failed run covers nothing), with the replicates missing;
 * random: the next `n` draws after one per value set tried so far. Throws the
 * oracle's `invalid` error for an oracle that cannot propose, or a grid that
 * is not finite.
 */
export function proposals(study: Study, runs: readonly PlanRun[], n: number): Proposal[] {
  const oracle = study.oracle?.name ?? 'grid'
  if (oracle !== 'grid') {
    const tried = new Map<string, Values>()
    for (const r of runs) tried.set(valuesKey(r.values), r.values)
    return propose(study, [...tried.values()], n).map((values) => ({ values }))
  }
  const slots = slotsOf(study, runs)
  const complete: Values[] = []
  const covered = (s: SlotStatus) => s === 'done' || s === 'pending'
  for (const r of runs) {
    const key = gridKey(study, r.values)
    const row = key === undefined ? undefined : slots.get(key)
    if (row?.every(covered)) complete.push(r.values)
  }
  return propose(study, complete, n).map((values) => {
    const row = slots.get(valuesKey(values))
    const missing = (row ?? Array<SlotStatus>((study.replicates ?? 0) + 1).fill('missing'))
      .flatMap((s, i) => (covered(s) ? [] : [i]))
    return { values, replicates: missing }
  })
}

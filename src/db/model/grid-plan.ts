/**
 * What a grid study runs next, as Diviner's runner decides it: the grid's
 * value sets whose replicates 0..study.replicates are not all covered by a
 * pending or successful run, each with every replicate still missing. A
 * failed run covers nothing, so its value set is planned again.
 *
 * `GridPlanner` keeps that coverage as runs come and change, so a sweep that
 * asks for one value set at a time, given the study's whole history each
 * time, pays for what changed since it last asked, not for the history.
 */
import { axes, gridIndex, gridLimit, gridPoint, type Axis } from './oracle.js'
import { RunState, type Run } from './run.js'
import type { Study } from './study.js'
import type { Values } from './values.js'

/** One run to start: a value set, and which replicate of it to run. */
export interface PlannedRun { readonly values: Values; readonly replicate: number }

/** What the planner reads of a run; one without an `id` (a run only planned so far) is never taken back. */
export type SeenRun = Pick<Run, 'study' | 'values' | 'replicate' | 'state'> & { readonly id?: string }

/** What a run known by id covers now: its grid position and replicate, when it covers anything. */
interface Covering { readonly index: bigint | undefined; readonly replicate: number; covers: boolean }

/**
 * The grid plan of one study, kept current: `see` the study's runs (all of
 * them, as often as wanted; a run known by id replaces what it covered
 * before), then `next` plans. A run counts by its grid position (names
 * beyond the study's params do not matter; values off the grid count for
 * nothing). Throws `invalid` naming a param that is a float range.
 */
export class GridPlanner {
  private readonly grid: Axis[]
  private readonly total: bigint
  private readonly replicates: number
  private readonly known = new Map<string, Covering>()
  /** Per grid position with any covering run: how many runs cover each replicate 0..replicates. */
  private readonly counts = new Map<bigint, Int32Array>()
  /** Grid positions whose every replicate is covered. */
  private complete = 0n
  /** Every position below this one is complete. */
  private open = 0n

  constructor(private readonly study: Study) {
    this.grid = axes(study.params)
    this.total = this.grid.reduce((size, a) => size * a.size, 1n)
    this.replicates = study.replicates ?? 0
  }

  /** Takes `runs` as they are now (runs of other studies are ignored); returns this planner. */
  see(runs: Iterable<SeenRun>): this {
    for (const run of runs) {
      if (run.study !== this.study.name) continue
      const covers = (run.state & (RunState.Pending | RunState.Success)) !== 0
      if (run.id === undefined) {
        if (covers) this.cover(gridIndex(this.grid, run.values), run.replicate, 1)
        continue
      }
      const was = this.known.get(run.id)
      if (was) {
        if (was.covers === covers) continue
        was.covers = covers
        this.cover(was.index, was.replicate, covers ? 1 : -1)
        continue
      }
      const index = gridIndex(this.grid, run.values)
      this.known.set(run.id, { index, replicate: run.replicate, covers })
      if (covers) this.cover(index, run.replicate, 1)
    }
    return this
  }

  /**
   * The runs to start next, as `gridPlan` of every run seen: the first value
   * sets in grid order (params by sorted name, the last varying fastest) not
   * complete, at most `n` of them (all when absent: `invalid` when too many
   * to list), each with its missing replicates in order.
   */
  next(n?: number): PlannedRun[] {
    const limit = gridLimit(this.study, this.total - this.complete, n)
    while (this.open < this.total && this.isComplete(this.open)) this.open++
    const out: PlannedRun[] = []
    let sets = 0
    for (let i = this.open; i < this.total && sets < limit; i++) {
      const c = this.counts.get(i)
      if (c && this.isComplete(i)) continue
      sets++
      const values = gridPoint(this.grid, i)
      for (let r = 0; r <= this.replicates; r++) if (!c || c[r] === 0) out.push({ values, replicate: r })
    }
    return out
  }

  private isComplete(i: bigint): boolean {
    const c = this.counts.get(i)
    return c !== undefined && c.every((k) => k > 0)
  }

  private cover(index: bigint | undefined, replicate: number, by: 1 | -1): void {
    if (index === undefined || !(replicate >= 0 && replicate <= this.replicates)) return
    let c = this.counts.get(index)
    if (!c) this.counts.set(index, (c = new Int32Array(this.replicates + 1)))
    const before = this.isComplete(index)
    c[replicate] = (c[replicate] as number) + by
    const after = this.isComplete(index)
    if (before !== after) this.complete += after ? 1n : -1n
    if (!after && index < this.open) this.open = index
  }
}

/**
 * What a grid study should run next given `runs` (any order): the grid's value
 * sets not covered in every replicate by a pending or successful run, at most
 * `n` value sets, each with every replicate still missing.
 */
export function gridPlan(study: Study, runs: readonly SeenRun[], n?: number): PlannedRun[] {
  return new GridPlanner(study).see(runs).next(n)
}

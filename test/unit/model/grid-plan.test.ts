/**
 * The grid planner kept current as runs come and change plans exactly what
 * Diviner's rule, written plainly here over the whole history, plans: for any
 * runs (some off the grid, some only planned, states changing), fed in any
 * batches, asked at any point.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GridPlanner, type PlannedRun, type SeenRun } from '../../../src/db/model/grid-plan.js'
import { grid } from '../../../src/db/model/oracle.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import type { Study } from '../../../src/db/model/study.js'
import { int, valuesKey, type Values } from '../../../src/db/model/values.js'
import { makeStudy } from './fixtures.js'

/** Diviner's rule over every run at once: value sets not covered in every replicate by a pending or successful run. */
function reference(study: Study, runs: readonly SeenRun[], n?: number): PlannedRun[] {
  const replicates = study.replicates ?? 0
  const covered = new Map<string, { values: Values; set: Set<number> }>()
  for (const run of runs) {
    if (run.study !== study.name || (run.state & (RunState.Pending | RunState.Success)) === 0) continue
    const key = valuesKey(run.values)
    const c = covered.get(key) ?? { values: run.values, set: new Set<number>() }
    c.set.add(run.replicate)
    covered.set(key, c)
  }
  const all = Array.from({ length: replicates + 1 }, (_, r) => r)
  const complete = [...covered.values()].filter((c) => all.every((r) => c.set.has(r))).map((c) => c.values)
  return grid(study, complete, n).flatMap((values) => {
    const set = covered.get(valuesKey(values))?.set ?? new Set<number>()
    return all.filter((r) => !set.has(r)).map((replicate) => ({ values, replicate }))
  })
}

const show = (plan: readonly PlannedRun[]) => plan.map((p) => `${valuesKey(p.values)}#${p.replicate}`)

const states = [RunState.Pending, RunState.Success, RunState.Failure]

describe('GridPlanner', () => {
  it('plans as the rule over the whole history, whatever the runs, batches and states', () => {
    fc.assert(fc.property(
      fc.record({ xs: fc.integer({ min: 1, max: 3 }), ys: fc.integer({ min: 1, max: 3 }), replicates: fc.integer({ min: 0, max: 2 }) }),
      // A run: which of 10 ids (each with its own values and replicate; none: a run only planned), its state now.
      fc.array(fc.array(fc.record({ id: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), x: fc.integer({ min: 0, max: 3 }), y: fc.integer({ min: 0, max: 3 }), replicate: fc.integer({ min: 0, max: 3 }), state: fc.constantFrom(...states), other: fc.boolean() }), { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
      fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      (shape, batches, n) => {
        const study = makeStudy({ name: 's', params: { x: discrete(...Array.from({ length: shape.xs }, (_, i) => int(i))), y: range(int(0), int(shape.ys)) }, replicates: shape.replicates })
        // Values 3 lie off the grid for a small one; an id's study, values and replicate never change.
        const fixed = new Map<number, { values: Values; replicate: number; study: string }>()
        const planner = new GridPlanner(study)
        const now = new Map<string, SeenRun>()
        const planned: SeenRun[] = []
        for (const batch of batches) {
          const runs = batch.map((r): SeenRun => {
            const fresh = { values: { x: int(r.x), y: int(r.y) }, replicate: r.replicate, study: r.other ? 'other' : 's' }
            const own = r.id === undefined ? fresh : fixed.get(r.id) ?? fixed.set(r.id, fresh).get(r.id) ?? fresh
            return { ...own, state: r.state, ...(r.id === undefined ? {} : { id: `run-${r.id}` }) }
          })
          planner.see(runs)
          for (const run of runs) {
            if (run.id === undefined) planned.push(run)
            else if (!now.has(run.id)) now.set(run.id, run)
            else now.set(run.id, { ...(now.get(run.id) as SeenRun), state: run.state })
          }
          expect(show(planner.next(n))).toEqual(show(reference(study, [...now.values(), ...planned], n)))
        }
      },
    ), { numRuns: 300 })
  })

  it('plans one value set at a time through a large grid as fast as it completes (a sweep\'s use)', () => {
    const study = makeStudy({ name: 's', params: { x: range(int(0), int(300)), y: range(int(0), int(300)) } })
    const planner = new GridPlanner(study)
    const began: string[] = []
    for (let i = 0; i < 20_000; i++) {
      const [next] = planner.next(1)
      if (!next) break
      began.push(valuesKey(next.values))
      planner.see([{ id: `r${i}`, study: 's', values: next.values, replicate: next.replicate, state: RunState.Pending }])
    }
    expect(new Set(began).size).toBe(20_000)
    // A run that fails uncovers its value set, which comes next again.
    planner.see([{ id: 'r7', study: 's', values: { x: int(0), y: int(7) }, replicate: 0, state: RunState.Failure }])
    expect(show(planner.next(1))).toEqual([`${valuesKey({ x: int(0), y: int(7) })}#0`])
  })
})

import { describe, expect, it } from 'vitest'
import { discrete, range } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize, type Study } from '../../../src/db/model/study.js'
import { float, formatValue, int, str, type Values } from '../../../src/db/model/values.js'
import { planOf, proposals, type PlanRun } from '../../../src/ui/study/plan.js'

const study: Study = {
  name: 'g',
  objective: minimize('loss'),
  replicates: 1,
  params: { lr: discrete(float(0.1), float(0.01)), opt: discrete(str('adam'), str('sgd')) },
}

const run = (lr: number, opt: string, replicate: number, state: number): PlanRun => ({
  values: { lr: float(lr), opt: str(opt) }, replicate, state,
})

const show = (v: Values) => Object.keys(v).sort().map((k) => `${k}=${formatValue(v[k]!)}`).join(',')

describe('planOf', () => {
  const runs = [
    run(0.1, 'adam', 0, RunState.Success),
    run(0.1, 'adam', 1, RunState.Failure),
    run(0.1, 'adam', 1, RunState.Pending),
    run(0.1, 'sgd', 0, RunState.Failure),
    run(0.01, 'sgd', 1, RunState.Success),
    run(0.5, 'sgd', 0, RunState.Success), // not in the grid
    run(0.01, 'adam', 5, RunState.Success), // no such replicate
  ]

  it('says for each combination and replicate whether it is done, pending, failed or missing', () => {
    const plan = planOf(study, runs, 100)
    if (!plan.finite) throw new Error('finite expected')
    expect(plan.combinations).toBe(4n)
    expect(plan.replicates).toBe(2)
    expect(plan.counts).toEqual({ done: 2n, pending: 1n, failed: 1n, missing: 4n })
    expect(plan.rows.map((r) => `${show(r.values)} ${r.slots.join(' ')}`)).toEqual([
      'lr=0.1,opt=adam done pending',
      'lr=0.1,opt=sgd failed missing',
      'lr=0.01,opt=adam missing missing',
      'lr=0.01,opt=sgd missing done',
    ])
  })

  it('lists at most `limit` combinations but counts them all', () => {
    const big: Study = { ...study, replicates: 0, params: { n: range(0n, 1_000_000n), m: range(0n, 1_000n) } }
    const plan = planOf(big, [{ values: { n: int(5), m: int(1) }, replicate: 0, state: RunState.Success }], 10)
    if (!plan.finite) throw new Error('finite expected')
    expect(plan.rows).toHaveLength(10)
    expect(plan.counts.done).toBe(1n)
    expect(plan.counts.missing).toBe(1_000_000_000n - 1n)
  })

  it('says why a grid is not finite', () => {
    const plan = planOf({ ...study, params: { lr: range(0.001, 0.1) } }, [], 10)
    expect(plan.finite).toBe(false)
    if (!plan.finite) expect(plan.reason).toMatch(/lr/)
  })
})

describe('proposals', () => {
  it('proposes the grid combinations not covered by pending or successful runs, with the replicates missing', () => {
    const runs = [
      run(0.1, 'adam', 0, RunState.Success),
      run(0.1, 'adam', 1, RunState.Pending),
      run(0.1, 'sgd', 0, RunState.Success),
      run(0.1, 'sgd', 1, RunState.Failure),
    ]
    expect(proposals(study, runs, 10).map((p) => `${show(p.values)} ${p.replicates?.join(',')}`)).toEqual([
      'lr=0.1,opt=sgd 1',
      'lr=0.01,opt=adam 0,1',
      'lr=0.01,opt=sgd 0,1',
    ])
    expect(proposals(study, runs, 1)).toHaveLength(1)
  })

  it('continues a random oracle after the value sets tried', () => {
    const random: Study = { ...study, oracle: { name: 'random', seed: 7 }, params: { lr: range(0.001, 0.1) } }
    const first = proposals(random, [], 3)
    expect(first).toHaveLength(3)
    const after = proposals(random, [{ values: first[0]!.values, replicate: 0, state: RunState.Success }], 2)
    expect(after.map((p) => show(p.values))).toEqual(first.slice(1).map((p) => show(p.values)))
  })

  it('throws for an oracle that cannot propose', () => {
    expect(() => proposals({ ...study, oracle: { name: 'skopt' } }, [], 3)).toThrow(/skopt/)
  })
})

import { describe, expect, it } from 'vitest'
import { DivinerError, notExist } from '../../../src/db/model/errors.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState, type Run } from '../../../src/db/model/run.js'
import { runTrial } from '../../../src/db/model/trial.js'
import {
  replicatedTrial, replicateSetAdd, replicateSetComplete, replicateSetCount, replicateSetHas,
  replicateSetList, replicateSetOf, replicateSetRemove, trials,
} from '../../../src/db/model/trial.js'
import { float, int, str, valuesEqual } from '../../../src/db/model/values.js'
import { makeRun, makeStudy } from './fixtures.js'

const now = new Date(2024, 0, 1, 12, 0, 0)
const then = new Date(now.getTime() - 60_000)

/** The replicated trial of these runs' single-run trials, as Diviner's test helper does it. */
function replicated(...runs: Run[]) {
  return replicatedTrial(runs.map(runTrial))
}

describe('replicate sets (port of Diviner TestReplicates)', () => {
  it('tracks membership, completion, count and iteration', () => {
    let r = replicateSetOf()
    r = replicateSetAdd(r, 2)
    expect(replicateSetHas(r, 2)).toBe(true)
    // Diviner's Completed(3) asks for replicates 0..2: two additional replicates here.
    expect(replicateSetComplete(r, 2)).toBe(false)
    r = replicateSetAdd(replicateSetAdd(r, 0), 1)
    expect(replicateSetComplete(r, 2)).toBe(true)
    r = replicateSetRemove(r, 0)
    expect(replicateSetComplete(r, 2)).toBe(false)
    expect(replicateSetCount(r)).toBe(2)
    expect(replicateSetList(r)).toEqual([1, 2])
  })

  it('holds replicates 0..63 and no others', () => {
    const all = replicateSetOf(...Array.from({ length: 64 }, (_, i) => i))
    expect(all).toBe(2n ** 64n - 1n)
    expect(replicateSetCount(all)).toBe(64)
    expect(replicateSetComplete(all, 63)).toBe(true)
    expect(replicateSetComplete(replicateSetRemove(all, 63), 63)).toBe(false)
    expect(() => replicateSetOf(64)).toThrow(/0\.\.63, got 64/)
    expect(() => replicateSetAdd(0n, -1)).toThrow(DivinerError)
    expect(() => replicateSetHas(0n, 1.5)).toThrow(DivinerError)
  })

  it('completion ignores replicates beyond the ones asked for', () => {
    expect(replicateSetComplete(replicateSetOf(0, 5), 0)).toBe(true)
    expect(replicateSetComplete(replicateSetOf(1), 0)).toBe(false)
    expect(replicateSetComplete(replicateSetOf(0, 1), 1)).toBe(true)
  })
})

describe('replicatedTrial (port of Diviner TestReplicatedTrial)', () => {
  it('a finished replicate beats a pending one', () => {
    const rep = replicated(
      makeRun({ replicate: 0, state: RunState.Success, metrics: [{ x: 1.0 }] }),
      makeRun({ replicate: 0, state: RunState.Pending, metrics: [{ x: 0.5 }] }),
      makeRun({ replicate: 1, state: RunState.Success, metrics: [{ x: 2.0 }] }),
    )
    expect(rep.metrics).toEqual({ x: 1.5 })
    expect(replicateSetCount(rep.replicates)).toBe(2)
    expect(rep.pending).toBe(false)
  })

  it('among pending replicates the most recently updated wins', () => {
    const rep = replicated(
      makeRun({ replicate: 0, state: RunState.Pending, updated: then, metrics: [{ x: 1.0 }] }),
      makeRun({ replicate: 0, state: RunState.Pending, updated: now, metrics: [{ x: 0.5 }] }),
      makeRun({ replicate: 1, state: RunState.Success, metrics: [{ x: 2.0 }] }),
    )
    expect(rep.metrics).toEqual({ x: 1.25 })
    expect(replicateSetCount(rep.replicates)).toBe(2)
    expect(rep.pending).toBe(true)
  })
})

describe('replicatedTrial picks one run per replicate', () => {
  it('keeps an older finished run over a newer pending one (whichever comes first)', () => {
    const finished = makeRun({ state: RunState.Success, updated: then, metrics: [{ x: 1 }] })
    const pending = makeRun({ state: RunState.Pending, updated: now, metrics: [{ x: 9 }] })
    for (const order of [[finished, pending], [pending, finished]]) {
      const rep = replicated(...order)
      expect(rep.metrics).toEqual({ x: 1 })
      expect(rep.pending).toBe(false)
      expect(rep.replicateMetrics.get(0)).toEqual({ x: 1 })
    }
  })

  it('a failed run counts as pending, so a success beats a newer failure', () => {
    const rep = replicated(
      makeRun({ state: RunState.Success, updated: then, metrics: [{ x: 1 }] }),
      makeRun({ state: RunState.Failure, updated: now, metrics: [{ x: 9 }] }),
    )
    expect(rep.metrics).toEqual({ x: 1 })
    expect(rep.pending).toBe(false)
  })

  it('of two finished runs the newer wins, whichever comes first', () => {
    const older = makeRun({ state: RunState.Success, updated: then, metrics: [{ x: 1 }] })
    const newer = makeRun({ state: RunState.Success, updated: now, metrics: [{ x: 2 }] })
    expect(replicated(older, newer).metrics).toEqual({ x: 2 })
    expect(replicated(newer, older).metrics).toEqual({ x: 2 })
  })

  it('of two pending runs the newer wins, whichever comes first', () => {
    const older = makeRun({ state: RunState.Pending, updated: then, metrics: [{ x: 1 }] })
    const newer = makeRun({ state: RunState.Pending, updated: now, metrics: [{ x: 2 }] })
    expect(replicated(older, newer).metrics).toEqual({ x: 2 })
    expect(replicated(newer, older).metrics).toEqual({ x: 2 })
    expect(replicated(newer, older).pending).toBe(true)
  })

  it('breaks an exact tie by run id, so input order does not matter', () => {
    const a = makeRun({ id: 'a', updated: now, metrics: [{ x: 1 }] })
    const b = makeRun({ id: 'b', updated: now, metrics: [{ x: 2 }] })
    expect(replicated(a, b).metrics).toEqual({ x: 2 })
    expect(replicated(b, a).metrics).toEqual({ x: 2 })
  })
})

describe('replicatedTrial combines the picked replicates', () => {
  const values = { lr: float(0.1) }

  it('averages each metric over the replicates that report it', () => {
    const rep = replicated(
      makeRun({ values, replicate: 0, metrics: [{ loss: 1, acc: 0.5 }] }),
      makeRun({ values, replicate: 1, metrics: [{ loss: 3 }] }),
      makeRun({ values, replicate: 2, metrics: [{ loss: 5, acc: 0.7 }] }),
    )
    expect(rep.metrics['loss']).toBe(3)
    expect(rep.metrics['acc']).toBeCloseTo(0.6, 12)
    expect(replicateSetList(rep.replicates)).toEqual([0, 1, 2])
    expect(rep.replicateMetrics.get(1)).toEqual({ loss: 3 })
    expect([...rep.replicateMetrics.keys()]).toEqual([0, 1, 2])
    expect(rep.values).toBe(values)
  })

  it('is pending when any picked replicate is', () => {
    const rep = replicated(
      makeRun({ replicate: 0, state: RunState.Success }),
      makeRun({ replicate: 1, state: RunState.Pending }),
    )
    expect(rep.pending).toBe(true)
  })

  it('lists every run it was given, picked or not', () => {
    const runs = [
      makeRun({ replicate: 0, state: RunState.Success }),
      makeRun({ replicate: 0, state: RunState.Pending }),
      makeRun({ replicate: 1, state: RunState.Failure }),
    ]
    expect(replicated(...runs).runs).toEqual(runs)
  })

  it('averages huge, NaN and infinite metrics without overflow', () => {
    const huge = replicated(makeRun({ replicate: 0, metrics: [{ m: 1e308 }] }), makeRun({ replicate: 1, metrics: [{ m: 1e308 }] }))
    expect(huge.metrics['m']).toBe(1e308)
    const nan = replicated(makeRun({ replicate: 0, metrics: [{ m: NaN }] }), makeRun({ replicate: 1, metrics: [{ m: 1 }] }))
    expect(nan.metrics['m']).toBeNaN()
    const inf = replicated(makeRun({ replicate: 0, metrics: [{ m: Infinity }] }), makeRun({ replicate: 1, metrics: [{ m: 1 }] }))
    expect(inf.metrics['m']).toBe(Infinity)
  })

  it('treats a metric named __proto__ as data', () => {
    const metrics = JSON.parse('{"__proto__": 2}')
    const rep = replicated(makeRun({ replicate: 0, metrics: [metrics] }), makeRun({ replicate: 1, metrics: [JSON.parse('{"__proto__": 4}')] }))
    expect(Object.keys(rep.metrics)).toEqual(['__proto__'])
    expect(rep.metrics['__proto__']).toBe(3)
  })

  it('refuses no trials, or a trial that is already replicated', () => {
    expect(() => replicatedTrial([])).toThrow(DivinerError)
    const two = replicated(makeRun({ replicate: 0 }), makeRun({ replicate: 1 }))
    expect(() => replicatedTrial([two])).toThrow(/exactly one replicate, got 2/)
  })
})

/** A database that only lists runs: enough for `trials`, which is a view over the interface. */
function fakeDb(runs: Run[], fail?: Error) {
  const calls: { study: string; states: number; since?: Date }[] = []
  return {
    calls,
    async listRuns(study: string, states: number, since?: Date): Promise<Run[]> {
      calls.push({ study, states, since })
      if (fail) throw fail
      return runs.filter((r) => r.study === study && (r.state & states) !== 0 && (!since || r.updated >= since))
    },
  }
}

describe('trials', () => {
  const study = makeStudy({ name: 's', params: { lr: discrete(float(0.1), float(0.01)), opt: discrete(str('adam'), str('sgd')) } })
  const a = { lr: float(0.1), opt: str('adam') }
  const b = { lr: float(0.01), opt: str('sgd') }

  it('returns one replicated trial per value set, sorted by values', async () => {
    const runs = [
      makeRun({ values: a, replicate: 0, metrics: [{ loss: 1 }] }),
      makeRun({ values: b, replicate: 0, metrics: [{ loss: 4 }] }),
      makeRun({ values: { opt: str('adam'), lr: float(0.1) }, replicate: 1, metrics: [{ loss: 3 }] }),
      makeRun({ values: b, replicate: 0, state: RunState.Pending, metrics: [{ loss: 9 }] }),
      makeRun({ study: 'other', values: a, metrics: [{ loss: 100 }] }),
    ]
    const db = fakeDb(runs)
    const got = await trials(db, study, RunState.Any)
    expect(db.calls).toEqual([{ study: 's', states: RunState.Any, since: undefined }])
    expect(got).toHaveLength(2)
    expect(valuesEqual(got[0]!.values, b)).toBe(true)
    expect(got[0]!.metrics).toEqual({ loss: 4 })
    expect(got[0]!.runs).toHaveLength(2)
    expect(valuesEqual(got[1]!.values, a)).toBe(true)
    expect(got[1]!.metrics).toEqual({ loss: 2 })
    expect(replicateSetList(got[1]!.replicates)).toEqual([0, 1])
  })

  it('passes the states through and groups only the runs in them', async () => {
    const runs = [
      makeRun({ values: a, state: RunState.Success, metrics: [{ loss: 1 }] }),
      makeRun({ values: a, replicate: 1, state: RunState.Failure, metrics: [{ loss: 7 }] }),
    ]
    const got = await trials(fakeDb(runs), study, RunState.Success)
    expect(got).toHaveLength(1)
    expect(got[0]!.metrics).toEqual({ loss: 1 })
    expect(replicateSetList(got[0]!.replicates)).toEqual([0])
  })

  it('groups kind-aware: int 1 and float 1 are different value sets', async () => {
    const runs = [makeRun({ values: { x: int(1) } }), makeRun({ values: { x: float(1) } }), makeRun({ values: { x: float(-0) } }), makeRun({ values: { x: float(0) } })]
    const got = await trials(fakeDb(runs), study, RunState.Any)
    expect(got.map((t) => t.runs.length)).toEqual([1, 2, 1])
    expect(got.map((t) => t.values['x']!.kind)).toEqual(['int', 'float', 'float'])
  })

  it('has no trials for a study without runs', async () => {
    expect(await trials(fakeDb([]), study, RunState.Any)).toEqual([])
  })

  it('has no trials for a missing study, like Diviner ignoring ErrNotExist', async () => {
    expect(await trials(fakeDb([], notExist('no study s')), study, RunState.Any)).toEqual([])
  })

  it('passes any other failure on', async () => {
    await expect(trials(fakeDb([], new DivinerError('quota', 'full')), study, RunState.Any)).rejects.toMatchObject({ code: 'quota' })
  })
})

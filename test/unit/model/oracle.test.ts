import { describe, expect, it } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import { grid, gridSize, MAX_GRID_LIST, propose, random } from '../../../src/db/model/oracle.js'
import { gridPlan } from '../../../src/db/model/grid-plan.js'
import { discrete, isValidValue, range, type Param } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { float, formatValue, int, str, valuesKey, type Values } from '../../../src/db/model/values.js'
import { makeRun, makeStudy } from './fixtures.js'

/** A value set as `name=value,…` in sorted name order, for readable comparisons. */
function show(values: Values): string {
  return Object.keys(values).sort().map((k) => `${k}=${formatValue(values[k]!)}`).join(',')
}

/** Diviner's TestGridSearch params: x, y floats, z strings. */
const xyz = makeStudy({
  params: {
    z: discrete(str('a'), str('b')),
    x: discrete(float(0), float(1), float(2)),
    y: discrete(float(10), float(20), float(30)),
  },
})

describe('gridSize', () => {
  it('multiplies the param sizes', () => {
    expect(gridSize(xyz.params)).toBe(18n)
    expect(gridSize({ n: range(0n, 1000n), m: range(int(-(2n ** 63n)), int(2n ** 63n - 1n)) })).toBe(1000n * (2n ** 64n - 1n))
    expect(gridSize({})).toBe(1n)
  })

  it('throws naming a float range', () => {
    expect(() => gridSize({ a: discrete(int(1)), lr: range(0.001, 0.1) })).toThrow(/"lr".*float range/)
  })
})

describe('grid (after Diviner TestGridSearch)', () => {
  it('lists every combination, names sorted, the last name varying fastest', () => {
    const got = grid(xyz, []).map(show)
    const want: string[] = []
    for (const x of ['0.0', '1.0', '2.0']) {
      for (const y of ['10.0', '20.0', '30.0']) {
        for (const z of ['a', 'b']) want.push(`x=${x},y=${y},z=${z}`)
      }
    }
    expect(got).toEqual(want)
  })

  it('gives the same order every time, whatever order the params were given in', () => {
    const reordered = makeStudy({ params: { y: xyz.params['y']!, z: xyz.params['z']!, x: xyz.params['x']! } })
    expect(grid(reordered, []).map(show)).toEqual(grid(xyz, []).map(show))
  })

  it('follows each param’s own enumeration order, not value order', () => {
    const s = makeStudy({ params: { lr: discrete(float(0.1), float(0.01), float(0.001)) } })
    expect(grid(s, []).map(show)).toEqual(['lr=0.1', 'lr=0.01', 'lr=0.001'])
    expect(grid(makeStudy({ params: { n: range(-1n, 2n) } }), []).map(show)).toEqual(['n=-1', 'n=0', 'n=1'])
  })

  it('excludes tried value sets, kind-aware', () => {
    const all = grid(xyz, [])
    expect(grid(xyz, all)).toEqual([])
    expect(grid(xyz, all.slice(3)).map(show)).toEqual(all.slice(0, 3).map(show))
    const tried = [{ x: float(-0), y: float(10), z: str('a') }, { x: int(1), y: float(10), z: str('a') }]
    const rest = grid(xyz, tried).map(show)
    expect(rest).toHaveLength(17)
    expect(rest).not.toContain('x=0.0,y=10.0,z=a')
    expect(rest).toContain('x=1.0,y=10.0,z=a')
  })

  it('ignores tried value sets that are incomplete or outside the grid, and extra names', () => {
    const tried: Values[] = [{ x: float(0), y: float(10) }, { x: float(5), y: float(10), z: str('a') }, { x: float(0), y: float(10), z: str('b'), w: int(1) }]
    const rest = grid(xyz, tried).map(show)
    expect(rest).toHaveLength(17)
    expect(rest).not.toContain('x=0.0,y=10.0,z=b')
  })

  it('returns at most n', () => {
    expect(grid(xyz, [], 4).map(show)).toEqual(grid(xyz, []).slice(0, 4).map(show))
    expect(grid(xyz, grid(xyz, [], 4), 2).map(show)).toEqual(grid(xyz, []).slice(4, 6).map(show))
    expect(grid(xyz, [], 0)).toEqual([])
    expect(() => grid(xyz, [], -1)).toThrow(DivinerError)
  })

  it('proposes the single empty value set for a study without params', () => {
    expect(grid(makeStudy({ params: {} }), [])).toEqual([{}])
    expect(grid(makeStudy({ params: {} }), [{}])).toEqual([])
  })

  it('walks a huge int range lazily when given n, and refuses to list it all', () => {
    const s = makeStudy({ params: { seed: range(0n, 2n ** 62n) } })
    expect(grid(s, [{ seed: int(0) }], 2).map(show)).toEqual(['seed=1', 'seed=2'])
    expect(() => grid(s, [])).toThrow(/too many to list/)
    expect(MAX_GRID_LIST).toBeGreaterThan(1000)
  })

  it('throws naming a float range param', () => {
    const s = makeStudy({ params: { lr: range(0.001, 0.1), opt: discrete(str('adam')) } })
    try {
      grid(s, [])
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DivinerError)
      expect((e as DivinerError).code).toBe('invalid')
      expect((e as DivinerError).message).toMatch(/param "lr"/)
      expect((e as DivinerError).details).toEqual({ field: 'lr' })
    }
  })
})

describe('gridPlan', () => {
  const study = makeStudy({ name: 's', params: { x: discrete(int(1), int(2)) }, replicates: 1 })
  const one = { x: int(1) }
  const two = { x: int(2) }

  it('plans every replicate of every value set at first', () => {
    expect(gridPlan(study, []).map((p) => `${show(p.values)}#${p.replicate}`)).toEqual(['x=1#0', 'x=1#1', 'x=2#0', 'x=2#1'])
  })

  it('proposes a value set again until all its replicates exist', () => {
    const runs = [
      makeRun({ study: 's', values: one, replicate: 0, state: RunState.Success }),
      makeRun({ study: 's', values: one, replicate: 1, state: RunState.Pending }),
      makeRun({ study: 's', values: two, replicate: 1, state: RunState.Success }),
    ]
    expect(gridPlan(study, runs).map((p) => `${show(p.values)}#${p.replicate}`)).toEqual(['x=2#0'])
  })

  it('plans a failed replicate again, and ignores other studies', () => {
    const runs = [
      makeRun({ study: 's', values: one, replicate: 0, state: RunState.Failure }),
      makeRun({ study: 's', values: one, replicate: 1, state: RunState.Success }),
      makeRun({ study: 'other', values: two, replicate: 0, state: RunState.Success }),
      makeRun({ study: 'other', values: two, replicate: 1, state: RunState.Success }),
    ]
    expect(gridPlan(study, runs).map((p) => `${show(p.values)}#${p.replicate}`)).toEqual(['x=1#0', 'x=2#0', 'x=2#1'])
  })

  it('limits the number of value sets, not of runs', () => {
    expect(gridPlan(study, [], 1).map((p) => `${show(p.values)}#${p.replicate}`)).toEqual(['x=1#0', 'x=1#1'])
  })
})

describe('random', () => {
  const params: Record<string, Param> = {
    opt: discrete(str('adam'), str('sgd'), str('rmsprop')),
    layers: range(1n, 5n),
    lr: range(0.001, 0.1),
    big: range(int(-(2n ** 63n)), int(2n ** 63n - 1n)),
  }
  const study = makeStudy({ params })

  it('draws valid values for every param', () => {
    const points = random(study, 42, 200)
    expect(points).toHaveLength(200)
    for (const p of points) {
      expect(Object.keys(p).sort()).toEqual(['big', 'layers', 'lr', 'opt'])
      for (const [name, param] of Object.entries(params)) expect(isValidValue(param, p[name]!)).toBe(true)
    }
  })

  it('covers every discrete value and every int in range, roughly uniformly', () => {
    const points = random(study, 7, 3000)
    const counts = new Map<string, number>()
    for (const p of points) for (const k of ['opt', 'layers']) counts.set(`${k}=${formatValue(p[k]!)}`, (counts.get(`${k}=${formatValue(p[k]!)}`) ?? 0) + 1)
    expect([...counts.keys()].sort()).toEqual(['layers=1', 'layers=2', 'layers=3', 'layers=4', 'opt=adam', 'opt=rmsprop', 'opt=sgd'])
    for (const [k, c] of counts) expect(c, k).toBeGreaterThan(k.startsWith('opt') ? 850 : 600)
    const lrs = points.map((p) => p['lr']!.value as number)
    expect(Math.min(...lrs)).toBeLessThan(0.005)
    expect(Math.max(...lrs)).toBeGreaterThan(0.095)
    expect(lrs.reduce((a, b) => a + b, 0) / lrs.length).toBeCloseTo(0.0505, 2)
  })

  it('gives the same values for the same seed', () => {
    expect(random(study, 123, 20).map(valuesKey)).toEqual(random(study, 123, 20).map(valuesKey))
  })

  it('gives different values for different seeds', () => {
    const a = random(study, 1, 5).map(valuesKey)
    const b = random(study, 2, 5).map(valuesKey)
    for (const k of a) expect(b).not.toContain(k)
    expect(random(study, 2 ** 40, 1)[0]).not.toEqual(random(study, 0, 1)[0])
  })

  it('extends a shorter draw: point i depends only on the seed and i', () => {
    const long = random(study, 9, 10).map(valuesKey)
    expect(random(study, 9, 4).map(valuesKey)).toEqual(long.slice(0, 4))
    expect(random(study, 9, 3, 4).map(valuesKey)).toEqual(long.slice(4, 7))
  })

  it('refuses a seed that is not an integer', () => {
    expect(() => random(study, 0.5, 1)).toThrow(/seed/)
  })
})

describe('propose', () => {
  it('uses the grid by default, skipping what was tried', () => {
    const s = makeStudy({ params: { x: discrete(int(1), int(2), int(3)) } })
    expect(propose(s, [{ x: int(1) }], 5).map(show)).toEqual(['x=2', 'x=3'])
    expect(propose({ ...s, oracle: { name: 'grid' } }, [], 1).map(show)).toEqual(['x=1'])
  })

  it('continues a random study’s sequence past the points already tried', () => {
    const s = makeStudy({ params: { lr: range(0, 1) }, oracle: { name: 'random', seed: 5 } })
    const first = propose(s, [], 3)
    expect(first.map(valuesKey)).toEqual(random(s, 5, 3).map(valuesKey))
    expect(propose(s, first, 2).map(valuesKey)).toEqual(random(s, 5, 5).slice(3).map(valuesKey))
  })

  it('refuses other oracles', () => {
    const s = makeStudy({ oracle: { name: 'skopt' } })
    expect(() => propose(s, [], 1)).toThrow(/oracle skopt cannot propose here/)
  })
})

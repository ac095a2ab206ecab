import { describe, expect, it } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import { discrete, range } from '../../../src/db/model/params.js'
import {
  formatObjective, maximize, minimize, objectiveBetter, studiesEquivalent, validateStudy, type Study,
} from '../../../src/db/model/study.js'
import { float, int } from '../../../src/db/model/values.js'
import { makeStudy } from './fixtures.js'

/** The `invalid` error validating `study` throws. */
function rejection(study: unknown): DivinerError {
  try {
    validateStudy(study as Study)
  } catch (e) {
    expect(e).toBeInstanceOf(DivinerError)
    expect((e as DivinerError).code).toBe('invalid')
    return e as DivinerError
  }
  throw new Error('expected validateStudy to throw')
}

describe('objectives', () => {
  it('minimize and maximize name a metric and a direction', () => {
    expect(minimize('loss')).toEqual({ direction: 'minimize', metric: 'loss' })
    expect(maximize('acc')).toEqual({ direction: 'maximize', metric: 'acc' })
    expect(formatObjective(maximize('acc'))).toBe('maximize(acc)')
  })

  it('objectiveBetter follows the direction, strictly', () => {
    expect(objectiveBetter(minimize('loss'), 1, 2)).toBe(true)
    expect(objectiveBetter(minimize('loss'), 2, 1)).toBe(false)
    expect(objectiveBetter(maximize('acc'), 2, 1)).toBe(true)
    expect(objectiveBetter(maximize('acc'), 1, 2)).toBe(false)
    expect(objectiveBetter(minimize('loss'), 1, 1)).toBe(false)
    expect(objectiveBetter(minimize('loss'), -Infinity, 0)).toBe(true)
  })

  it('NaN is never better than a number, and a number always beats NaN', () => {
    for (const o of [minimize('m'), maximize('m')]) {
      expect(objectiveBetter(o, NaN, 1)).toBe(false)
      expect(objectiveBetter(o, NaN, Infinity)).toBe(false)
      expect(objectiveBetter(o, 1, NaN)).toBe(true)
      expect(objectiveBetter(o, NaN, NaN)).toBe(false)
    }
  })
})

describe('validateStudy', () => {
  it('fills in the defaults', () => {
    const s = validateStudy(makeStudy())
    expect(s.replicates).toBe(0)
    expect(s.description).toBe('')
    expect(s.oracle).toEqual({ name: 'grid' })
    expect(s.name).toBe('mnist')
    expect(Object.keys(s.params).sort()).toEqual(['lr', 'opt'])
  })

  it('keeps given settings, and an unknown oracle verbatim', () => {
    const oracle = { name: 'skopt', acquisition: 'gp_hedge', nInitial: 5 }
    const s = validateStudy(makeStudy({ replicates: 3, description: 'first sweep', oracle }))
    expect(s.replicates).toBe(3)
    expect(s.description).toBe('first sweep')
    expect(s.oracle).toEqual(oracle)
    expect(validateStudy(makeStudy({ oracle: { name: 'random', seed: 7 } })).oracle).toEqual({ name: 'random', seed: 7 })
  })

  it('drops fields that are not part of a study', () => {
    const s = validateStudy({ ...makeStudy(), created: 5 } as Study)
    expect(Object.keys(s).sort()).toEqual(['description', 'name', 'objective', 'oracle', 'params', 'replicates'])
  })

  it('allows any non-empty name, colons included', () => {
    expect(validateStudy(makeStudy({ name: 'a:b/c d' })).name).toBe('a:b/c d')
  })

  it('accepts replicates 0 and 63', () => {
    expect(validateStudy(makeStudy({ replicates: 63 })).replicates).toBe(63)
    expect(validateStudy(makeStudy({ replicates: 0 })).replicates).toBe(0)
  })

  it('rejects replicates 64, -1 and 1.5, naming the field', () => {
    for (const replicates of [64, -1, 1.5, NaN]) {
      const e = rejection(makeStudy({ replicates }))
      expect(e.details).toEqual({ field: 'replicates' })
      expect(e.message).toBe(`study "mnist": replicates must be an integer in 0..63, got ${replicates}`)
    }
    expect(rejection({ ...makeStudy(), replicates: '2' }).details).toEqual({ field: 'replicates' })
  })

  it('names the bad field', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ ...makeStudy(), name: '' }, 'name', /non-empty name/],
      [{ ...makeStudy(), name: undefined }, 'name', /non-empty name/],
      [{ ...makeStudy(), objective: null }, 'objective', /minimize\(metric\) or maximize\(metric\)/],
      [{ ...makeStudy(), objective: { direction: 'up', metric: 'x' } }, 'objective.direction', /got up/],
      [{ ...makeStudy(), objective: minimize('') }, 'objective.metric', /metric/],
      [{ ...makeStudy(), params: null }, 'params', /params must be an object/],
      [{ ...makeStudy(), params: { lr: { type: 'discrete', values: [] } } }, 'params.lr', /"lr": needs at least one value/],
      [{ ...makeStudy(), params: { '': discrete(int(1)) } }, 'params', /non-empty/],
      [{ ...makeStudy(), description: 5 }, 'description', /description/],
      [{ ...makeStudy(), oracle: { name: '' } }, 'oracle', /oracle/],
      [{ ...makeStudy(), oracle: { name: 'random' } }, 'oracle.seed', /integer seed/],
      [{ ...makeStudy(), oracle: { name: 'random', seed: 0.5 } }, 'oracle.seed', /integer seed/],
    ]
    for (const [study, field, message] of cases) {
      const e = rejection(study)
      expect(e.details, field).toEqual({ field })
      expect(e.message, field).toMatch(message)
    }
  })

  it('prefixes a param error with the study name', () => {
    const e = rejection({ ...makeStudy(), params: { lr: { type: 'range', start: int(2), end: int(1) } } })
    expect(e.message).toMatch(/^study "mnist": param "lr": range\(2, 1\) is empty/)
  })

  it('accepts a grid study over a float range (grid fails only when asked to propose)', () => {
    expect(() => validateStudy(makeStudy({ params: { lr: range(0.001, 0.1) } }))).not.toThrow()
  })

  it('keeps a __proto__ param name as data', () => {
    const params = JSON.parse('{"__proto__": {"type": "discrete", "values": []}}')
    params['__proto__'].values = [int(1)]
    const s = validateStudy(makeStudy({ params }))
    expect(Object.keys(s.params)).toEqual(['__proto__'])
    expect(s.params['__proto__']).toEqual(discrete(int(1)))
  })
})

describe('studiesEquivalent', () => {
  const base = makeStudy({ params: { lr: discrete(float(0.1), float(0.01)), layers: range(1n, 4n) } })

  it('holds for the same objective and params, whatever else differs', () => {
    const other = makeStudy({
      params: { layers: range(1n, 4n), lr: discrete(float(0.1), float(0.01)) },
      replicates: 2, description: 'again', oracle: { name: 'random', seed: 1 },
    })
    expect(studiesEquivalent(base, other)).toBe(true)
  })

  it('fails on a different objective', () => {
    expect(studiesEquivalent(base, { ...base, objective: maximize('loss') })).toBe(false)
    expect(studiesEquivalent(base, { ...base, objective: minimize('val_loss') })).toBe(false)
  })

  it('fails on different params, kinds included', () => {
    expect(studiesEquivalent(base, { ...base, params: { ...base.params, layers: range(1n, 5n) } })).toBe(false)
    expect(studiesEquivalent(base, { ...base, params: { ...base.params, layers: range(1, 4) } })).toBe(false)
    expect(studiesEquivalent(base, { ...base, params: { lr: discrete(float(0.1), float(0.01)) } })).toBe(false)
    expect(studiesEquivalent(base, { ...base, params: { ...base.params, extra: discrete(int(1)) } })).toBe(false)
    expect(studiesEquivalent(base, { ...base, params: { ...base.params, lr: discrete(float(0.1)) } })).toBe(false)
  })
})

/**
 * Floats to a sensible precision, and Optuna studies as Optuna users know them:
 * trial numbers, distributions with Optuna's inclusive bounds, the oracle by name.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distinctShortTexts, formatFloatShort, formatValueShort, isShortened } from '../../../src/db/model/display.js'
import { optunaDistribution, optunaFacts, optunaTrialNumber, oracleName } from '../../../src/db/model/foreign.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { dict, float, formatValue, int, list, str, valueKey, type Value } from '../../../src/db/model/values.js'

describe('short floats', () => {
  it('keep 4 significant digits, Diviner\'s .0, and exponents outside 1e-4…1e6', () => {
    expect(formatFloatShort(0.38228349203)).toBe('0.3823')
    expect(formatFloatShort(0.0019234567)).toBe('0.001923')
    expect(formatFloatShort(32)).toBe('32.0')
    expect(formatFloatShort(0.1)).toBe('0.1')
    expect(formatFloatShort(1.0000000000000002)).toBe('1.0')
    expect(formatFloatShort(12345.678)).toBe('12346.0')
    expect(formatFloatShort(12345.678, 6)).toBe('12345.7')
    expect(formatFloatShort(1.2345e-7)).toBe('1.235e-7')
    expect(formatFloatShort(2e9)).toBe('2e+9')
    expect(formatFloatShort(-0.5)).toBe('-0.5')
    expect([NaN, Infinity, -Infinity, 0, -0].map((x) => formatFloatShort(x))).toEqual(['NaN', 'Infinity', '-Infinity', '0.0', '0.0'])
  })

  it('shorten floats inside lists and dicts, and leave other kinds as they are', () => {
    expect(formatValueShort(list(float(0.123456), int(7), str('adam')))).toBe('[0.1235, 7, adam]')
    expect(formatValueShort(dict({ b: float(2.5e-9), a: int(1) }))).toBe('{a: 1, b: 2.5e-9}')
    expect(isShortened(float(0.123456))).toBe(true)
    expect(isShortened(float(0.5))).toBe(false)
  })
})

describe('short texts of an axis\'s values', () => {
  it('widen only the values that would read the same, as far as it takes', () => {
    expect(distinctShortTexts([float(0.1), float(0.15), float(0.15000000000000002), str('adam')]))
      .toEqual(['0.1', '0.15', '0.15000000000000002', 'adam'])
    expect(distinctShortTexts([float(0.38228), float(0.38231), float(2)])).toEqual(['0.38228', '0.38231', '2.0'])
    // Not even the exact texts tell 0 from -0.
    expect(distinctShortTexts([float(0), float(-0), float(1e-300)])).toEqual(['0.0', '0.0', '1e-300'])
  })

  it('give values distinct texts when their exact texts differ, each its short text when that is unique', () => {
    const value = fc.oneof(fc.double({ noNaN: true }).map(float), fc.integer({ min: -3, max: 3 }).map((n) => int(n)), fc.constantFrom('a', 'b').map(str))
    fc.assert(fc.property(fc.uniqueArray(value, { selector: valueKey, maxLength: 12 }), (values: Value[]) => {
      const texts = distinctShortTexts(values)
      expect(new Set(texts).size).toBe(new Set(values.map(formatValue)).size)
      const short = values.map((v) => formatValueShort(v))
      short.forEach((s, i) => { if (short.indexOf(s) === short.lastIndexOf(s)) expect(texts[i]).toBe(s) })
    }))
  })
})

describe('Optuna studies', () => {
  const oracle = { name: 'optuna', source: 'optuna:s@sqlite:1:0', storage: 'sqlite', directions: ['maximize'], notes: { lr: 'log', d: 'step 0.1' } }

  it('name the oracle and read its facts', () => {
    expect(oracleName(oracle)).toBe('Optuna (sqlite)')
    expect(oracleName({ name: 'grid' })).toBe('grid')
    expect(oracleName({ name: 'random', seed: 3 })).toBe('random (seed 3)')
    expect(oracleName({ name: 'hyperband', eta: 3 })).toBe('hyperband')
    expect(optunaFacts(oracle)).toEqual({ storage: 'sqlite', directions: ['maximize'], notes: { lr: 'log', d: 'step 0.1' } })
    expect(optunaFacts({ name: 'grid' })).toBeUndefined()
  })

  it('write distributions with Optuna\'s inclusive bounds', () => {
    // The import ends a float range at the float just above Optuna's high.
    expect(optunaDistribution(range(0.2, 0.5000000000000001), undefined)).toBe('FloatDistribution(0.2, 0.5)')
    expect(optunaDistribution(range(0.00001, 0.10000000000000002), 'log')).toBe('FloatDistribution(0.00001, 0.1, log=True)')
    expect(optunaDistribution(range(0, 0.5000000000000001), 'step 0.1')).toBe('FloatDistribution(0, 0.5, step=0.1)')
    expect(optunaDistribution(range(int(4), int(129)), undefined)).toBe('IntDistribution(4, 128)')
    expect(optunaDistribution(discrete(str('Adam'), str('SGD')), undefined)).toBe('CategoricalDistribution(Adam, SGD)')
  })

  it('read a run\'s trial number', () => {
    expect(optunaTrialNumber({ optuna: { study: 's', number: 64, trial_id: 64, storage: 'sqlite' } })).toBe(64)
    expect(optunaTrialNumber({ script: 'python train.py' })).toBeUndefined()
    expect(optunaTrialNumber({ optuna: { number: -1 } })).toBeUndefined()
  })
})

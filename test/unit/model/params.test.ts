import { describe, expect, it } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import {
  discrete, formatParam, isFinite, isValidValue, paramIndexOf, paramKind, paramSize, paramValueAt,
  paramValues, paramsEqual, range, validateParam, type Param,
} from '../../../src/db/model/params.js'
import { bool, float, int, list, str, type Value } from '../../../src/db/model/values.js'

/** The error `f` throws, which must be an `invalid` DivinerError. */
function invalidError(f: () => unknown): DivinerError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(DivinerError)
    expect((e as DivinerError).code).toBe('invalid')
    return e as DivinerError
  }
  throw new Error('expected an invalid error, got none')
}

describe('discrete', () => {
  it('keeps its values in the given order', () => {
    const p = discrete(float(0.1), float(0.01))
    expect(paramKind(p)).toBe('float')
    expect(paramValues(p)).toEqual([float(0.1), float(0.01)])
    expect(formatParam(p)).toBe('discrete(0.1, 0.01)')
  })

  it('needs at least one value, all of one kind, none twice', () => {
    expect(invalidError(() => discrete()).message).toMatch(/at least one/)
    expect(invalidError(() => discrete(int(1), float(2))).message).toMatch(/one kind.*int.*float/)
    expect(invalidError(() => discrete(str('a'), str('a'))).message).toMatch(/a appears twice/)
    expect(invalidError(() => discrete(float(0), float(-0))).message).toMatch(/appears twice/)
  })

  it('admits values of its kind that are in the set, kind-aware', () => {
    const p = discrete(int(1), int(2))
    expect(isValidValue(p, int(2))).toBe(true)
    expect(isValidValue(p, int(3))).toBe(false)
    expect(isValidValue(p, float(1))).toBe(false)
    const l = discrete(list(int(1)), list(str('a')))
    expect(isValidValue(l, list(str('a')))).toBe(true)
    expect(isValidValue(l, list(float(1)))).toBe(false)
    expect(isValidValue(discrete(float(NaN)), float(NaN))).toBe(true)
  })
})

describe('range', () => {
  it('makes an int range from bigints and a float range from numbers', () => {
    expect(paramKind(range(1n, 10n))).toBe('int')
    expect(paramKind(range(int(1), int(10)))).toBe('int')
    expect(paramKind(range(1, 10))).toBe('float')
    expect(formatParam(range(1n, 10n))).toBe('range(1, 10)')
    expect(formatParam(range(0.5, 2))).toBe('range(0.5, 2.0)')
  })

  it('is half-open', () => {
    const r = range(1n, 4n)
    expect(isValidValue(r, int(1))).toBe(true)
    expect(isValidValue(r, int(3))).toBe(true)
    expect(isValidValue(r, int(4))).toBe(false)
    expect(isValidValue(r, int(0))).toBe(false)
    expect(isValidValue(r, float(2))).toBe(false)
    const f = range(0, 1)
    expect(isValidValue(f, float(0))).toBe(true)
    expect(isValidValue(f, float(-0))).toBe(true)
    expect(isValidValue(f, float(0.999))).toBe(true)
    expect(isValidValue(f, float(1))).toBe(false)
    expect(isValidValue(f, float(NaN))).toBe(false)
  })

  it('rejects mixed kinds, other kinds, empty ranges and infinite ends', () => {
    expect(invalidError(() => range(1n, 2)).message).toMatch(/one kind/)
    expect(invalidError(() => range(int(1), float(2))).message).toMatch(/one kind/)
    expect(invalidError(() => range(5n, 5n)).message).toMatch(/empty/)
    expect(invalidError(() => range(2, 1)).message).toMatch(/empty/)
    expect(invalidError(() => range(0, Infinity)).message).toMatch(/finite/)
    expect(invalidError(() => range(NaN, 1)).message).toMatch(/finite/)
    expect(invalidError(() => range(0n, 2n ** 64n)).message).toMatch(/64-bit/)
    const strings = { type: 'range', start: str('a'), end: str('b') } as unknown as Param
    expect(invalidError(() => validateParam('s', strings)).message).toMatch(/ints or floats/)
  })
})

describe('finite params', () => {
  it('enumerates an int range in ascending order', () => {
    const r = range(-1n, 2n)
    expect(isFinite(r)).toBe(true)
    expect(paramSize(r)).toBe(3n)
    expect(paramValues(r)).toEqual([int(-1), int(0), int(1)])
    expect(paramValueAt(r, 2n)).toEqual(int(1))
    expect(paramIndexOf(r, int(0))).toBe(1n)
    expect(paramIndexOf(r, int(2))).toBeUndefined()
  })

  it('indexes a discrete param by kind-aware equality', () => {
    const p = discrete(float(0), float(1))
    expect(paramIndexOf(p, float(-0))).toBe(0n)
    expect(paramIndexOf(p, float(1))).toBe(1n)
    expect(paramIndexOf(p, int(1))).toBeUndefined()
  })

  it('sizes a huge int range without listing it', () => {
    const r = range(int(-(2n ** 63n)), int(2n ** 63n - 1n))
    expect(paramSize(r)).toBe(2n ** 64n - 1n)
    expect(paramValueAt(r, 2n ** 64n - 2n)).toEqual(int(2n ** 63n - 2n))
    expect(invalidError(() => paramValues(r, 'seed')).message).toMatch(/"seed".*too many/)
  })

  it('a float range is not finite, and saying so names the param', () => {
    const r = range(0.001, 0.1)
    expect(isFinite(r)).toBe(false)
    const e = invalidError(() => paramValues(r, 'lr'))
    expect(e.message).toMatch(/"lr"/)
    expect(e.details).toEqual({ field: 'lr' })
    expect(invalidError(() => paramSize(r, 'lr')).message).toMatch(/float range/)
    expect(invalidError(() => paramIndexOf(r, float(0.01), 'lr')).message).toMatch(/"lr"/)
  })
})

describe('validateParam', () => {
  it('accepts what the constructors build', () => {
    for (const p of [discrete(bool(true)), range(0n, 3n), range(0, 1), discrete(list(), list(int(1)))]) {
      expect(() => validateParam('p', p)).not.toThrow()
    }
  })

  it('names the param in each complaint', () => {
    const cases: [unknown, RegExp][] = [
      [null, /discrete\(…\) or range\(…\)/],
      [{ type: 'log' }, /got type log/],
      [{ type: 'discrete', values: [] }, /at least one/],
      [{ type: 'discrete', values: [{ kind: 'int', value: 1 }] }, /well-formed/],
      [{ type: 'range', start: int(3), end: int(1) }, /empty/],
      [{ type: 'range', start: { kind: 'int', value: 1 }, end: int(3) }, /well-formed/],
    ]
    for (const [p, message] of cases) {
      const e = invalidError(() => validateParam('batch', p as Param))
      expect(e.message).toMatch(/"batch"/)
      expect(e.message).toMatch(message)
      expect(e.details).toEqual({ field: 'params.batch' })
    }
  })

  it('needs a non-empty name', () => {
    expect(invalidError(() => validateParam('', discrete(int(1)))).details).toEqual({ field: 'params' })
  })
})

describe('paramsEqual', () => {
  it('compares definitions kind-aware and in order', () => {
    expect(paramsEqual(discrete(int(1), int(2)), discrete(int(1), int(2)))).toBe(true)
    expect(paramsEqual(discrete(int(1), int(2)), discrete(int(2), int(1)))).toBe(false)
    expect(paramsEqual(discrete(int(1)), discrete(float(1)))).toBe(false)
    expect(paramsEqual(discrete(int(1)), discrete(int(1), int(2)))).toBe(false)
    expect(paramsEqual(range(1n, 2n), range(1n, 2n))).toBe(true)
    expect(paramsEqual(range(1n, 2n), range(1, 2))).toBe(false)
    expect(paramsEqual(range(1n, 3n), discrete(int(1), int(2)))).toBe(false)
    expect(paramsEqual(discrete(int(1), int(2)), range(1n, 3n))).toBe(false)
  })
})

describe('formatParam', () => {
  it('prints each kind as a user would write it', () => {
    const values: Value[] = [str('adam'), str('sgd')]
    expect(formatParam(discrete(...values))).toBe('discrete(adam, sgd)')
    expect(formatParam(discrete(list(int(1), int(2))))).toBe('discrete([1, 2])')
    expect(formatParam(discrete(bool(false), bool(true)))).toBe('discrete(false, true)')
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  bool, compareValueSets, compareValues, dict, float, formatValue, int, isValue, list, str,
  valueEqual, valueKey, valuesEqual, valuesKey, type Value, type Values,
} from '../../../src/db/model/values.js'

/** Keys that stress plain-object handling. */
const keyArb = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'b', ''), fc.string({ maxLength: 3 }))

function record<T>(entries: readonly (readonly [string, T])[]): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [k, v] of entries) out[k] = v
  return out
}

const { value: valueArb } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(int),
    fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, 1.5)).map(float),
    fc.string({ maxLength: 4 }).map(str),
    fc.boolean().map(bool),
    fc.array(tie('value'), { maxLength: 3 }).map((vs) => list(...vs)),
    fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 3 }).map((es) => dict(record(es))),
  ),
}))

const valuesArb: fc.Arbitrary<Values> = fc.array(fc.tuple(keyArb, valueArb), { maxLength: 3 }).map(record)

/** Pairs that are often equal, so equality paths get exercised too. */
const pairArb = fc.oneof(
  fc.tuple(valueArb, valueArb),
  valueArb.map((v) => [v, structuredClone(v)] as [Value, Value]),
)

describe('compareValues is a total order', () => {
  it('is reflexive and antisymmetric', () => {
    fc.assert(fc.property(pairArb, ([a, b]) => {
      expect(compareValues(a, a)).toBe(0)
      expect(Math.sign(compareValues(a, b))).toBe(-Math.sign(compareValues(b, a)) || 0)
    }))
  })

  it('is transitive', () => {
    fc.assert(fc.property(valueArb, valueArb, valueArb, (a, b, c) => {
      const [x, y, z] = [a, b, c].sort(compareValues) as [Value, Value, Value]
      expect(compareValues(x, y)).toBeLessThanOrEqual(0)
      expect(compareValues(y, z)).toBeLessThanOrEqual(0)
      expect(compareValues(x, z)).toBeLessThanOrEqual(0)
    }))
  })

  it('agrees with valueEqual and valueKey', () => {
    fc.assert(fc.property(pairArb, ([a, b]) => {
      const equal = compareValues(a, b) === 0
      expect(valueEqual(a, b)).toBe(equal)
      expect(valueKey(a) === valueKey(b)).toBe(equal)
    }))
  })

  it('sorts the same whatever the input order', () => {
    fc.assert(fc.property(fc.array(valueArb, { maxLength: 8 }), (vs) => {
      const once = [...vs].sort(compareValues).map(valueKey)
      const again = [...vs].reverse().sort(compareValues).map(valueKey)
      expect(again).toEqual(once)
    }))
  })
})

describe('value sets', () => {
  it('valuesEqual holds exactly when valuesKey is equal', () => {
    const setPair = fc.oneof(
      fc.tuple(valuesArb, valuesArb),
      valuesArb.map((v) => [v, record(Object.entries(v).reverse())] as [Values, Values]),
    )
    fc.assert(fc.property(setPair, ([a, b]) => {
      expect(valuesEqual(a, b)).toBe(valuesKey(a) === valuesKey(b))
      expect(valuesEqual(a, b)).toBe(compareValueSets(a, b) === 0)
    }))
  })

  it('ignores the order names were given in', () => {
    expect(valuesEqual({ a: int(1), b: str('x') }, { b: str('x'), a: int(1) })).toBe(true)
    expect(valuesKey({ a: int(1), b: str('x') })).toBe(valuesKey({ b: str('x'), a: int(1) }))
  })

  it('tells a missing name from a present one', () => {
    expect(valuesEqual({ a: int(1) }, { a: int(1), b: int(2) })).toBe(false)
    expect(compareValueSets({ a: int(1) }, { a: int(1), b: int(2) })).toBeLessThan(0)
  })
})

describe('kinds are part of identity', () => {
  it('int 1 is not float 1, nor true, nor "1"', () => {
    const ones = [int(1), float(1), bool(true), str('1'), list(int(1))]
    for (const a of ones) {
      for (const b of ones) {
        expect(valueEqual(a, b)).toBe(a === b)
        expect(valueKey(a) === valueKey(b)).toBe(a === b)
      }
    }
    expect(valuesEqual({ x: int(1) }, { x: float(1) })).toBe(false)
  })

  it('orders within a kind: false < true, ints by value, strings by code unit', () => {
    expect(compareValues(bool(false), bool(true))).toBeLessThan(0)
    expect(compareValues(int(-(2n ** 63n)), int(2n ** 63n - 1n))).toBeLessThan(0)
    expect(compareValues(int(2), int(10))).toBeLessThan(0)
    expect(compareValues(str('B'), str('a'))).toBeLessThan(0)
    expect(compareValues(list(int(1)), list(int(1), int(0)))).toBeLessThan(0)
  })
})

describe('floats', () => {
  it('NaN equals NaN and sorts first', () => {
    expect(valueEqual(float(NaN), float(NaN))).toBe(true)
    expect(valueKey(float(NaN))).toBe(valueKey(float(0 / 0)))
    expect(compareValues(float(NaN), float(-Infinity))).toBeLessThan(0)
  })

  it('-0 equals 0, and Infinity is above every finite float', () => {
    expect(valueEqual(float(-0), float(0))).toBe(true)
    expect(valueKey(float(-0))).toBe(valueKey(float(0)))
    expect(compareValues(float(Number.MAX_VALUE), float(Infinity))).toBeLessThan(0)
    expect(valueEqual(float(Infinity), float(-Infinity))).toBe(false)
  })

  it('prints a whole float with a fraction so it reads apart from an int', () => {
    expect(formatValue(float(1))).toBe('1.0')
    expect(formatValue(int(1))).toBe('1')
    expect(formatValue(float(0.1))).toBe('0.1')
  })
})

describe('dicts keep any key as data', () => {
  it('a __proto__ key is an own entry, not a prototype', () => {
    const d = dict(JSON.parse('{"__proto__": {"kind": "string", "value": "x"}}'))
    expect(Object.keys(d.value)).toEqual(['__proto__'])
    expect(valueEqual(d.value['__proto__'] as Value, str('x'))).toBe(true)
    expect(valueEqual(d, dict({}))).toBe(false)
    expect(valueKey(d)).not.toBe(valueKey(dict({})))
    expect(formatValue(d)).toBe('{__proto__: x}')
  })

  it('a value set with a __proto__ name compares by it', () => {
    const a: Values = JSON.parse('{"__proto__": 1}', (k, v) => (k === '__proto__' ? int(v) : v))
    const b: Values = JSON.parse('{"__proto__": 2}', (k, v) => (k === '__proto__' ? int(v) : v))
    expect(Object.keys(a)).toEqual(['__proto__'])
    expect(valuesEqual(a, b)).toBe(false)
    expect(valuesKey(a)).not.toBe(valuesKey(b))
  })
})

describe('isValue', () => {
  it('accepts well-formed values of every kind', () => {
    fc.assert(fc.property(valueArb, (v) => { expect(isValue(v)).toBe(true) }))
  })

  it('rejects wrong payloads', () => {
    expect(isValue({ kind: 'int', value: 1 })).toBe(false)
    expect(isValue({ kind: 'int', value: 2n ** 63n })).toBe(false)
    expect(isValue({ kind: 'float', value: '1' })).toBe(false)
    expect(isValue({ kind: 'list', value: [{ kind: 'nope' }] })).toBe(false)
    expect(isValue({ kind: 'dict', value: [] })).toBe(false)
    expect(isValue(null)).toBe(false)
  })
})

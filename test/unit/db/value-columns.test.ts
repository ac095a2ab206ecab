/**
 * Value sets in columns (src/db/store/value-columns.ts): decoded through one
 * pool, the value sets of several segments come back exactly as written, and
 * two of them are one object exactly when they are equal in every respect
 * (names and their order, kinds, -0, NaN), whichever column form (a
 * dictionary, a typed array, plain values) each segment chose.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { float, int, type Value, type Values } from '../../../src/db/model/values.js'
import { decodeValueSets, encodeValueSets, ValueSetPool } from '../../../src/db/store/value-columns.js'
import { values } from '../dump/gen.js'

/** True when `a` and `b` are the same value: same kinds, Object.is on numbers, keys in the same order. */
function sameValue(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'list': {
      const bs = b.value as Value[]
      return a.value.length === bs.length && a.value.every((v, i) => sameValue(v, bs[i] as Value))
    }
    case 'dict': return sameSet(a.value, b.value as Values)
    default: return Object.is(a.value, b.value)
  }
}

function sameSet(a: Values, b: Values): boolean {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k] as Value, b[k] as Value))
}

describe('value sets decoded through a pool', () => {
  it('come back exactly, one object per distinct set across segments', () => {
    const plan = fc.array(values, { minLength: 1, maxLength: 5 }).chain((distinct) => fc.record({
      distinct: fc.constant(distinct),
      segments: fc.array(fc.array(fc.nat(distinct.length - 1), { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
    }))
    fc.assert(fc.property(plan, ({ distinct, segments }) => {
      const pool = new ValueSetPool()
      const written: Values[] = []
      const read: Values[] = []
      for (const picks of segments) {
        // Each set written as its own object, as records are.
        const sets = picks.map((k) => structuredClone(distinct[k] as Values))
        written.push(...sets)
        read.push(...decodeValueSets(encodeValueSets(sets), pool))
      }
      read.forEach((r, i) => expect(sameSet(r, written[i] as Values)).toBe(true))
      for (let i = 0; i < read.length; i++) {
        for (let j = i + 1; j < read.length; j++) {
          expect(read[i] === read[j]).toBe(sameSet(written[i] as Values, written[j] as Values))
        }
      }
    }))
  })

  it('tell apart sets that share their first values and differ in a later one', () => {
    // Few values per name, so that sets share prefixes: branches of the pool taken by one set, then split.
    const atom = fc.constantFrom<Value>(float(0), float(-0), float(NaN), float(1), int(1n), { kind: 'string', value: '1' }, { kind: 'bool', value: true })
    const set = fc.tuple(atom, atom, atom).map(([a, b, c]): Values => ({ a, b, c }))
    const segments = fc.array(fc.array(set, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 4 })
    fc.assert(fc.property(segments, (segs) => {
      const pool = new ValueSetPool()
      const written = segs.flat()
      const read = segs.flatMap((sets) => decodeValueSets(structuredClone(encodeValueSets(sets.map((x) => structuredClone(x)))), pool))
      read.forEach((r, i) => expect(sameSet(r, written[i] as Values)).toBe(true))
      for (let i = 0; i < read.length; i++) {
        for (let j = i + 1; j < read.length; j++) expect(read[i] === read[j]).toBe(sameSet(written[i] as Values, written[j] as Values))
      }
    }))
  })

  it('share a set between segments that keep its values as a typed array, a dictionary and plain values', () => {
    const many = [...Array.from({ length: 300 }, (_, i): Values => ({ x: float(i / 2) })), { x: float(-0) }, { x: float(NaN) }]
    const few: Values[] = [{ x: float(0.5) }, { x: float(-0) }, { x: float(0) }, { x: float(NaN) }]
    const mixed: Values[] = [{ x: int(1n) }, { x: float(1) }]
    const pool = new ValueSetPool()
    const a = decodeValueSets(encodeValueSets(many), pool)
    const b = decodeValueSets(encodeValueSets(few), pool)
    const c = decodeValueSets(encodeValueSets(mixed), pool)
    expect(b[0]).toBe(a[1])
    expect(b[2]).toBe(a[0])
    expect(b[1]).not.toBe(a[0])
    expect(b[1]).toBe(a[300])
    expect(b[3]).toBe(a[301])
    expect(Object.is((b[1]?.['x'] as Value).value, -0)).toBe(true)
    expect(c[1]).toBe(a[2])
    expect(c[0]).not.toBe(a[2])
    expect(c[0]).toEqual({ x: int(1n) })
  })

  it('without a pool, give each set its own object', () => {
    const sets: Values[] = [{ x: float(1) }, { x: float(1) }]
    const read = decodeValueSets(encodeValueSets(sets))
    expect(read[0]).not.toBe(read[1])
    expect(read).toEqual(sets)
  })
})

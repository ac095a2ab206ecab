/**
 * Numbers in columns (src/db/store/number-columns.ts) and the run rows kept
 * with them (row-columns.ts): every number comes back exactly (-0, NaN,
 * ±Infinity, fractions, unsafe integers), integers of a small range take
 * few bytes, as do positions in small dictionaries, and a segment written
 * before the columns (its numbers run after run, as 64-bit floats, its
 * positions in 32 bits) still reads the same rows.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeNumbers, encodeNumbers, indexArray, numberAt } from '../../../src/db/store/number-columns.js'
import { decodeRows, encodeRows, rowRev, rowSeq, type RowColumns, type RowSource } from '../../../src/db/store/row-columns.js'
import { float, str } from '../../../src/db/model/values.js'

const NUMS = 11

/** The numbers back one at a time, and all at once (into a fresh array, and into a longer one holding other numbers). */
function roundTrip(xs: readonly number[]): number[][] {
  // As IndexedDB keeps it: a structured clone.
  const col = structuredClone(encodeNumbers(xs))
  const into = new Float64Array(xs.length + 3).fill(0.25)
  return [xs.map((_, i) => numberAt(col, i)), [...decodeNumbers(col)], [...decodeNumbers(col, into).subarray(0, xs.length)]]
}

describe('a number column', () => {
  it('gives back every number exactly', () => {
    const numbers = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
      fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 0.1),
    )
    fc.assert(fc.property(fc.array(numbers, { maxLength: 40 }), (xs) => {
      for (const back of roundTrip(xs)) {
        expect(back).toHaveLength(xs.length)
        back.forEach((x, i) => expect(Object.is(x, xs[i])).toBe(true))
      }
    }))
  })

  it('keeps integers of a small range in few bytes, and floats as they are', () => {
    const day = 86_400_000
    expect(encodeNumbers([3, 4, 200]).values).toBeInstanceOf(Uint8Array)
    expect(encodeNumbers([1e6, 1e6 + 60_000]).values).toBeInstanceOf(Uint16Array)
    expect(encodeNumbers([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 40 * day]).values).toBeInstanceOf(Uint32Array)
    expect(encodeNumbers([0, 60 * day]).values).toBeInstanceOf(Float64Array)
    expect(encodeNumbers([1, 0.5]).values).toBeInstanceOf(Float64Array)
    expect(encodeNumbers([1, -0]).values).toBeInstanceOf(Float64Array)
    expect(encodeNumbers([]).values).toHaveLength(0)
  })
})

function record(i: number): RowSource {
  const t = Date.UTC(2026, 0, 1) + i * 997
  return {
    id: `r${i}`, seq: i + 1, rev: 10 * i + 3, origin: { db: i % 2 ? 'here' : 'there', seq: i % 3 ? i + 1 : i + 100 },
    values: { lr: float(i % 4 / 10), opt: str(i % 2 ? 'adam' : 'sgd') }, replicate: i % 3, state: i % 5 ? 2 : 4,
    status: `s${i % 7}`, config: { script: 'train' }, created: t, updated: i === 5 ? t + 50 * 86_400_000 : t + 60_000,
    runtime: i === 7 ? -0 : i * 1000.25, retries: i % 2, mCount: i * 3, lCount: i, mTail: i % 4 ? [{ loss: 1 / (i + 1) }] : [],
  }
}

describe('positions in a dictionary', () => {
  it('take the narrowest array that holds them', () => {
    const xs = Uint32Array.from([0, 3, 255])
    expect(indexArray(xs, 256)).toEqual(Uint8Array.from(xs))
    expect(indexArray(xs, 257)).toEqual(Uint16Array.from(xs))
    expect(indexArray(Uint32Array.from([70_000]), 70_001)).toEqual(Uint32Array.from([70_000]))
  })
})

describe('run rows in columns', () => {
  it('a segment written before number columns reads the same rows, seqs and revs', () => {
    const recs = Array.from({ length: 12 }, (_, i) => record(i))
    const cols = structuredClone(encodeRows(recs))
    // The same segment as it was written before: its numbers run after run, as 64-bit floats.
    const nums = new Float64Array(cols.count * NUMS)
    for (let k = 0; k < NUMS; k++) for (let i = 0; i < cols.count; i++) nums[i * NUMS + k] = numberAt(cols.numbers?.[k] as NonNullable<RowColumns['numbers']>[number], i)
    const legacy: RowColumns = {
      ...cols, numbers: undefined, nums,
      status: { ...cols.status, index: Uint32Array.from(cols.status.index) },
      originDb: { ...cols.originDb, index: Uint32Array.from(cols.originDb.index) },
      config: { ...cols.config, index: Int32Array.from(cols.config.index) },
      values: { ...cols.values, index: Uint32Array.from(cols.values.index) },
    }
    expect(cols.status.index).toBeInstanceOf(Uint8Array)
    const now = decodeRows(cols, 's', 'here')
    const before = decodeRows(legacy, 's', 'here')
    expect(before).toEqual(now)
    expect(Object.is(now.rows[7]?.runtime, -0)).toBe(true)
    expect(now.rows[5]?.updated.getTime()).toBe(recs[5]?.updated)
    for (let i = 0; i < cols.count; i++) {
      expect(rowSeq(cols, i)).toBe(recs[i]?.seq)
      expect(rowSeq(legacy, i)).toBe(recs[i]?.seq)
      expect(rowRev(cols, i)).toBe(recs[i]?.rev)
      expect(rowRev(legacy, i)).toBe(recs[i]?.rev)
    }
    expect(now.rows.map((r) => [r.seq, r.replicate, r.state, r.created.getTime(), r.runtime, r.retries, r.metricCount, r.logCount, r.origin]))
      .toEqual(recs.map((r) => [r.seq, r.replicate, r.state, r.created, r.runtime, r.retries, r.mCount, r.lCount, r.origin.db === 'here' && r.origin.seq === r.seq ? undefined : r.origin]))
  })

  it('segments of different sizes, decoded one after another, each give their own rows', () => {
    const big = Array.from({ length: 40 }, (_, i) => record(i))
    const small = Array.from({ length: 5 }, (_, i) => record(100 + i))
    const expected = (recs: RowSource[]) => recs.map((r) => [r.seq, r.replicate, r.state, r.created, r.updated, r.runtime, r.retries, r.mCount, r.lCount])
    const got = (cols: RowColumns) => decodeRows(cols, 's', 'here').rows.map((r) => [r.seq, r.replicate, r.state, r.created.getTime(), r.updated.getTime(), r.runtime, r.retries, r.metricCount, r.logCount])
    const [a, b] = [structuredClone(encodeRows(big)), structuredClone(encodeRows(small))]
    for (const [cols, recs] of [[a, big], [b, small], [a, big], [b, small]] as const) expect(got(cols)).toEqual(expected(recs))
  })
})

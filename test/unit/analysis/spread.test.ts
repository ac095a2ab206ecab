/** Replicate spread and the t-based 95% confidence interval, against hand-computed values. */
import { describe, expect, it } from 'vitest'
import { spreadOf, tQuantile975 } from '../../../src/db/analysis/spread.js'

describe('tQuantile975', () => {
  it('matches published t tables', () => {
    expect(tQuantile975(2)).toBeCloseTo(4.302653, 6)
    expect(tQuantile975(10)).toBeCloseTo(2.228139, 6)
    // Beyond the table: the expansion (published: 40 → 2.021075, 60 → 2.000298, 120 → 1.979930).
    expect(tQuantile975(40)).toBeCloseTo(2.021075, 5)
    expect(tQuantile975(60)).toBeCloseTo(2.000298, 5)
    expect(tQuantile975(120)).toBeCloseTo(1.97993, 5)
    expect(tQuantile975(0)).toBeNaN()
  })
})

describe('spreadOf', () => {
  it('with 3 values gives mean ± t(2)·s/√3', () => {
    // 0.80, 0.84, 0.88: mean 0.84, s = 0.04, s/√3 = 0.0230940, t(0.975, 2) = 4.302653 → half-width 0.0993654.
    const s = spreadOf([0.8, 0.84, 0.88])
    expect(s?.n).toBe(3)
    expect(s?.mean).toBeCloseTo(0.84, 12)
    expect(s?.min).toBe(0.8)
    expect(s?.max).toBe(0.88)
    expect(s?.ci?.low).toBeCloseTo(0.84 - 0.0993654, 6)
    expect(s?.ci?.high).toBeCloseTo(0.84 + 0.0993654, 6)
  })

  it('with 2 values gives min–max and no interval', () => {
    expect(spreadOf([2, 1])).toEqual({ n: 2, mean: 1.5, min: 1, max: 2 })
  })

  it('a NaN makes the mean NaN and gives no interval; min and max skip it', () => {
    const s = spreadOf([1, NaN, 3, 2])
    expect(s?.mean).toBeNaN()
    expect([s?.min, s?.max, s?.ci]).toEqual([1, 3, undefined])
    expect(spreadOf([])).toBeUndefined()
  })
})

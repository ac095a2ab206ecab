/** Downsampling keeps the extremes; best-so-far follows the objective's direction; learning curves. */
import { describe, expect, it } from 'vitest'
import { downsample, minMaxIndices } from '../../../src/db/analysis/downsample.js'
import { bestSoFar, learningCurve, objectiveHistory } from '../../../src/db/analysis/series.js'
import { seededUniform } from '../../../src/db/model/prng.js'
import type { Metrics } from '../../../src/db/model/run.js'

describe('minMaxIndices', () => {
  it('keeps every finite point when there are few enough', () => {
    expect(minMaxIndices([3, NaN, 1, Infinity, 2], 4)).toEqual([0, 2, 4])
  })

  it('keeps each bucket\'s least and greatest point, in index order', () => {
    // 8 points, 4 allowed: 2 buckets of 4. Bucket [5, 1, 9, 3] keeps 1 (i=1) and 9 (i=2); [4, 4, 0, 7] keeps 0 (i=6) and 7 (i=7).
    expect(minMaxIndices([5, 1, 9, 3, 4, 4, 0, 7], 4)).toEqual([1, 2, 6, 7])
  })

  it('never keeps NaN or ±Infinity, and a NaN never hides an extreme', () => {
    const ys = [NaN, 2, NaN, -Infinity, 8, NaN, NaN, NaN, Infinity, 1, NaN, 5]
    // 3 buckets of 4: [NaN, 2, NaN, -Inf] → 1; [8, NaN, NaN, NaN] → 4; [Inf, 1, NaN, 5] → 9, 11.
    expect(minMaxIndices(ys, 6)).toEqual([1, 4, 9, 11])
    expect(minMaxIndices([NaN, NaN, NaN, NaN, NaN], 2)).toEqual([])
  })

  it('keeps the global minimum and maximum of a long noisy series, within the cap', () => {
    const rand = seededUniform(7)
    const ys = Array.from({ length: 100_003 }, () => rand())
    ys[31_337] = -5
    ys[77_777] = 9
    ys[500] = NaN
    const keep = minMaxIndices(ys, 1000)
    expect(keep.length).toBeLessThanOrEqual(1000)
    expect(keep).toContain(31_337)
    expect(keep).toContain(77_777)
    expect(keep).not.toContain(500)
    expect([...keep].sort((a, b) => a - b)).toEqual(keep)
    // Every bucket's extremes survive: the kept points' range covers each bucket's range.
    const s = downsample(ys.map((_, i) => i), ys, 1000)
    expect(Math.min(...s.y)).toBe(-5)
    expect(Math.max(...s.y)).toBe(9)
    expect(s.total).toBe(100_002)
  })
})

describe('bestSoFar', () => {
  it('minimizes: the running minimum, NaN ignored', () => {
    expect([...bestSoFar([NaN, 5, 7, 3, NaN, 4, 1], 'minimize')]).toEqual([NaN, 5, 5, 3, 3, 3, 1])
  })

  it('maximizes: the running maximum', () => {
    expect([...bestSoFar([0.5, 0.4, 0.9, NaN, 0.8, 0.95], 'maximize')]).toEqual([0.5, 0.5, 0.9, 0.9, 0.9, 0.95])
  })
})

describe('objectiveHistory', () => {
  const points = [
    { seq: 3, time: 1000, value: 0.7 },
    { seq: 1, time: 5000, value: 0.9 },
    { seq: 2, time: 3000, value: 0.8 },
    { seq: 4, time: 2000, value: NaN },
  ]

  it('over seq: ordered by seq with the best so far; a NaN run is left out', () => {
    const h = objectiveHistory(points, 'minimize', 'seq')
    expect(h).toEqual({ axis: 'seq', x: [1, 2, 3], seq: [1, 2, 3], value: [0.9, 0.8, 0.7], best: [0.9, 0.8, 0.7], total: 3 })
    expect(objectiveHistory(points, 'maximize', 'seq').best).toEqual([0.9, 0.9, 0.9])
  })

  it('over time: ordered by time (epoch seconds)', () => {
    const h = objectiveHistory(points, 'maximize', 'time')
    expect(h.x).toEqual([1, 3, 5])
    expect(h.value).toEqual([0.7, 0.8, 0.9])
    expect(h.best).toEqual([0.7, 0.8, 0.9])
  })

  it('downsampled, the best line still reaches the final best', () => {
    const rand = seededUniform(3)
    const many = Array.from({ length: 50_000 }, (_, i) => ({ seq: i + 1, time: i, value: rand() }))
    const h = objectiveHistory(many, 'minimize', 'seq', 500)
    expect(h.x.length).toBeLessThanOrEqual(500)
    const min = Math.min(...many.map((p) => p.value))
    expect(h.best.at(-1)).toBe(min)
    expect(h.value).toContain(min)
    // Best-so-far never gets worse.
    for (let i = 1; i < h.best.length; i++) expect(h.best[i]).toBeLessThanOrEqual(h.best[i - 1] as number)
  })
})

describe('learningCurve', () => {
  it('takes the metric\'s reports at their 1-based index, skipping reports without it', () => {
    expect(learningCurve([{ loss: 3 }, { acc: 1 }, { loss: 2 }, { loss: NaN }, { loss: 1 }], 'loss')).toEqual({ x: [1, 3, 5], y: [3, 2, 1], total: 3, stepped: false })
  })

  it('draws against the step when the run reports one; a final report without a step sits at the last step', () => {
    // As an Optuna trial: intermediate values at steps 0, 5, 10, then the final value.
    const history: Metrics[] = [{ step: 0, value: 3 }, { step: 5, value: 2 }, { step: 10, value: 1.5 }, { value: 1.4 }]
    expect(learningCurve(history, 'value')).toEqual({ x: [0, 5, 10, 10], y: [3, 2, 1.5, 1.4], total: 4, stepped: true })
    expect(learningCurve(history, 'step')).toMatchObject({ x: [0, 5, 10], y: [0, 5, 10] })
  })

  it('downsamples a long history keeping its extremes', () => {
    const history = Array.from({ length: 10_000 }, (_, i) => ({ loss: 1 / (i + 1) + (i === 4321 ? 5 : 0) }))
    const c = learningCurve(history, 'loss', 200)
    expect(c.x.length).toBeLessThanOrEqual(200)
    expect(c.x).toContain(4322)
    expect(c.y).toContain(1 / 10_000)
  })
})

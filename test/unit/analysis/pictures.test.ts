/**
 * Parallel coordinates, slices, importance and replicate spread on a tiny
 * study worked out by hand, and importance on synthetic data where one
 * parameter drives the objective and another is pure noise.
 */
import { describe, expect, it } from 'vitest'
import { omegaSquared, paramImportance, quantileBins } from '../../../src/db/analysis/importance.js'
import { importanceCaveats } from '../../../src/ui/study/analysis/importance-notes.js'
import { studyAnalysis, valuesLabel, whiskers, type PictureTrial } from '../../../src/db/analysis/pictures.js'
import { sampleRows, trialTable } from '../../../src/db/analysis/table.js'
import { leaderboard, type RankedRow } from '../../../src/db/analysis/leaderboard.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { seededUniform } from '../../../src/db/model/prng.js'
import { RunState, type Metrics } from '../../../src/db/model/run.js'
import { maximize, minimize } from '../../../src/db/model/study.js'
import { float, str, type Values } from '../../../src/db/model/values.js'

let seq = 0
function row(values: Values, last: Metrics, replicate = 0): RankedRow {
  seq++
  return {
    id: `r${seq}`, study: 's', seq, values, replicate, state: RunState.Success, status: '', config: {},
    created: new Date(0), updated: new Date(seq * 1000), runtime: 0, retries: 0, last,
  }
}

/**
 * The tiny study: opt ∈ {sgd, adam} (discrete), lr a float range.
 *   sgd lr=0.001: loss 0.5, 0.7, 0.6 (3 replicates: mean 0.6, s 0.1, CI ± 4.302653·0.1/√3 = ± 0.248414)
 *   adam lr=0.1:  loss 0.2, 0.4     (mean 0.3)
 *   adam lr=0.01: loss 0.9          (mean 0.9)
 *   sgd lr=0.05:  no loss (left out)
 */
const params = { opt: discrete(str('sgd'), str('adam')), lr: range(0.0001, 1) }
const rows = [
  row({ opt: str('sgd'), lr: float(0.001) }, { loss: 0.5 }, 0),
  row({ opt: str('sgd'), lr: float(0.001) }, { loss: 0.7 }, 1),
  row({ opt: str('sgd'), lr: float(0.001) }, { loss: 0.6 }, 2),
  row({ opt: str('adam'), lr: float(0.1) }, { loss: 0.2 }, 0),
  row({ opt: str('adam'), lr: float(0.1) }, { loss: 0.4 }, 1),
  row({ opt: str('adam'), lr: float(0.01) }, { loss: 0.9 }, 0),
  row({ opt: str('sgd'), lr: float(0.05) }, { acc: 0.1 }, 0),
]
const board = leaderboard(minimize('loss'), rows)

describe('the trial table', () => {
  it('has a categorical axis for a discrete param and a numeric (log) one for a range, rows best first', () => {
    const t = trialTable(board.trials, params, minimize('loss'))
    expect(t.axes).toEqual([
      { kind: 'numeric', key: 'v.lr', label: 'lr', min: 0.001, max: 0.1, log: true },
      { kind: 'categorical', key: 'v.opt', label: 'opt', labels: ['sgd', 'adam'], keys: ['s"sgd"', 's"adam"'] },
    ])
    expect([...(t.columns[0] as Float64Array)]).toEqual([0.1, 0.001, 0.01])
    expect([...(t.columns[1] as Float64Array)]).toEqual([1, 0, 1])
    expect([...t.objective].map((x) => Number(x.toFixed(10)))).toEqual([0.3, 0.6, 0.9])
    expect(t.objectiveAxis).toMatchObject({ kind: 'numeric', key: 'm.loss', log: false })
    expect([...t.trial]).toEqual([0, 1, 2])
  })
})

describe('a categorical axis of floats', () => {
  it('labels values that would read the same at 4 digits with as many digits as tell them apart', () => {
    const p = { d: discrete(float(0.1), float(0.15)) }
    const b = leaderboard(minimize('loss'), [
      row({ d: float(0.1) }, { loss: 1 }), row({ d: float(0.15) }, { loss: 2 }), row({ d: float(0.15000000000000002) }, { loss: 3 }),
    ])
    expect(trialTable(b.trials, p, minimize('loss')).axes[0]).toMatchObject({ kind: 'categorical', labels: ['0.1', '0.15', '0.15000000000000002'] })
    // And the replicate spread's rows, which name each trial's values.
    expect(studyAnalysis(b.trials, p, minimize('loss')).spread.map((r) => r.values)).toEqual([['0.1'], ['0.15'], ['0.15000000000000002']])
  })
})

describe('studyAnalysis', () => {
  const a = studyAnalysis(board.trials, params, minimize('loss'))

  it('parallel coordinates: the param axes, then the objective; every trial drawn when few', () => {
    expect(a.parallel.axes.map((x) => x.key)).toEqual(['v.lr', 'v.opt', 'm.loss'])
    expect(a.parallel.total).toBe(3)
    expect([...a.parallel.drawn]).toEqual([0, 1, 2])
    expect(a.parallel.columns).toHaveLength(3)
  })

  it('slices: objective against each param; a categorical slice has each category\'s mean', () => {
    const [lr, opt] = a.slices
    expect(lr?.x).toEqual([0.1, 0.001, 0.01])
    expect(opt?.x).toEqual([1, 0, 1])
    expect(opt?.y.map((y) => Number(y.toFixed(10)))).toEqual([0.3, 0.6, 0.9])
    // sgd: 0.6; adam: (0.3 + 0.9) / 2 = 0.6
    expect(opt?.means.map((m) => Number(m.toFixed(10)))).toEqual([0.6, 0.6])
    expect(lr?.means).toEqual([])
  })

  it('replicate spread: rank, value set, mean, min–max, and a t interval with 3 replicates', () => {
    expect(a.replicated).toBe(2)
    const [first, second, third] = a.spread
    expect(first).toMatchObject({ rank: 1, label: 'lr=0.1, opt=adam', values: ['0.1', 'adam'], n: 2, min: 0.2, max: 0.4 })
    expect(a.valueNames).toEqual(['lr', 'opt'])
    expect(first?.ci).toBeUndefined()
    expect(second).toMatchObject({ rank: 2, label: 'lr=0.001, opt=sgd', n: 3, min: 0.5, max: 0.7 })
    expect(second?.ci?.low).toBeCloseTo(0.6 - 0.248414, 5)
    expect(second?.ci?.high).toBeCloseTo(0.6 + 0.248414, 5)
    expect(third).toMatchObject({ rank: 3, n: 1, min: 0.9, max: 0.9 })
  })

  it('whiskers sit at each replicated trial\'s latest run, by seq or by time', () => {
    expect(whiskers(board.trials, 'loss').whiskers.map((w) => [w.x, w.min, w.max])).toEqual([[3, 0.5, 0.7], [5, 0.2, 0.4]])
    expect(whiskers(board.trials, 'loss', (s) => s * 1000).whiskers.map((w) => w.x)).toEqual([3, 5])
    expect(whiskers(board.trials, 'loss', undefined, 1).whiskers).toHaveLength(1)
  })

  it('names value sets in name order', () => {
    expect(valuesLabel({ z: str('a'), b: float(1) })).toBe('b=1.0, z=a')
  })
})

describe('sampleRows', () => {
  it('keeps the best quarter and spreads the rest evenly', () => {
    const objective = Float64Array.from({ length: 100 }, (_, i) => 100 - i)
    const kept = sampleRows(objective, 'maximize', 8)
    expect(kept.length).toBe(8)
    expect([...kept].slice(0, 2)).toEqual([0, 1])
    expect([...sampleRows(objective, 'minimize', 8)].slice(-2)).toEqual([98, 99])
  })
})

describe('importance', () => {
  it('ω² by hand: two groups {1, 3} and {5, 7}', () => {
    // mean 4; SST = 9 + 1 + 1 + 9 = 20; SSB = 2·4 + 2·4 = 16; MSW = 4 / 2 = 2; ω² = (16 − 2) / (20 + 2) = 14/22.
    expect(omegaSquared([0, 0, 1, 1], [1, 3, 5, 7]).score).toBeCloseTo(14 / 22, 12)
    expect(omegaSquared([0, 0, 0], [1, 2, 3])).toEqual({ score: 0, groups: 1, trials: 3 })
  })

  it('quantile bins keep equal values together', () => {
    const xs = [5, 1, 1, 1, 1, 1, 2, 3, 4, 6]
    const bins = quantileBins(xs)
    expect(new Set([1, 2, 3, 4, 5].map((i) => bins[i])).size).toBe(1)
    expect(bins[0]).toBe(1)
  })

  it('ranks a parameter that drives the objective above pure noise (numeric and categorical)', () => {
    const rand = seededUniform(20240304)
    const trials: PictureTrial[] = Array.from({ length: 400 }, () => {
      const drive = rand()
      const noise = rand()
      const cat = ['a', 'b', 'c', 'd'][Math.floor(rand() * 4)] as string
      const junk = ['x', 'y', 'z'][Math.floor(rand() * 3)] as string
      const y = 3 * drive + (cat === 'a' ? 1 : 0) + 0.5 * (rand() - 0.5)
      return {
        values: { drive: float(drive), noise: float(noise), cat: str(cat), junk: str(junk) },
        metrics: { y }, replicates: [0], spread: { y: { min: y, max: y } }, ci: {}, reporting: { y: 1 }, runs: [{ seq: 1 }],
      }
    })
    const p = {
      drive: range(0, 1), noise: range(0, 1),
      cat: discrete(str('a'), str('b'), str('c'), str('d')), junk: discrete(str('x'), str('y'), str('z')),
    }
    const t = trialTable(trials, p, maximize('y'))
    const ranked = paramImportance(t.axes, t.columns, t.objective)
    expect(ranked.map((r) => r.label)).toEqual(['drive', 'cat', expect.any(String), expect.any(String)])
    const score = (name: string) => ranked.find((r) => r.label === name)?.score ?? NaN
    expect(score('drive')).toBeGreaterThan(0.5)
    expect(score('noise')).toBeLessThan(0.05)
    expect(score('junk')).toBeLessThan(0.05)
    expect(score('cat')).toBeGreaterThan(score('noise') + 0.05)
  })
})

describe('importance caveats', () => {
  it('says which parameters have too few trials per value, or one value only', () => {
    // 6 trials: opt takes 3 values (2 trials each), seed 6 (1 each), fixed 1.
    const objective = new Float64Array([1, 2, 3, 4, 5, 6])
    const axes = [
      { kind: 'categorical' as const, key: 'v.opt', label: 'opt' },
      { kind: 'categorical' as const, key: 'v.seed', label: 'seed' },
      { kind: 'categorical' as const, key: 'v.fixed', label: 'fixed' },
    ]
    const ranked = paramImportance(axes, [new Float64Array([0, 0, 1, 1, 2, 2]), new Float64Array([0, 1, 2, 3, 4, 5]), new Float64Array(6)], objective)
    expect(ranked.map((p) => [p.label, p.groups, p.trials])).toEqual([['opt', 3, 6], ['fixed', 1, 6], ['seed', 6, 6]])
    const caveats = importanceCaveats(ranked)
    expect(caveats).toEqual([
      'opt: 6 trials over 3 values, fewer than 3 a value: too few to tell its effect from noise (it scores 0 unless the effect is strong).',
      'fixed: every trial that sets it has the same value, so there is nothing to compare.',
      'seed: 6 trials over 6 values, fewer than 3 a value: too few to tell its effect from noise (it scores 0 unless the effect is strong).',
    ])
    // With 3 trials a value, nothing to say.
    const nine = paramImportance(axes.slice(0, 1), [new Float64Array([0, 0, 0, 1, 1, 1, 2, 2, 2])], new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(importanceCaveats(nine)).toEqual([])
    // A range set by 3 trials only (a conditional param): one quantile bin, said so; none set: said so.
    const numeric = [{ kind: 'numeric' as const, key: 'v.drop', label: 'drop' }]
    expect(importanceCaveats(paramImportance(numeric, [new Float64Array([0.1, NaN, 0.2, NaN, 0.3, NaN])], objective)))
      .toEqual(['drop: only 3 trials set it, too few to cut its range into groups to compare.'])
    expect(importanceCaveats(paramImportance(numeric, [new Float64Array(6).fill(NaN)], objective)))
      .toEqual(['drop: no trial with a result sets it, so there is nothing to compare.'])
  })
})

/** The geometry of parallel coordinates: axis placement, brushes made by a drag, and which trials a brush keeps. */
import { describe, expect, it } from 'vitest'
import type { Axis, ParallelCoordinates } from '../../../src/worker/api.js'
import { axisAt, brushOfDrag, categoryY, keptRows, lineAt, placeAxes } from '../../../src/ui/study/analysis/parallel.js'

const frame = { left: 100, right: 400, top: 40, bottom: 340 }
const lr: Axis = { kind: 'numeric', key: 'v.lr', label: 'lr', min: 0.001, max: 0.1, log: true }
const opt: Axis = { kind: 'categorical', key: 'v.opt', label: 'opt', labels: ['sgd', 'adam', 'rmsprop'], keys: ['s"sgd"', 's"adam"', 's"rmsprop"'] }
const acc: Axis = { kind: 'numeric', key: 'm.acc', label: 'acc', min: 0.5, max: 1, log: false }

/** Four trials over lr, opt and acc (the last without an lr), drawn in the order `drawn`. */
function fourTrials(drawn: number[]): ParallelCoordinates {
  return {
    axes: [lr, opt, acc],
    columns: [Float64Array.from([0.001, 0.01, 0.1, NaN]), Float64Array.from([0, 1, 2, 1]), Float64Array.from([0.6, 0.8, 0.9, 0.95])],
    drawn: Uint32Array.from(drawn),
    total: 4,
  }
}

describe('parallel coordinates geometry', () => {
  const placed = placeAxes([lr, opt, acc], frame)

  it('spreads axes evenly and maps numbers to heights (log where the axis is)', () => {
    expect(placed.map((p) => p.x)).toEqual([100, 250, 400])
    expect(placed[0]?.y(0.001)).toBeCloseTo(340)
    expect(placed[0]?.y(0.01)).toBeCloseTo(190)
    expect(placed[2]?.y(0.75)).toBeCloseTo(190)
    // Three categories, the first at the bottom: 340 − 50, 340 − 150, 340 − 250.
    expect([0, 1, 2].map((i) => categoryY(i, 3, frame))).toEqual([290, 190, 90])
    expect(axisAt(placed, 255)).toBe(1)
    expect(axisAt(placed, 175)).toBe(-1)
  })

  it('a drag makes a range on a numeric axis and a category list on a categorical one', () => {
    const range = brushOfDrag(placed[2]!, 190, 40, frame)
    expect(range[0]).toBeCloseTo(0.75)
    expect(range[1]).toBeCloseTo(1)
    expect(brushOfDrag(placed[1]!, 300, 150, frame)).toEqual(['s"sgd"', 's"adam"'])
    // A short drag between categories picks the nearest.
    expect(brushOfDrag(placed[1]!, 95, 100, frame)).toEqual(['s"rmsprop"'])
  })

  it('a brush keeps the trials inside every brushed axis', () => {
    const parallel = fourTrials([0, 1, 2, 3])
    expect([...keptRows(parallel, {})]).toEqual([1, 1, 1, 1])
    expect([...keptRows(parallel, { 'v.opt': ['s"adam"', 's"rmsprop"'] })]).toEqual([0, 1, 1, 1])
    expect([...keptRows(parallel, { 'v.opt': ['s"adam"', 's"rmsprop"'], 'm.acc': [0.85, 1] })]).toEqual([0, 0, 1, 1])
    expect([...keptRows(parallel, { 'v.lr': [0.005, 1] })]).toEqual([0, 1, 1, 0])
    expect([...keptRows(parallel, { 'v.unknown': [0, 1] })]).toEqual([0, 0, 0, 0])
  })

  it('finds the line under the pointer between two axes (the nearest within reach), skipping lines a brush hides or that are not drawn there', () => {
    const parallel = fourTrials([3, 2, 0, 1])
    // Halfway between lr (x 100) and opt (x 250): row 0 at (340 + 290) / 2 = 315, row 1 at 190, row 2 at 65.
    expect(lineAt(parallel, placed, 175, 192)).toBe(3)
    expect(lineAt(parallel, placed, 175, 312)).toBe(2)
    expect(lineAt(parallel, placed, 175, 250)).toBeUndefined()
    expect(lineAt(parallel, placed, 175, 192, Uint8Array.from([1, 0, 1, 1]))).toBeUndefined()
    // Row 3 has no lr: it is found only where it is drawn, from opt (190) to acc (70).
    expect(lineAt(parallel, placed, 325, 131)).toBe(0)
    expect(lineAt(parallel, placed, 450, 100)).toBeUndefined()
  })
})

/**
 * The leaderboard's selection follows trials, not ranks: when runs report and
 * the board reorders, the trials chosen stay chosen (for the learning curves
 * and the comparison).
 */
import { describe, expect, it } from 'vitest'
import { BoardPicker, trialKey, type PickedTrial } from '../../../src/ui/compare/board-picker.svelte.js'
import { parseCompare } from '../../../src/ui/compare/compare.js'
import { float, str } from '../../../src/db/model/values.js'

const trial = (lr: number, opt: string, seqs: number[]): PickedTrial => ({ values: { lr: float(lr), opt: str(opt) }, runs: seqs.map((seq) => ({ seq })) })

/** The trials (as their runs' seqs) the picker's comparison link names. */
function compared(picker: BoardPicker, shown: PickedTrial[]): number[][] | undefined {
  const href = picker.compareHref(shown)
  if (href === undefined) return undefined
  const spec = parseCompare(new URLSearchParams(href.slice(href.indexOf('?') + 1))).spec
  return spec && 'trials' in spec ? spec.trials.map((t) => [...t]) : undefined
}

describe('BoardPicker', () => {
  const a = trial(0.1, 'adam', [1, 2])
  const b = trial(0.01, 'adam', [3, 4])
  const c = trial(0.1, 'sgd', [5, 6])

  it('keeps the chosen trials chosen when the board reorders', () => {
    const picker = new BoardPicker('mnist')
    picker.select(trialKey(a), true)
    picker.select(trialKey(c), true)
    expect(picker.pickedSeqs([a, b, c])).toEqual([1, 2, 5, 6])
    expect(compared(picker, [a, b, c])).toEqual([[1, 2], [5, 6]])
    // c overtakes a, and b moves up: the same two trials, compared in the board's new order.
    expect(picker.pickedSeqs([c, b, a])).toEqual([1, 2, 5, 6])
    expect(compared(picker, [c, b, a])).toEqual([[5, 6], [1, 2]])
    expect(compared(picker, [b, c, a])).toEqual([[5, 6], [1, 2]])
  })

  it('compares 2 to 5 trials, and forgets nothing when a chosen trial leaves the top N', () => {
    const picker = new BoardPicker('mnist')
    picker.select(trialKey(a), true)
    expect(picker.compareHref([a, b, c])).toBeUndefined()
    picker.select(trialKey(b), true)
    expect(compared(picker, [a, b, c])).toEqual([[1, 2], [3, 4]])
    // b drops out of those shown: one left, no comparison; back in view, chosen again.
    expect(picker.compareHref([a, c])).toBeUndefined()
    expect(picker.pickedSeqs([c, b, a])).toEqual([1, 2, 3, 4])
    picker.select(trialKey(a), false)
    expect(picker.pickedSeqs([a, b, c])).toEqual([3, 4])
  })
})

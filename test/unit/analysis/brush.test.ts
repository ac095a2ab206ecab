/** Brushes: parsing from the address, matching trials, and masking run rows by their trial. */
import { describe, expect, it } from 'vitest'
import { brushMask, formatBrush, matchesBrush, parseBrush } from '../../../src/db/analysis/brush.js'
import type { RankedRow } from '../../../src/db/analysis/leaderboard.js'
import { RunState, type Metrics } from '../../../src/db/model/run.js'
import { float, int, str, type Values } from '../../../src/db/model/values.js'

let seq = 0
function row(values: Values, last: Metrics, replicate = 0): RankedRow {
  seq++
  return {
    id: `r${seq}`, study: 's', seq, values, replicate, state: RunState.Success, status: '', config: {},
    created: new Date(0), updated: new Date(seq * 1000), runtime: 0, retries: 0, last,
  }
}

describe('brushes', () => {
  it('round-trip through the address; malformed text or axes are dropped', () => {
    const b = { 'v.lr': [0.001, 0.01] as const, 'v.opt': ['s"adam"'] }
    expect(parseBrush(formatBrush(b))).toEqual(b)
    expect(parseBrush('')).toEqual({})
    expect(parseBrush('{nope')).toEqual({})
    expect(parseBrush('{"v.a":[2,1],"x":[1,2],"v.b":[1,"a"],"v.c":{}}')).toEqual({ 'v.a': [1, 2] })
    expect(formatBrush({})).toBe('')
  })

  it('match on ranges, categories (kind-aware) and the trial\'s objective', () => {
    const values = { lr: float(0.005), opt: str('adam'), bs: int(32) }
    expect(matchesBrush({ 'v.lr': [0.001, 0.01] }, values)).toBe(true)
    expect(matchesBrush({ 'v.lr': [0.006, 0.01] }, values)).toBe(false)
    expect(matchesBrush({ 'v.opt': ['s"adam"', 's"sgd"'] }, values)).toBe(true)
    expect(matchesBrush({ 'v.bs': ['f32'] }, values)).toBe(false)
    expect(matchesBrush({ 'v.bs': ['i32'] }, values)).toBe(true)
    expect(matchesBrush({ 'v.missing': [0, 1] }, values)).toBe(false)
    expect(matchesBrush({ 'm.acc': [0.8, 0.9] }, values, { acc: 0.85 })).toBe(true)
    expect(matchesBrush({ 'm.acc': [0.8, 0.9] }, values, {})).toBe(false)
  })

  it('mask runs by their trial\'s replicate mean, so both replicates of a trial go together', () => {
    const a = { opt: str('adam') }
    const s = { opt: str('sgd') }
    const rows = [row(a, { acc: 0.7 }, 0), row(a, { acc: 0.9 }, 1), row(s, { acc: 0.85 }, 0), row(s, { acc: 0.95 }, 1)]
    // Means: adam 0.8, sgd 0.9. Run 3 alone (0.85) is in [0.78, 0.82] neither way; its trial is not.
    expect([...brushMask({ 'm.acc': [0.78, 0.82] }, rows)]).toEqual([1, 1, 0, 0])
    expect([...brushMask({ 'v.opt': ['s"sgd"'] }, rows)]).toEqual([0, 0, 1, 1])
    expect([...brushMask({}, rows)]).toEqual([1, 1, 1, 1])
  })
})

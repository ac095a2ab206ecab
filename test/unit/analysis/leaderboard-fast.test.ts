/**
 * The leaderboard ranks rows directly, without making Trial objects: on any
 * rows it must agree with `replicatedTrial` over the rows' single-run trials
 * (which replicate wins, metrics to the last bit, pending, replicates), and
 * give the spread, 95% intervals and reporting counts of the picked replicates.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { spreadOf } from '../../../src/db/analysis/spread.js'
import { leaderboard, rowTrial, type RankedRow } from '../../../src/db/analysis/leaderboard.js'
import { RunState } from '../../../src/db/model/run.js'
import { maximize } from '../../../src/db/model/study.js'
import { replicatedTrial, replicateSetList } from '../../../src/db/model/trial.js'
import { compareValueSets, int, valuesKey } from '../../../src/db/model/values.js'

const rowArb = fc.record({
  set: fc.integer({ min: 0, max: 3 }),
  replicate: fc.integer({ min: 0, max: 3 }),
  state: fc.constantFrom(RunState.Pending, RunState.Success, RunState.Failure),
  at: fc.integer({ min: 0, max: 3 }),
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  acc: fc.option(fc.oneof(fc.double({ noNaN: true, min: -10, max: 10 }), fc.constant(NaN)), { nil: undefined }),
  loss: fc.option(fc.double({ noNaN: true, min: 0, max: 10 }), { nil: undefined }),
})

/** A generated row: its value set, replicate, state, updated second, id stem and last metrics. */
interface RowSpec { set: number; replicate: number; state: number; at: number; id: string; acc: number | undefined; loss: number | undefined }

function rowsOf(specs: readonly RowSpec[]): RankedRow[] {
  return specs.map((s, i) => {
    const last: Record<string, number> = {}
    if (s.acc !== undefined) last.acc = s.acc
    if (s.loss !== undefined) last.loss = s.loss
    return {
      id: `${s.id}${i % 3}`, study: 's', seq: i + 1, values: { n: int(s.set) }, replicate: s.replicate, state: s.state,
      status: '', config: {}, created: new Date(0), updated: new Date(s.at * 1000), runtime: 0, retries: 0, last,
    }
  })
}

describe('the leaderboard over rows', () => {
  it('agrees with replicatedTrial on every value set', () => {
    fc.assert(fc.property(fc.array(rowArb, { minLength: 1, maxLength: 30 }), (specs) => {
      const rows = rowsOf(specs)
      const board = leaderboard(maximize('acc'), rows)
      for (const t of board.trials) {
        const group = rows.filter((r) => valuesKey(r.values) === valuesKey(t.values))
        const want = replicatedTrial(group.map(rowTrial))
        expect(t.metrics).toEqual(want.metrics)
        expect(t.pending).toBe(want.pending)
        expect(t.replicates).toEqual(replicateSetList(want.replicates))
        const picked = [...want.replicateMetrics.values()]
        for (const name of ['acc', 'loss']) {
          const xs = picked.flatMap((m) => (Object.hasOwn(m, name) ? [m[name] as number] : []))
          expect(t.reporting[name] ?? 0).toBe(xs.length)
          expect(t.ci[name]).toEqual(xs.length >= 3 ? spreadOf(xs)?.ci : undefined)
        }
        expect(t.runs.map((r) => r.seq)).toEqual(group.map((r) => r.seq))
      }
      expect(board.trials.length).toBe(new Set(rows.map((r) => valuesKey(r.values))).size)
      // Ranked: numbers best first, then NaN, then lacking; ties by value set.
      const rank = (t: (typeof board.trials)[number]) => (!Object.hasOwn(t.metrics, 'acc') ? 2 : Number.isNaN(t.metrics['acc']) ? 1 : 0)
      for (let i = 1; i < board.trials.length; i++) {
        const [a, b] = [board.trials[i - 1]!, board.trials[i]!]
        expect(rank(a)).toBeLessThanOrEqual(rank(b))
        if (rank(a) === rank(b) && rank(a) === 0) expect(a.metrics['acc']).toBeGreaterThanOrEqual(b.metrics['acc'] as number)
        if (rank(a) === rank(b) && (rank(a) > 0 || a.metrics['acc'] === b.metrics['acc'])) expect(compareValueSets(a.values, b.values)).toBeLessThan(0)
      }
    }), { numRuns: 300 })
  })

  it('refuses a replicate outside 0..63, as a trial would', () => {
    const [row] = rowsOf([{ set: 0, replicate: 64, state: RunState.Success, at: 0, id: 'a', acc: 1, loss: undefined }])
    expect(() => leaderboard(maximize('acc'), [row as RankedRow])).toThrow(/replicate must be an integer in 0..63/)
  })
})

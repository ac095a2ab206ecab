import { test } from 'vitest'
import { leaderboard, rowTrial, type RankedRow } from '../../../src/db/leaderboard.js'
import { seededUniform } from '../../../src/db/prng.js'
import { RunState } from '../../../src/db/run.js'
import { maximize } from '../../../src/db/study.js'
import { replicatedTrial } from '../../../src/db/trial.js'
import { float, str, valuesKey } from '../../../src/db/values.js'

test('prof', () => {
  const rand = seededUniform(1)
  const rows: RankedRow[] = []
  for (let i = 0; i < 100_000; i++) {
    const r2 = seededUniform(Math.floor(i / 2))
    rows.push({ id: `r${i}`, study: 's', seq: i + 1, values: { lr: float(r2()), opt: str(['a', 'b', 'c'][Math.floor(r2() * 3)] as string), wd: float(r2()) }, replicate: i % 2,
      state: RunState.Success, status: '', config: {}, created: new Date(i), updated: new Date(i * 1000), runtime: 0, retries: 0, last: { acc: rand() } })
  }
  const time = (name: string, f: () => unknown) => { const t0 = performance.now(); const r = f(); console.log(name, (performance.now() - t0).toFixed(0), 'ms'); return r }
  time('valuesKey', () => rows.map((r) => valuesKey(r.values)))
  const trials = time('rowTrial', () => rows.map(rowTrial)) as ReturnType<typeof rowTrial>[]
  const groups: ReturnType<typeof rowTrial>[][] = []
  for (let i = 0; i < trials.length; i += 2) groups.push([trials[i]!, trials[i + 1]!])
  time('replicatedTrial', () => groups.map(replicatedTrial))
  time('leaderboard', () => leaderboard(maximize('acc'), rows))
  time('leaderboard again', () => leaderboard(maximize('acc'), rows))
})

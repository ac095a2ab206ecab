/**
 * Leaderboards and `Trials` of 10,000 and 100,000 runs (5 params, 10 metric
 * entries each), in a worker on real IndexedDB, each against its floor: the
 * same work on the same data already in memory (scale-worker.ts).
 */
import * as Comlink from 'comlink'
import { expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import type {} from '../commands.js'
import { ratio, round, rounds, spread } from '../stats.js'
import type { ScaleBenchApi } from './scale-worker.js'

it('scale: leaderboards and trials of 10,000 and 100,000 runs against in-memory grouping', async () => {
  const figures: Record<string, number> = { scale_rounds: rounds() }
  for (const [n, label] of [[10_000, '10k'], [100_000, '100k']] as const) {
    const worker = new Worker(new URL('./scale-worker.ts', import.meta.url), { type: 'module' })
    const bench = Comlink.wrap<ScaleBenchApi>(worker)
    figures[`scale_seed_${label}_ms`] = round(await bench.seed(n))
    const t = { coldFloor: [] as number[], cold: [] as number[], warmFloor: [] as number[], warm: [] as number[], trialsFloor: [] as number[], trials: [] as number[], trialsCold: [] as number[], unsummarised: [] as number[] }
    for (let r = 0; r < rounds(); r++) {
      const x = await bench.round(n, true)
      // Floor and ours rank the same trials the same way, and group the same trials.
      expect(new Set(x.boards).size).toBe(1)
      expect(new Set(x.best).size).toBe(1)
      expect(new Set(x.trialCounts).size).toBe(1)
      expect(x.fromSummary).toBe(1)
      // `Trials` read the rows the leaderboards cached, and only the histories from IndexedDB.
      expect(x.trialsFromCache).toBe(1)
      t.coldFloor.push(x.coldFloorMs); t.cold.push(x.coldMs); t.warmFloor.push(x.warmFloorMs); t.warm.push(x.warmMs)
      t.trialsFloor.push(x.trialsFloorMs); t.trials.push(x.trialsMs); t.trialsCold.push(x.trialsColdMs); t.unsummarised.push(x.unsummarisedMs)
      figures[`scale_${label}_board_trials`] = x.boards[0] as number
      figures[`scale_${label}_trials`] = x.trialCounts[0] as number
    }
    worker.terminate()
    Object.assign(figures,
      ratio(`leaderboard_${label}_cold_vs_floor`, t.cold, t.coldFloor),
      ratio(`leaderboard_${label}_vs_floor`, t.warm, t.warmFloor),
      ratio(`trials_${label}_vs_floor`, t.trials, t.trialsFloor),
      ratio(`trials_${label}_cold_vs_floor`, t.trialsCold, t.trialsFloor),
      ratio(`leaderboard_${label}_unsummarised_vs_floor`, t.unsummarised, t.coldFloor),
      spread(`leaderboard_${label}_cold_ms`, t.cold),
      spread(`leaderboard_${label}_ms`, t.warm),
      spread(`leaderboard_${label}_floor_ms`, t.coldFloor),
      spread(`leaderboard_${label}_unsummarised_ms`, t.unsummarised),
      spread(`trials_${label}_ms`, t.trials),
      spread(`trials_${label}_cold_ms`, t.trialsCold),
      spread(`trials_${label}_floor_ms`, t.trialsFloor),
    )
  }
  console.log(figures)
  await commands.writeFile('bench/.results/scale.json', JSON.stringify(figures))
})

import * as Comlink from 'comlink'
import { expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import type {} from '../commands.js'
import { round } from '../workloads.js'
import type { ScaleBenchApi } from './scale-worker.js'

/** Each timing is the median of this many rounds, since the machine is shared and noisy. */
const ROUNDS = Number(import.meta.env.VITE_BENCH_ROUNDS ?? 3)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

it('scale: leaderboard and trials of 10,000 and 100,000 runs (5 params, 10 metric entries each) against in-memory grouping', async () => {
  const figures: Record<string, number> = {}
  for (const [n, label] of [[10_000, '10k'], [100_000, '100k']] as const) {
    const worker = new Worker(new URL('./scale-worker.ts', import.meta.url), { type: 'module' })
    const bench = Comlink.wrap<ScaleBenchApi>(worker)
    figures[`scale_seed_${label}_ms`] = round(await bench.seed(n))
    const t = { floor: [] as number[], trialsFloor: [] as number[], cold: [] as number[], snap: [] as number[], warm: [] as number[], warmTop: [] as number[], trials: [] as number[] }
    for (let r = 0; r < ROUNDS; r++) {
      const x = await bench.round(n)
      // Floor and ours rank the same trials the same way.
      expect(new Set(x.counts).size).toBe(1)
      expect(x.best[0]).toBe(x.best[1])
      expect(x.fromSnapshot).toBe(n >= 2000 ? 1 : 0)
      t.floor.push(x.floorMs); t.trialsFloor.push(x.trialsFloorMs); t.cold.push(x.coldMs); t.snap.push(x.snapMs); t.warm.push(x.warmMs); t.warmTop.push(x.warmTopMs); t.trials.push(x.trialsMs)
      figures[`scale_${label}_trials`] = x.counts[0] as number
    }
    worker.terminate()
    figures[`leaderboard_${label}_vs_floor`] = round(median(t.warm) / median(t.floor))
    figures[`leaderboard_${label}_cold_vs_floor`] = round(median(t.cold) / median(t.floor))
    figures[`trials_${label}_vs_floor`] = round(median(t.trials) / median(t.trialsFloor))
    figures[`leaderboard_${label}_ms`] = round(median(t.warm))
    figures[`leaderboard_${label}_top20_ms`] = round(median(t.warmTop))
    figures[`leaderboard_${label}_cold_ms`] = round(median(t.cold))
    figures[`leaderboard_${label}_cold_snapshot_ms`] = round(median(t.snap))
    figures[`leaderboard_${label}_cold_snapshot_vs_floor`] = round(median(t.snap) / median(t.floor))
    figures[`leaderboard_${label}_floor_ms`] = round(median(t.floor))
    figures[`trials_${label}_ms`] = round(median(t.trials))
    figures[`trials_${label}_floor_ms`] = round(median(t.trialsFloor))
  }
  console.log(figures)
  await commands.writeFile('bench/.results/scale-browser.json', JSON.stringify(figures))
})

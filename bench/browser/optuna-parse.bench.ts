/**
 * Where an Optuna journal import's time goes, in a worker on real IndexedDB
 * (Chromium): reading the file, decoding UTF-8, parsing and replaying the
 * journal into records, the raw write of the resulting run records (the
 * floor), and the whole import. Journals of 1,000 and 10,000 trials × 100
 * intermediate values from the shared generator.
 */
import * as Comlink from 'comlink'
import { expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import type {} from './optuna-commands.js'
import { round } from '../workloads.js'
import type { OptunaBenchApi } from './optuna-worker.js'

it('optuna: import breakdown, 1k and 10k trials', async () => {
  const figures: Record<string, number> = {}
  for (const trials of [1000, 10_000]) {
    const url = await commands.generateOptunaJournal(trials)
    const worker = new Worker(new URL('./optuna-worker.ts', import.meta.url), { type: 'module' })
    const bench = Comlink.wrap<OptunaBenchApi>(worker)
    const r = await bench.breakdown(url)
    worker.terminate()
    expect(r.runs).toBe(trials)
    expect(r.added).toBe(trials)
    const k = trials >= 10_000 ? '10k' : '1k'
    Object.assign(figures, {
      [`optuna_${k}_read_ms`]: round(r.readMs),
      [`optuna_${k}_decode_ms`]: round(r.decodeMs),
      [`optuna_${k}_parse_ms`]: round(r.parseMs),
      [`optuna_${k}_write_floor_ms`]: round(r.writeFloorMs),
      [`optuna_${k}_worker_import_ms`]: round(r.importMs),
      [`optuna_${k}_import_vs_parse_plus_write_floor`]: round((r.parseMs + r.writeFloorMs) / r.importMs),
    })
  }
  console.log(figures)
  await commands.writeFile('bench/.results/optuna-breakdown.json', JSON.stringify(figures))
})

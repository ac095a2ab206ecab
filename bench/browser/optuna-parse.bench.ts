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
import { ratio, rounds, spread } from '../stats.js'
import type { OptunaBenchApi } from './optuna-worker.js'

it('optuna: import breakdown, 1k and 10k trials', async () => {
  const figures: Record<string, number> = {}
  for (const trials of [1000, 10_000]) {
    const url = await commands.generateOptunaJournal(trials)
    const all: Awaited<ReturnType<OptunaBenchApi['breakdown']>>[] = []
    for (let r = 0; r < rounds(); r++) {
      // A fresh worker each round: its heap holds nothing of the round before.
      const worker = new Worker(new URL('./optuna-worker.ts', import.meta.url), { type: 'module' })
      const bench = Comlink.wrap<OptunaBenchApi>(worker)
      const x = await bench.breakdown(url)
      worker.terminate()
      expect(x.runs).toBe(trials)
      expect(x.added).toBe(trials)
      all.push(x)
    }
    const k = trials >= 10_000 ? '10k' : '1k'
    const of = (f: (x: (typeof all)[number]) => number) => all.map(f)
    Object.assign(figures,
      spread(`optuna_${k}_read_ms`, of((x) => x.readMs)),
      spread(`optuna_${k}_decode_ms`, of((x) => x.decodeMs)),
      spread(`optuna_${k}_parse_ms`, of((x) => x.parseMs)),
      spread(`optuna_${k}_write_floor_ms`, of((x) => x.writeFloorMs)),
      spread(`optuna_${k}_worker_import_ms`, of((x) => x.importMs)),
      ratio(`optuna_${k}_import_vs_parse_plus_write_floor`, of((x) => x.parseMs + x.writeFloorMs), of((x) => x.importMs)),
    )
  }
  console.log(figures)
  await commands.writeFile('bench/.results/optuna-breakdown.json', JSON.stringify(figures))
})

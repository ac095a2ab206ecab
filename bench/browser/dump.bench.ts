import * as Comlink from 'comlink'
import { expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import { round } from '../workloads.js'
import type { DumpBenchApi } from './dump-worker.js'

const RUNS = 10_000
const ENTRIES = 100

/** Counts main-thread tasks over 50 ms while `work` runs. */
async function longTasksDuring<T>(work: () => Promise<T>): Promise<[number, number, T]> {
  const seen: number[] = []
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(e.duration) })
  observer.observe({ type: 'longtask', buffered: false })
  const value = await work()
  await new Promise((r) => setTimeout(r, 100))
  observer.disconnect()
  return [seen.length, Math.max(0, ...seen), value]
}

it(`dump: import and export of ${RUNS} runs × ${ENTRIES} metric entries and a 4 KB log`, async () => {
  const worker = new Worker(new URL('./dump-worker.ts', import.meta.url), { type: 'module' })
  const bench = Comlink.wrap<DumpBenchApi>(worker)
  const { dump, exportMs, rawExportMs } = await bench.prepare(RUNS, ENTRIES)
  console.log('EXPERIMENT parse', await bench.parseOnly(dump))
  const floor = await bench.floor(RUNS, ENTRIES)
  console.log('EXPERIMENT', floor.ms, floor.msCols, floor.msNoMetrics)
  const peer = await bench.peer(floor.peer)
  const [longTasks, longest, ours] = await longTasksDuring(() => bench.importDump(dump))
  expect(ours.count).toBe(RUNS)
  expect(peer.count).toBe(RUNS)
  const figures = {
    import_10k_vs_floor: round(floor.ms / ours.ms),
    import_10k_vs_dexie_export_import: round(peer.ms / ours.ms),
    export_10k_vs_floor: round(rawExportMs / exportMs),
    import_10k_long_tasks: longTasks,
    import_10k_worker_peak_heap_mb: round(ours.peakHeapBytes / 2 ** 20),
    dump_10k_bytes: dump.size,
    import_10k_ms: round(ours.ms),
    import_10k_floor_ms: round(floor.ms),
    import_10k_dexie_export_import_ms: round(peer.ms),
    import_10k_longest_task_ms: round(longest),
    export_10k_ms: round(exportMs),
    export_10k_floor_ms: round(rawExportMs),
    dexie_export_import_10k_bytes: floor.peer.size,
  }
  console.log(figures)
  await commands.writeFile('bench/.results/dump-browser.json', JSON.stringify(figures))
  worker.terminate()
})

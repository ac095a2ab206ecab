import * as Comlink from 'comlink'
import { expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import type {} from '../commands.js'
import { ratio, round, rounds, spread } from '../stats.js'
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
  const start = () => {
    const worker = new Worker(new URL('./dump-worker.ts', import.meta.url), { type: 'module' })
    return { worker, bench: Comlink.wrap<DumpBenchApi>(worker) }
  }
  const t = { floor: [] as number[], readFloor: [] as number[], read: [] as number[], peer: [] as number[], ours: [] as number[], exp: [] as number[], rawExp: [] as number[] }
  let longTasks = 0
  let longest = 0
  let peak = 0
  let dumpBytes = 0
  let peerBytes = 0
  for (let i = 0; i < rounds(); i++) {
    const setup = start()
    const { dump, exportMs, rawExportMs } = await setup.bench.prepare(RUNS, ENTRIES)
    const floor = await setup.bench.floor(RUNS, ENTRIES)
    const peer = await setup.bench.peer(floor.peer)
    const read = await setup.bench.readFloor(dump)
    setup.worker.terminate()
    // Our import runs in a worker of its own, as the page's does, so its heap holds nothing else.
    const importer = start()
    await importer.bench.ready()
    await commands.startWorkerHeapSampler('dump-worker')
    const [tasks, longestTask, ours] = await longTasksDuring(() => importer.bench.importDump(dump))
    const peakHeap = await commands.stopWorkerHeapSampler()
    importer.worker.terminate()
    expect(ours.count).toBe(RUNS)
    expect(ours.summary.runs.added).toBe(RUNS)
    expect(peer.count).toBe(RUNS)
    expect(read.lines).toBeGreaterThan(RUNS)
    t.floor.push(floor.ms); t.readFloor.push(read.ms + floor.ms); t.read.push(read.ms); t.peer.push(peer.ms); t.ours.push(ours.ms); t.exp.push(exportMs); t.rawExp.push(rawExportMs)
    longTasks = Math.max(longTasks, tasks)
    longest = Math.max(longest, longestTask)
    peak = Math.max(peak, peakHeap)
    dumpBytes = dump.size
    peerBytes = floor.peer.size
  }
  const figures = {
    dump_rounds: rounds(),
    ...ratio('import_10k_vs_floor', t.floor, t.ours),
    ...ratio('import_10k_vs_read_write_floor', t.readFloor, t.ours),
    ...ratio('import_10k_vs_dexie_export_import', t.peer, t.ours),
    // How many times the read+write floor dexie-export-import takes: below 2, importing twice as fast as it would
    // mean reading and writing the same runs faster than the browser's own primitives do.
    ...ratio('dexie_export_import_10k_vs_read_write_floor', t.peer, t.readFloor),
    ...ratio('export_10k_vs_floor', t.rawExp, t.exp),
    import_10k_long_tasks: longTasks,
    import_10k_worker_peak_heap_mb: round(peak / 2 ** 20),
    dump_10k_bytes: dumpBytes,
    ...spread('import_10k_ms', t.ours),
    ...spread('import_10k_floor_ms', t.floor),
    ...spread('import_10k_read_floor_ms', t.read),
    ...spread('import_10k_read_write_floor_ms', t.readFloor),
    ...spread('import_10k_dexie_export_import_ms', t.peer),
    import_10k_longest_task_ms: round(longest),
    ...spread('export_10k_ms', t.exp),
    ...spread('export_10k_floor_ms', t.rawExp),
    dexie_export_import_10k_bytes: peerBytes,
  }
  console.log(figures)
  await commands.writeFile('bench/.results/dump.json', JSON.stringify(figures))
})

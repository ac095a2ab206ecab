/**
 * Benchmark workloads shared by the Node and browser benches: the same calls,
 * measured on fake-indexeddb and on real IndexedDB.
 */
import type { DexieDatabase } from '../src/db/store/dexie-database.js'
import { discrete } from '../src/db/model/params.js'
import { minimize } from '../src/db/model/study.js'
import { float, int } from '../src/db/model/values.js'
import { ratio, rounds, spread } from './stats.js'

/** Milliseconds `work` takes. */
export async function time(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await work()
  return performance.now() - t0
}


/** Creates the study the core benchmarks write to. */
export async function benchStudy(db: DexieDatabase): Promise<void> {
  await db.createStudyIfNotExist({ name: 'bench', objective: minimize('loss'), params: { lr: discrete(float(0.1), float(0.01)), layers: discrete(int(1), int(2)) } })
}

/** `n` insertRun calls, one after another, as a runner makes them. */
export async function insertRuns(db: DexieDatabase, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await db.insertRun({ study: 'bench', values: { lr: float(0.1), layers: int(i % 2 + 1) }, config: { script: 'train.py' } })
}

/** `n` appendRunMetrics calls spread over the study's first `runs` runs. */
export async function appendMetrics(db: DexieDatabase, n: number, runs: number): Promise<void> {
  for (let i = 0; i < n; i++) await db.appendRunMetrics('bench', (i % runs) + 1, { loss: 1 / (i + 1), acc: i / n, step: i })
}

/** The raw-IndexedDB baseline: `n` single-record put transactions of about the same size, one after another. */
export async function rawPuts(factory: IDBFactory, name: string, n: number, record: (i: number) => object): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name, 1)
    req.onupgradeneeded = () => { req.result.createObjectStore('s', { keyPath: 'k' }) }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('s', 'readwrite')
      tx.objectStore('s').put({ k: i, ...record(i) })
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
  }
  db.close()
  await new Promise<void>((resolve) => { const r = factory.deleteDatabase(name); r.onsuccess = () => resolve(); r.onerror = () => resolve() })
}

/** Figures for the core workload: 1,000 insertRun and 10,000 appendRunMetrics, each against raw IndexedDB puts (`rounds()` rounds). */
export async function coreFigures(open: (name: string) => Promise<DexieDatabase>, factory: IDBFactory, prefix: string): Promise<Record<string, number>> {
  const t = { insert: [] as number[], append: [] as number[], rawInsert: [] as number[], rawAppend: [] as number[] }
  for (let r = 0; r < rounds(); r++) {
    const db = await open(`bench-core-${Date.now()}`)
    await benchStudy(db)
    t.insert.push(await time(() => insertRuns(db, 1000)))
    t.append.push(await time(() => appendMetrics(db, 10_000, 100)))
    t.rawInsert.push(await time(() => rawPuts(factory, `raw-insert-${Date.now()}`, 1000, (i) => ({ study: 'bench', seq: i, values: { lr: 0.1 }, created: Date.now() }))))
    t.rawAppend.push(await time(() => rawPuts(factory, `raw-append-${Date.now()}`, 10_000, (i) => ({ run: i % 100, m: { loss: 1 / (i + 1), acc: 0.5, step: i } }))))
    db.close()
    await db.dexie.delete()
  }
  return {
    ...spread(`${prefix}_insert_run_1k_ms`, t.insert),
    ...ratio(`${prefix}_insert_run_1k_vs_raw_put`, t.insert, t.rawInsert),
    ...spread(`${prefix}_append_metrics_10k_ms`, t.append),
    ...ratio(`${prefix}_append_metrics_10k_vs_raw_put`, t.append, t.rawAppend),
  }
}

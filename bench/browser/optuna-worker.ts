/**
 * The Optuna breakdown benchmark's worker: where an Optuna journal import's time
 * goes, on real IndexedDB in a worker as the page's: reading the bytes,
 * decoding them, parsing and replaying the journal into records, writing the
 * resulting run records raw (the write floor), and the whole import.
 */
import * as Comlink from 'comlink'
import { Dexie } from 'dexie'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import { importDump } from '../../src/db/merge/import.js'
import type { RunHead } from '../../src/db/dump/records.js'
import { readJournal } from '../../src/db/optuna/journal.js'
import type { Metrics } from '../../src/db/model/run.js'

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now()
  const v = await work()
  return [performance.now() - t0, v]
}

const api = {
  /** Times each stage for the journal at `url`. */
  async breakdown(url: string) {
    const blob = await (await fetch(url)).blob()
    const [readMs, buf] = await timed(() => blob.arrayBuffer())
    const [decodeMs] = await timed(async () => new TextDecoder('utf-8', { fatal: true }).decode(buf).length)
    // Reading, decoding, splitting and replaying: every record the import would apply (counted, not kept, as the import keeps a batch at most).
    const [parseMs, records] = await timed(async () => {
      let n = 0
      for await (const items of readJournal(blob.stream()).records) n += items.length
      return n
    })
    // Again, untimed, keeping the runs for the write floor.
    const runs: { head: RunHead; metrics: Metrics[] }[] = []
    for await (const items of readJournal(blob.stream()).records) {
      for (const { record: r } of items) {
        if (r.type === 'run') runs.push({ head: r.run, metrics: [] })
        else if (r.type === 'metrics') (runs.at(-1) as { metrics: Metrics[] }).metrics.push(...r.entries)
      }
    }
    // The write floor: the same run records (history inline) put raw, in batches of 500 like the import's.
    const floorDb = new Dexie(`bench-optuna-floor-${Date.now()}`)
    floorDb.version(1).stores({ runs: 'id, &[study+seq]' })
    await floorDb.open()
    const [writeFloorMs] = await timed(async () => {
      for (let i = 0; i < runs.length; i += 500) {
        await floorDb.table('runs').bulkPut(runs.slice(i, i + 500).map(({ head, metrics }) => ({ ...head, mTail: metrics })))
      }
    })
    floorDb.close()
    await floorDb.delete()
    const db = await openDatabase(`bench-optuna-import-${Date.now()}`)
    const [importMs, summary] = await timed(() => importDump(db, blob))
    db.close()
    await db.dexie.delete()
    return { bytes: blob.size, records, runs: runs.length, readMs, decodeMs, parseMs, writeFloorMs, importMs, added: summary.runs.added }
  },
}

/** The Optuna breakdown benchmark worker's API. */
export type OptunaBenchApi = typeof api
Comlink.expose(api)

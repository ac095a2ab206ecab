import { DexieDatabase } from '../../../src/db/dexie.js'
import { exportDump, type ExportOptions } from '../../../src/db/dump/export.js'

let n = 0

/** A fresh, empty database on fake-indexeddb. */
export async function freshDb(label = 'db'): Promise<DexieDatabase> {
  const db = new DexieDatabase(`${label}-${++n}-${Math.random().toString(36).slice(2)}`, { followPollMs: 20, loggerFlushMs: 5 })
  await db.createTable()
  return db
}

/** Reads a byte stream to one Uint8Array. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** The whole dump of `db` (or the part `options` selects) as bytes. */
export async function dumpBytes(db: DexieDatabase, options?: ExportOptions): Promise<Uint8Array> {
  return collect(exportDump(db, options))
}

/** Everything a database holds that merging must preserve, in a comparable form (local seq numbers aside when `ignoreSeq`). */
export async function snapshot(db: DexieDatabase, ignoreSeq = false): Promise<unknown> {
  const studies = await db.listStudies('')
  const out: unknown[] = []
  for (const s of studies) {
    const runs = await db.listRuns(s.name, 7)
    const rows = []
    for (const r of runs) {
      const log = await new Response(db.log(s.name, r.seq).pipeThrough(new TextEncoderStream())).text()
      const { origin: _o, seq, ...rest } = r
      rows.push({ ...rest, seq: ignoreSeq ? 0 : seq, metrics: JSON.stringify(r.metrics.map((m) => Object.entries(m).map(([k, v]) => [k, String(v)]))), log })
    }
    rows.sort((a, b) => (a.id < b.id ? -1 : 1))
    out.push({ name: s.name, objective: s.objective, params: s.params, replicates: s.replicates, description: s.description, oracle: s.oracle, runs: rows })
  }
  return out
}

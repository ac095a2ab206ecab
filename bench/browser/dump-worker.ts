/**
 * The dump benchmark's worker: generates the data, and times the floor, the
 * peer (dexie-export-import), our import and our export, all on real IndexedDB
 * in this worker, as the page's worker would run them.
 */
import * as Comlink from 'comlink'
import { Dexie } from 'dexie'
import { exportDB, importInto } from 'dexie-export-import'
import { gzipSync } from 'fflate'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import { exportDump } from '../../src/db/dump/export.js'
import { importDump } from '../../src/db/merge/import.js'
import { RunState } from '../../src/db/model/run.js'
import type { RunRecord } from '../../src/db/store/schema.js'
import { discrete } from '../../src/db/model/params.js'
import { minimize } from '../../src/db/model/study.js'
import { float, int, str } from '../../src/db/model/values.js'

const STUDY = 'bench-dump'

function logText(i: number): string {
  let s = ''
  let line = 0
  while (s.length < 4096) s += `[run ${i}] epoch ${line++} loss=${(1 / (line + i)).toFixed(6)} lr=0.01 step time 0.123s\n`
  return s.slice(0, 4096)
}

/** The benchmark's runs, as our storage holds them (one record per run, history and log inline). */
function runRecords(n: number, entries: number, origin: string): RunRecord[] {
  const t0 = Date.UTC(2026, 0, 1)
  const out: RunRecord[] = []
  for (let i = 0; i < n; i++) {
    const metrics = Array.from({ length: entries }, (_, k) => ({ loss: 1 / (k + 1 + (i % 7)), acc: k / entries, step: k }))
    out.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, study: STUDY, seq: i + 1, origin: { db: origin, seq: i + 1 },
      values: { lr: float([0.1, 0.01, 0.001][i % 3] as number), layers: int(i % 4 + 1), optimizer: str(i % 2 ? 'adam' : 'sgd') },
      replicate: 0, state: i % 10 === 0 ? RunState.Failure : RunState.Success, status: 'done', config: { script: 'python train.py' },
      created: t0 + i * 1000, updated: t0 + i * 1000 + 60_000, runtime: 60_000, retries: 0,
      mCount: entries, mSealed: 0, mTail: metrics, lCount: 1, lSealed: 0, lTail: [{ t: t0 + i * 1000 + 30_000, text: logText(i) }],
      touched: t0, rev: i + 1,
    })
  }
  return out
}

/** The floor's record: values, whole history and log in one record per run. */
function floorRecord(r: RunRecord) {
  return { id: r.id, study: r.study, seq: r.seq, values: r.values, replicate: r.replicate, state: r.state, status: r.status, config: r.config, created: r.created, updated: r.updated, runtime: r.runtime, retries: r.retries, metrics: r.mTail, log: r.lTail }
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now()
  const v = await work()
  return [performance.now() - t0, v]
}

const api = {
  /** Resolves once the worker is running. */
  async ready() {
    return true
  },

  /** Fills a source database with `n` runs and exports it; returns the dump and the export timings. */
  async prepare(n: number, entries: number) {
    const src = await openDatabase(`bench-src-${Date.now()}`)
    await src.createStudyIfNotExist({ name: STUDY, objective: minimize('loss'), params: { lr: discrete(float(0.1), float(0.01), float(0.001)), layers: discrete(int(1), int(2), int(3), int(4)), optimizer: discrete(str('adam'), str('sgd')) } })
    const recs = runRecords(n, entries, await src.id())
    await src.dexie.runs.bulkPut(recs)
    await src.dexie.studies.update(STUDY, { counter: n })
    const [exportMs, dump] = await timed(async () => new Blob([await new Response(exportDump(src)).arrayBuffer()]))
    // Export's floor: the same records read raw, as JSON, gzipped.
    const [rawExportMs] = await timed(async () => {
      const parts: Uint8Array[] = []
      const enc = new TextEncoder()
      let last = 0
      for (;;) {
        const page = await src.dexie.runs.where('[study+seq]').between([STUDY, last + 1], [STUDY, Dexie.maxKey]).limit(200).toArray()
        if (!page.length) break
        last = page.at(-1)?.seq ?? last
        parts.push(enc.encode(page.map((r) => JSON.stringify(floorRecord(r), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).join('\n')))
      }
      return gzipSync(concat(parts))
    })
    src.close()
    await src.dexie.delete()
    return { dump, exportMs, rawExportMs }
  },

  /** Times Dexie bulkPut of the same runs already in memory, one record per run. */
  async floor(n: number, entries: number) {
    const recs = runRecords(n, entries, 'floor').map(floorRecord)
    const db = new Dexie(`bench-floor-${Date.now()}`)
    db.version(1).stores({ runs: 'id, [study+seq]' })
    await db.open()
    const [ms] = await timed(() => db.table('runs').bulkPut(recs))
    const peer = await exportDB(db)
    db.close()
    await db.delete()
    return { ms, peer }
  },

  /**
   * Times reading the dump with the browser's own primitives and nothing else:
   * native gunzip, UTF-8 decoding of whole chunks, splitting at newlines and
   * `JSON.parse` of every line (what any import of the file must do before it
   * writes). Resolves to the time and the lines parsed.
   */
  async readFloor(dump: Blob) {
    const [ms, lines] = await timed(async () => {
      const reader = dump.stream().pipeThrough(new DecompressionStream('gzip')).getReader()
      const decoder = new TextDecoder()
      let pending = ''
      let lines = 0
      for (;;) {
        const { done, value } = await reader.read()
        const text = pending + (done ? decoder.decode() : decoder.decode(value, { stream: true }))
        const parts = text.split('\n')
        pending = done ? '' : (parts.pop() as string)
        for (const line of parts) if (line) { JSON.parse(line); lines++ }
        if (done) return lines
      }
    })
    return { ms, lines }
  },

  /** Times dexie-export-import importing its own export of the floor's data. */
  async peer(blob: Blob) {
    const db = new Dexie(`bench-peer-${Date.now()}`)
    db.version(1).stores({ runs: 'id, [study+seq]' })
    await db.open()
    const [ms] = await timed(() => importInto(db, blob, { acceptNameDiff: true }))
    const count = await db.table('runs').count()
    db.close()
    await db.delete()
    return { ms, count }
  },

  /** Times our import of the dump into an empty database. */
  async importDump(dump: Blob) {
    const db = await openDatabase(`bench-import-${Date.now()}`)
    const [ms, summary] = await timed(() => importDump(db, dump))
    const count = await db.dexie.runs.count()
    db.close()
    await db.dexie.delete()
    return { ms, summary, count }
  },
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/** The benchmark worker's API. */
export type DumpBenchApi = typeof api
Comlink.expose(api)
